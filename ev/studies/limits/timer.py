"""One interpreter's contenders, timed on the limits study's batches (run by its command).

    python -m ev.studies.limits.timer BATCHES.json ROUND PASSES CONTENDER...

For each contender (a variant of ev.backends.registry, or the yardstick "lean":
ev.studies.limits.lean_flight) this interpreter can run: a warm-up pass (on PyPy over every
batch, so the JIT has seen them; elsewhere over the first), then PASSES timed passes over all
batches (the median pass counts), whose fitness must equal ev's bit for bit.  The contenders
take turns in an order rotated by ROUND (ev.runner.plan.rotated).  Its answer
(ev.common.result_file: the file the study names; printed when run by hand) is one JSON
object: {contender: {"seconds", "mismatches", "largest_difference"}} (relative) or
{contender: {"unavailable": reason}}.
"""
import sys
import time

from ev.model.creature_base import DEFAULT_SHAPE
from ev.common.stats import median
from ev.backends.registry import Variant, VariantUnavailable, get_variant
from ev.common import result_file
from ev.runner.plan import rotated
from ev.studies.limits.batches import load

IS_PYPY = hasattr(sys, "pypy_version_info")


def creatures_of(batch, creature_class):
    return [creature_class(m, c, DEFAULT_SHAPE)
            for m, c in zip(batch["matrices"], batch["constants"])]


def relative_difference(got, expected):
    if got == expected:
        return 0.0
    if got != got or expected != expected or abs(got) == float("inf") \
            or abs(expected) == float("inf"):
        return float("inf")
    return abs(got - expected) / max(abs(expected), abs(got))


def timed_pass(variant, batches):
    """(seconds to evaluate every batch, the fitnesses that differ from ev's, the largest
    relative difference)."""
    groups = [creatures_of(batch, variant.creature_class) for batch in batches]
    seconds = 0.0
    for creatures in groups:
        started = time.perf_counter()
        variant.evaluate_all(creatures)
        seconds += time.perf_counter() - started
    differences = [relative_difference(creature.fitness, expected)
                   for creatures, batch in zip(groups, batches)
                   for creature, expected in zip(creatures, batch["fitness"])]
    return seconds, sum(1 for d in differences if d), max(differences)


def contender(name):
    """The variant called ``name``, or the lean flight loop (a yardstick ev does not run)."""
    if name == "lean":
        from ev.studies.limits import lean_flight
        return Variant(name, lean_flight.creature_class, lean_flight.evaluate_all,
                       "the leanest flight loop the Python source can give (a yardstick)")
    return get_variant(name, DEFAULT_SHAPE)


def measure(name, batches, passes=1):
    try:
        variant = contender(name)
    except VariantUnavailable as error:
        return {"unavailable": str(error)}
    timed_pass(variant, batches if IS_PYPY else batches[:1])   # warm-up, numba's compile
    timed = [timed_pass(variant, batches) for _ in range(passes)]
    seconds = median([t[0] for t in timed])
    mismatches = max(t[1] for t in timed)
    largest = max(t[2] for t in timed)
    return {"seconds": seconds, "mismatches": mismatches,
            "largest_difference": largest if largest != float("inf") else "inf"}


def main(argv):
    path, round_number, passes, names = argv[0], int(argv[1]), int(argv[2]), argv[3:]
    batches = load(path)
    results = {}
    for name in rotated(names, round_number + 1):   # ROUND counts from 0
        results[name] = measure(name, batches, passes)
    result_file.answer(results)


if __name__ == "__main__":
    main(sys.argv[1:])
