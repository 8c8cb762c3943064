"""The ``c`` variant: the population evaluated by ev/backends/c_flight.c (see ev.backends.c_build), driven from
the same Python GA.  The creatures are the specialized ones (their run_step replays a saved
creature anywhere); only the batch of pending creatures crosses into C, once per generation."""
from ev.model.fitness import ENVIRONMENTS
from ev.model.quadcopter import SingularAttitude


class NotBuilt(ImportError):
    pass


def compiled_module():
    try:
        from ev.backends import _c_flight
    except ImportError as error:
        raise NotBuilt("the C evaluation is not built for this interpreter (%s); run "
                       "python -m ev.backends.c_build (it needs cffi and a C compiler)" % error)
    return _c_flight


def evaluate_population(creatures):
    """Give every creature its fitness (the sum over ENVIRONMENTS, in their order)."""
    if not creatures:
        return
    module = compiled_module()
    ffi, lib = module.ffi, module.lib
    shape = creatures[0].shape
    matrices = ffi.new("double[]", [x for c in creatures for x in c.matrix_values])
    constants = ffi.new("double[]", [x for c in creatures for x in c.constant_values])
    fitness = ffi.new("double[]", len(creatures))
    failed = lib.ev_evaluate_batch(
        len(creatures), shape.rows, shape.cols, shape.state_vars, matrices, constants,
        len(ENVIRONMENTS), ffi.new("double[]", [env.start for env in ENVIRONMENTS]),
        ffi.new("double[]", [env.setpoint for env in ENVIRONMENTS]),
        ffi.new("long[]", [env.steps for env in ENVIRONMENTS]), fitness)
    if failed == -2:
        raise MemoryError("the C evaluation could not allocate its state")
    if failed >= 0:
        raise SingularAttitude("pitch angle theta reached +-90 degrees: cos(theta) == 0")
    for creature, value in zip(creatures, ffi.unpack(fitness, len(creatures))):
        creature.fitness = value
