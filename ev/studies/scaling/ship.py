"""python -m ev.studies.scaling.ship POPULATION WORKERS REPEATS: what shipping a generation's
work to local workers costs apart from the work, on this interpreter (its answer: ev.common.result_file).

Ships the genomes of POPULATION // 2 creatures (what a generation evaluates after the first:
the children) to WORKERS workers in ev's chunks, with a no-op evaluation in the workers
(ev.evolution.chunks.nothing): the round trip is pickling, pipes, scheduling and unpickling
only.  Reports the bytes sent and received per generation (pickled task arguments and
replies) and the round trip's seconds, each of REPEATS repeats."""
import pickle
import sys
import time
from array import array

from ev.common.rng import Rng
from ev.evolution import chunks, executors
from ev.model import controllers
from ev.model.creature_base import DEFAULT_SHAPE
from ev.common import result_file


def shipped_bytes(pending, workers):
    """Pickled bytes out (slot, genomes) and back (pid, seconds, fitnesses) per generation."""
    genomes = chunks.pack(pending, controllers.DEFAULT)
    length = len(genomes) // len(pending)
    out = back = 0
    for slot, (first, end) in enumerate(executors.chunk_bounds(
            len(pending), workers * executors.CHUNKS_PER_WORKER)):
        out += len(pickle.dumps((chunks.evaluate_chunk, (slot, genomes[first * length:
                                                                    end * length]))))
        back += len(pickle.dumps((12345, 0.5, array("d", [0.0] * (end - first)))))
    return out, back


def main(population, workers, repeats):
    spec = chunks.Spec("specialized", controllers.DEFAULT, tuple(DEFAULT_SHAPE))
    creature_class = chunks.Evaluator.of(spec).creature_class
    rng = Rng(1)
    pending = [creature_class.random(rng, DEFAULT_SHAPE) for _ in range(population // 2)]
    evaluation = executors.ProcessEvaluation(spec, workers)
    evaluation.task = chunks.nothing
    seconds = []
    with evaluation:
        for _ in range(repeats + 1):            # the first warms the pipes (and a JIT) up
            started = time.perf_counter()
            evaluation.evaluate_all(pending)
            seconds.append(time.perf_counter() - started)
    out, back = shipped_bytes(pending, workers)
    result_file.answer({"population": population, "workers": workers,
                        "creatures": len(pending), "bytes_out": out, "bytes_back": back,
                        "seconds": seconds[1:]})


if __name__ == "__main__":
    main(*(int(arg) for arg in sys.argv[1:4]))
