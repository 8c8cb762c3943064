"""The model of the scaling study: parallel efficiency per round, and Amdahl's law
for the CPython + numpy cores that would match one PyPy + specialized core."""
import math

from ev.common.stats import Interval, median

ASSUMPTIONS = (
    "Model (Amdahl): on N cores a CPython + numpy generation takes T(N) = s + (T1 - s) / N, "
    "where T1 is its serial s/gen and s its serial part: the GA's own time per generation "
    "(selection, mutation, children: measured in the serial run as s/gen minus the "
    "evaluation's seconds) plus shipping the work (the no-op round trip on 2 workers, "
    "measured apart).  Cores to match = the smallest N with T(N) <= the PyPy + specialized "
    "serial s/gen, i.e. ceil((T1 - s) / (T_pypy - s)); none when s alone >= T_pypy.  "
    "Assumptions: workers on cores as fast as this machine's and otherwise idle; the "
    "evaluation divides evenly (chunks of equal size, equal cost); shipping does not grow "
    "with N (it does, a little: more chunks); no network (a cluster adds its latency to s); "
    "the GA's process has a core of its own.  Measured on a shared 2-core machine: beyond 2 "
    "workers it is extrapolation, and N=2 shares the cores with the GA's process.")


def finite(values):
    return [v for v in values if v is not None and math.isfinite(v)]


def over_rounds(values):
    """(median, low, high) of a figure's values over rounds, the interval being the repeat
    range (ev.common.stats.REPEAT_RULE); None when no value is finite."""
    values = finite(values)
    if not values:
        return None
    found = Interval(values, over="rounds")
    return (found.median, found.low, found.high)


def lowest_highest(values):
    """(median, lowest, highest) of repeats within one process (shipping's round trips),
    which are no repeats of a run; None when no value is finite."""
    values = finite(values)
    if not values:
        return None
    return (median(values), min(values), max(values))


def efficiency_rows(measured):
    """Per cell and population: s/gen for each mode, speed-up and efficiency on 2 workers
    (serial time over N x the time on N, per round)."""
    rows = []
    for entry in measured:
        rounds = entry["rounds"]
        serial = [r["serial"]["s_per_gen"] for r in rounds]
        rows.append({
            "cell": entry["cell"], "population": entry["population"], "rounds": len(rounds),
            "serial": over_rounds(serial),
            "workers_1": over_rounds([r["1"]["s_per_gen"] for r in rounds]),
            "workers_2": over_rounds([r["2"]["s_per_gen"] for r in rounds]),
            "speedup_2": over_rounds([r["serial"]["s_per_gen"] / r["2"]["s_per_gen"]
                                      for r in rounds]),
            "efficiency_1": over_rounds([r["serial"]["s_per_gen"] / r["1"]["s_per_gen"]
                                         for r in rounds]),
            "efficiency_2": over_rounds([r["serial"]["s_per_gen"] / (2 * r["2"]["s_per_gen"])
                                         for r in rounds]),
            "ga_seconds": over_rounds([r["serial"]["ga_seconds"] for r in rounds])})
    return rows


def cores_needed(t1, serial_part, target):
    """Amdahl: the smallest N with serial_part + (t1 - serial_part) / N <= target."""
    if t1 <= target:
        return 1
    if serial_part >= target:
        return math.inf
    return int(math.ceil((t1 - serial_part) / (target - serial_part)))


def amdahl_rows(measured, shipping):
    rows = []
    by_key = {(m["cell"], m["population"]): m for m in measured}
    for (cell, population), numpy in sorted(by_key.items(), key=lambda kv: kv[0][1]):
        pypy = by_key.get(("pypy-specialized", population))
        if cell != "cpython-numpy" or pypy is None:
            continue
        ships = [s for s in shipping if s["implementation"] == "cpython"
                 and s["population"] == population]
        ship = median(ships[0]["seconds"]) if ships else 0.0
        per_round, parts = [], []
        for mine, theirs in zip(numpy["rounds"], pypy["rounds"]):
            part = mine["serial"]["ga_seconds"] + ship
            parts.append(part)
            per_round.append(cores_needed(mine["serial"]["s_per_gen"], part,
                                          theirs["serial"]["s_per_gen"]))
        t1 = median([r["serial"]["s_per_gen"] for r in numpy["rounds"]])
        part = median(parts)
        finite = [c for c in per_round if math.isfinite(c)]
        rows.append({
            "population": population, "cpython_numpy_s_per_gen": t1,
            "serial_part_s": part, "shipping_s": ship,
            "pypy_specialized_s_per_gen": median([r["serial"]["s_per_gen"]
                                                  for r in pypy["rounds"]]),
            "cores_to_match": {"median": median(per_round) if len(finite) == len(per_round)
                               else None, "min": min(per_round), "max": max(per_round),
                               "rounds": [c if math.isfinite(c) else None for c in per_round]},
            "predicted_2_workers": part + (t1 - part) / 2.0,
            "measured_2_workers": median([r["2"]["s_per_gen"] for r in numpy["rounds"]])})
    return rows
