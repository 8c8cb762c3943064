"""The kinds of controller ev evolves -- the article's state-space matrix and the PID -- and
everything that differs between them, in one place: the shape, the creature class each back
end flies, the genome as the numbers a store keeps (and back), what a saved creature or a run
record says, and which back ends can fly it.

Nothing outside this module asks "is this a PID?": it asks the controller.  A back end is
passed in as its creature class (``creature_class``) or its name (``can_fly``): the back ends
sit above the model (ev.backends), so this module never imports them.
"""
import math

from ev.model.creature_base import DEFAULT_SHAPE, Shape

# The flight loops compiled outside Python: they fly the state-space form of a genome, and
# nothing else (no error clamp).
COMPILED_FLIGHT_LOOPS = ("numba", "c")
FLYABLE_INPUTS = 2  # the setpoint and the altitude


class StateSpace(object):
    name = "state-space"

    def shape(self, state_vars=None):
        """The controller's shape; ``state_vars`` None: the article's one state variable."""
        return DEFAULT_SHAPE._replace(state_vars=1 if state_vars is None else state_vars)

    def creature_class(self, base):
        """The creature class a back end flies, from the back end's own (``base``)."""
        return base

    def describe(self, variant_description):
        return variant_description

    def can_fly(self, variant):
        """None when the back end called ``variant`` can fly this controller, else why not."""
        return None

    def run_fields(self):
        """What a run record holds about the genome beyond its shape."""
        return {}

    def stored_genome_problem(self, run_gains):
        """Why the genomes of a run whose record names ``run_gains`` (None: names none)
        cannot be read by this ev; None when they can."""
        return None

    def genome_values(self, creature):
        """The numbers that define the creature, as a store keeps them: the matrix
        (row-major), then the constant."""
        return creature.matrix_values + creature.constant_values

    def creature_dict(self, values, shape):
        """A saved creature's dict (without its kind) from ``genome_values``' numbers."""
        split = shape.rows * shape.cols
        return {"shape": dict(shape._asdict()), "matrix": values[:split],
                "constant": values[split:]}

    def saved_shape(self, data):
        """The shape of a saved creature's dict; ValueError (in words) when no flight can
        use its genome."""
        shape = Shape(**data["shape"])
        check_flyable(shape, data["matrix"], data["constant"])
        return shape

    def named_genome(self, creature):
        """The genome as named numbers, for a reader (None: a matrix has no names)."""
        return None


class Pid(StateSpace):
    name = "pid"
    # The first PID genome (run records that name no gains): its hover was evolved.
    FIRST_GAIN_NAMES = ("kp", "ki", "kd", "hover")

    def shape(self, state_vars=None):
        from ev.model.pid import PID_SHAPE
        if state_vars not in (None, PID_SHAPE.state_vars):
            raise ValueError("--state-vars %d: a PID controller has %d (the integral and the "
                             "previous altitude)" % (state_vars, PID_SHAPE.state_vars))
        return PID_SHAPE

    def creature_class(self, base):
        from ev.model.pid import pid_creature_class
        return pid_creature_class(base)

    def describe(self, variant_description):
        return "PID gains flown as the state-space form, %s" % variant_description

    def can_fly(self, variant):
        if variant in COMPILED_FLIGHT_LOOPS:
            return ("the PID controller's error clamp is not in the %s variant's compiled "
                    "flight loop (ev.model.pid)" % variant)
        return None

    def run_fields(self):
        from ev.model.pid import GAIN_NAMES
        return {"gains": list(GAIN_NAMES)}

    def stored_genome_problem(self, run_gains):
        from ev.model.pid import GAIN_NAMES
        names = tuple(run_gains) if run_gains else self.FIRST_GAIN_NAMES
        if names == GAIN_NAMES:
            return None
        return ("PID creatures have the gains %s of another ev version; this one evolves %s"
                % (", ".join(names), ", ".join(GAIN_NAMES)))

    def genome_values(self, creature):
        return list(creature.gains)

    def creature_dict(self, values, shape):
        from ev.model.pid import GAIN_NAMES
        return {"controller": self.name, "gains": dict(zip(GAIN_NAMES, values))}

    def saved_shape(self, data):
        from ev.model.pid import GAIN_NAMES, PID_SHAPE
        if set(data["gains"]) != set(GAIN_NAMES):
            raise ValueError("its PID gains are %s; this ev's are %s"
                             % (", ".join(data["gains"]), ", ".join(GAIN_NAMES)))
        check_finite([data["gains"][name] for name in GAIN_NAMES])
        return PID_SHAPE

    def named_genome(self, creature):
        from ev.model.pid import GAIN_NAMES
        return dict(zip(GAIN_NAMES, creature.gains))


STATE_SPACE, PID = StateSpace(), Pid()
CONTROLLERS = dict((c.name, c) for c in (STATE_SPACE, PID))
NAMES = tuple(CONTROLLERS)
DEFAULT = STATE_SPACE.name


def get(name):
    """The controller called ``name``; None stands for the state-space one (run records and
    saved creatures from before there were others name none).  ValueError when unknown."""
    if name is None:
        return STATE_SPACE
    try:
        return CONTROLLERS[name]
    except (KeyError, TypeError):
        raise ValueError("unknown controller %r (this ev knows %s)" % (name, ", ".join(NAMES)))


def of(creature):
    """The controller a creature is (its class says: ``controller``, a name)."""
    return get(getattr(creature, "controller", None))


def can_fly(controller, variant):
    """None when the back end called ``variant`` can fly the ``controller`` (a name or a
    controller), else the reason in words (ev.cli.evolve refuses the run, a matrix marks the
    cell not run)."""
    if isinstance(controller, str) or controller is None:
        controller = get(controller)
    return controller.can_fly(variant)


def check_flyable(shape, matrix, constant):
    """Raise ValueError for a shape or genome no flight can use."""
    if shape.inputs != FLYABLE_INPUTS or shape.outputs < 1 or shape.state_vars < 0:
        raise ValueError("shape %r cannot fly: it needs %d inputs (setpoint, altitude) and "
                         "at least one output" % (tuple(shape), FLYABLE_INPUTS))
    check_finite(list(matrix) + list(constant))


def check_finite(values):
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
               for x in values):
        raise ValueError("the genome holds values that are not finite numbers")
