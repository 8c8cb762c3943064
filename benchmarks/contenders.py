"""One interpreter's contenders, timed on the recorded batches (run by benchmarks.limits).

    python -m benchmarks.contenders BATCHES.json ROUND CONTENDER...

For each contender (a variant of ev.variants) this interpreter can run: a warm-up pass (on
PyPy over every batch, so the JIT has seen them; elsewhere over the first), then one timed
pass over all batches, whose fitness must equal ev's bit for bit.  The contenders take turns
in an order rotated by ROUND.  Prints one JSON object: {contender: {"seconds", "identical",
"mismatches"}} or {contender: {"unavailable": reason}}.
"""
import json
import sys
import time

from ev.creature_base import DEFAULT_SHAPE
from ev.variants import VariantUnavailable, get_variant
from benchmarks.batches import load

IS_PYPY = hasattr(sys, "pypy_version_info")


def creatures_of(batch, creature_class):
    return [creature_class(m, c, DEFAULT_SHAPE)
            for m, c in zip(batch["matrices"], batch["constants"])]


def timed_pass(variant, batches):
    """(seconds to evaluate every batch, creatures whose fitness differs from ev's)."""
    groups = [creatures_of(batch, variant.creature_class) for batch in batches]
    seconds = 0.0
    for creatures in groups:
        started = time.perf_counter()
        variant.evaluate_all(creatures)
        seconds += time.perf_counter() - started
    mismatches = sum(1 for creatures, batch in zip(groups, batches)
                     for creature, expected in zip(creatures, batch["fitness"])
                     if creature.fitness != expected)
    return seconds, mismatches


def measure(name, batches):
    try:
        variant = get_variant(name, DEFAULT_SHAPE)
    except VariantUnavailable as error:
        return {"unavailable": str(error)}
    timed_pass(variant, batches if IS_PYPY else batches[:1])   # warm-up, numba's compile
    seconds, mismatches = timed_pass(variant, batches)
    return {"seconds": seconds, "identical": mismatches == 0, "mismatches": mismatches}


def main(argv):
    path, round_number, names = argv[0], int(argv[1]), argv[2:]
    batches = load(path)
    turn = round_number % len(names)
    results = {}
    for name in names[turn:] + names[:turn]:
        results[name] = measure(name, batches)
    print(json.dumps(results))


if __name__ == "__main__":
    main(sys.argv[1:])
