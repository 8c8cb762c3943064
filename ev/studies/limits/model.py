"""The model of the limits study: one row per contender over the rounds, its milliseconds
per batch and its ratios to C and to the first PyPy's specialized contender, each ratio taken
within a round and summarised over rounds (ev.common.stats.Interval)."""
from ev.common.stats import Interval, median
from ev.studies.limits.cases import BATCH

TOLERANCE = 1e-12


def c_limit(first_round):
    """The C contender every ratio is taken to: the first interpreter's (CPython's when
    measured), or None."""
    return next((name for name, result in first_round.items()
                 if name.endswith("-c") and "seconds" in result), None)


def pypy_best(first_round):
    """The first PyPy's specialized contender, the reference for vs_pypy_specialized."""
    return next((name for name in first_round
                 if name.startswith("pypy") and name.endswith("-specialized")), None)


def summarize(rounds, creatures):
    """One row per contender: ms per BATCH creatures and ratios, medians over rounds."""
    rows = []
    for name in rounds[0]:
        results = [r[name] for r in rounds]
        if "unavailable" in results[0]:
            rows.append({"contender": name, "unavailable": results[0]["unavailable"]})
            continue
        largest = max(float(r["largest_difference"]) for r in results)
        row = {"contender": name,
               "ms_per_batch": median([1000.0 * r["seconds"] * BATCH / creatures
                                       for r in results]),
               "mismatches": max(r["mismatches"] for r in results),
               "largest_difference": largest, "agrees": largest <= TOLERANCE}
        for key, other in (("vs_c", c_limit(rounds[0])),
                           ("vs_pypy_specialized", pypy_best(rounds[0]))):
            ratios = [r[name]["seconds"] / r[other]["seconds"] for r in rounds
                      if r.get(other, {}).get("seconds")]
            found = Interval(ratios, over="rounds")
            row[key], row[key + "_low"], row[key + "_high"] = found.median, found.low, found.high
        rows.append(row)
    return sorted(rows, key=lambda r: r.get("ms_per_batch", float("inf")))
