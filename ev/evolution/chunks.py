"""What travels between the GA and its workers, and the worker's side of it.

A chunk goes out as plain numbers: the creatures' genomes laid end to end in one
``array('d')`` (a state-space creature's matrix then constant, a PID's four gains), with the
slot that names the chunk; it comes back as the worker's pid, the seconds it took and one
``array('d')`` of fitnesses in the same order.  No creature is pickled: a worker rebuilds them
from the genome with the backend registry, so that every variant (numpy, specialized,
vectorized, numba, c) runs in a worker as it runs in the GA's process, and a creature's fitness
depends on its genome only (the same bits whatever the chunk).

A worker is set up once per run (``init_worker``): it builds the variant (imports, the
generated class, the compiled module) and keeps it, so a PyPy worker's JIT stays warm from one
generation to the next.
"""
import os
import signal
import socket
import threading
import time
from array import array
from collections import namedtuple

# What a worker needs to rebuild creatures: names and numbers only (shape as a plain tuple).
Spec = namedtuple("Spec", "variant controller shape")

_worker = None        # this worker's Evaluator, made by init_worker
_started = None       # shared array: slot -> pid of the worker that took that chunk (local only)
PARENT_POLL_SECONDS = 0.5


class Evaluator(namedtuple("Evaluator", "creature_class evaluate_all shape controller "
                                        "genome_length")):
    """The creature class and evaluation of a Spec, and how its genomes are laid out (the
    controller's genome_values: what a store keeps)."""
    __slots__ = ()

    @classmethod
    def of(cls, spec):
        from ev.backends.registry import get_variant
        from ev.common.rng import Rng
        from ev.model import controllers
        from ev.model.creature_base import Shape
        shape = Shape(*spec.shape)
        chosen = get_variant(spec.variant, shape)
        controller = controllers.get(spec.controller)
        creature_class = controller.creature_class(chosen.creature_class)
        length = len(controller.genome_values(creature_class.random(Rng(0), shape)))
        return cls(creature_class, chosen.evaluate_all, shape, controller, length)

    def creatures(self, genomes):
        """The creatures laid end to end in ``genomes`` (an array of floats)."""
        length = self.genome_length
        count, rest = divmod(len(genomes), length)
        if rest:
            raise ValueError("a chunk of %d numbers is not whole genomes of %d"
                             % (len(genomes), length))
        return [self.creature_class.from_dict(self.controller.creature_dict(
                    genomes[i * length:(i + 1) * length].tolist(), self.shape))
                for i in range(count)]


def pack(creatures, controller):
    """The genomes of ``creatures`` (of the controller named ``controller``) end to end, as
    one array of floats."""
    from ev.model import controllers
    values = controllers.get(controller).genome_values
    genomes = array("d")
    for creature in creatures:
        genomes.extend(values(creature))
    return genomes


def init_worker(spec, started=None, parent=None):
    """Set a worker up for the run: Ctrl-C is the GA's to handle (it stops the workers),
    SIGTERM and SIGHUP end a worker at once (a forked worker inherits the GA's handlers, which
    would raise in it), a local worker exits when its GA is gone (kill -9 leaves no orphans),
    and the variant is built once."""
    global _worker, _started
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)
    if parent is not None:
        threading.Thread(target=_exit_when_orphaned, args=(parent,), daemon=True).start()
    _started = started
    _worker = Evaluator.of(spec)


def _exit_when_orphaned(parent):
    while os.getppid() == parent:
        time.sleep(PARENT_POLL_SECONDS)
    os._exit(1)


def hello(probe, rounds=3):
    """Start-up check run once on every worker: who and where it is, and the seconds its
    variant takes for the genomes in ``probe``, the fastest of ``rounds`` (the first round
    warms a JIT up: it is the first estimate of a chunk's time, until a chunk comes back)."""
    seconds = []
    for _ in range(rounds):
        started = time.perf_counter()
        fitnesses = _evaluate(probe)
        seconds.append(time.perf_counter() - started)
    return os.getpid(), where(), min(seconds), fitnesses


def evaluate_chunk(slot, genomes):
    """Score one chunk: (pid, seconds, fitnesses in the order of ``genomes``)."""
    if _started is not None:
        _started[slot] = os.getpid()
    started = time.perf_counter()
    fitnesses = _evaluate(genomes)
    return os.getpid(), time.perf_counter() - started, fitnesses


def _evaluate(genomes):
    creatures = _worker.creatures(genomes)
    _worker.evaluate_all(creatures)
    return array("d", [creature.fitness for creature in creatures])


def nothing(slot, genomes):
    """A no-op evaluation with evaluate_chunk's signature and reply (ev.studies.scaling
    measures the round trip with it)."""
    return os.getpid(), 0.0, array("d", bytes(8 * (len(genomes) // _worker.genome_length)))


def where():
    """This host's name and the address its default route leaves from (what tells two
    machines, or two network namespaces, apart); no packet is sent."""
    probe = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        probe.connect(("192.0.2.1", 9))        # TEST-NET-1: only picks the route
        address = probe.getsockname()[0]
    except OSError:
        address = "no route"
    finally:
        probe.close()
    return "%s %s" % (socket.gethostname(), address)
