"""Ratios between cells, taken within each round and then summarised like any figure.

A noisy minute slows every cell of its round alike, so the ratio of two cells in one round
carries less of it than the ratio of their medians over rounds; within a round it is of the
cells' mean seconds per steady generation (``IN_ROUND``).  With several rounds a
ratio's interval is the repeat range (ev.common.stats.REPEAT_RULE) of the per-round
ratios; with one round there is
nothing to repeat, so the interval is the widest the two cells' steady generations allow
(lowest over highest, highest over lowest): a one-round folder's claims stay cautious.
"""
from ev.common.stats import Interval
from ev.reporting.load import LIMIT

SECONDS = "median_seconds"
EVALUATION = "median_evaluation_seconds"
# Within a round a ratio is of the two cells' means over their steady generations (their
# seconds over their generations): a slow phase that covers part of a round moves a mean by
# its share, the same for cells that took turns in it, where a median jumps between the
# machine's fast and slow levels (docs/report.md, "How the headline is measured").
IN_ROUND = {SECONDS: "mean_seconds", EVALUATION: "mean_evaluation_seconds"}
RATIO_RULE = ("Ratios are taken within each round, of the two cells' mean s/gen over the "
              "round's steady generations, then summarised the same way.")


def ratio(top, bottom, key=SECONDS):
    """Interval of top / bottom within rounds (rows of ev.reporting.rows), by ``key``'s
    figure in a round (IN_ROUND)."""
    if top is bottom:
        return Interval.of(1.0, 1.0, 1.0, over="rounds")
    above = counted(top, IN_ROUND[key])
    below = counted(bottom, IN_ROUND[key])
    common = sorted(set(above) & set(below))
    if len(common) > 1:
        return Interval([above[k] / below[k] for k in common], over="rounds")
    if not common:
        return Interval([], over="rounds")
    k = common[0]
    bounds = (top.get(key + "_low"), top.get(key + "_high"),
              bottom.get(key + "_low"), bottom.get(key + "_high"))
    if None in bounds or not bounds[2] or not bounds[3]:
        return Interval([above[k] / below[k]], over="rounds")
    return Interval.of(above[k] / below[k], bounds[0] / bounds[3], bounds[1] / bounds[2],
                       over="generations")


def counted(row, key):
    """{round: figure} of the rounds a figure over rounds counts (not a warm process's
    warm-up slice, when the row has others)."""
    found = [r for r in row["by_round"] if r[key]]
    later = [r for r in found if not r.get("warmup")]
    return dict((r["round"], r[key]) for r in (later or found))


def baseline(rows, interpreters_order):
    """The CPython + numpy cell every speed-up is against: that of the first CPython the
    folder lists (older folders: "cpython-numpy")."""
    candidates = [r for r in rows if r["variant"] == "numpy" and r[SECONDS]
                  and r["implementation"] == "CPython"]
    candidates.sort(key=lambda r: order_of(r, interpreters_order))
    return candidates[0] if candidates else None


def limit(rows, base, interpreters_order):
    """The c cell (prefer the baseline's interpreter's)."""
    found = [r for r in rows if r["variant"] == LIMIT and r[SECONDS]]
    found.sort(key=lambda r: (base is None or r["interpreter_label"] != base["interpreter_label"],
                              order_of(r, interpreters_order)))
    return found[0] if found else None


def order_of(row, interpreters_order):
    label = row["interpreter_label"]
    return interpreters_order.index(label) if label in interpreters_order else len(
        interpreters_order)


def with_ratios(rows, interpreters_order=()):
    """(new rows, the baseline's, the c cell's): each row with speedup (baseline's s/gen over
    the cell's) and x c for the generation and for the evaluation (the cell's over the c
    cell's), each with _low and _high; vs_c and evaluation_vs_c keep their older names for
    x c.  ``rows`` are left as they were."""
    base = baseline(rows, list(interpreters_order))
    c = limit(rows, base, list(interpreters_order))
    found = [dict(row, **ratios_of(row, base, c)) for row in rows]
    at = dict((id(old), new) for old, new in zip(rows, found))
    return found, at.get(id(base)), at.get(id(c))


def ratios_of(row, base, c):
    found = {}
    found.update(named("speedup", ratio(base, row) if base and row[SECONDS] else None))
    found.update(named("x_c_generation", ratio(row, c) if c and row[SECONDS] else None))
    found.update(named("x_c_evaluation", ratio(row, c, EVALUATION)
                       if c and row[EVALUATION] and c[EVALUATION] else None))
    found["vs_c"], found["evaluation_vs_c"] = found["x_c_generation"], found["x_c_evaluation"]
    return found


def named(name, found):
    found = found if found else None
    return {name: found.median if found else None,
            name + "_low": found.low if found else None,
            name + "_high": found.high if found else None}
