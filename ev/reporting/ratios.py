"""Ratios between cells, taken within each round and then summarised like any figure (a
processor: it returns new rows, ``dataclasses.replace`` of the old).

A noisy minute slows every cell of its round alike, so the ratio of two cells in one round
carries less of it than the ratio of their medians over rounds; within a round it is of the
cells' mean seconds per steady generation (``IN_ROUND``).  With several rounds a
ratio's interval is the repeat range (ev.common.stats.REPEAT_RULE) of the per-round
ratios; with one round there is
nothing to repeat, so the interval is the widest the two cells' steady generations allow
(lowest over highest, highest over lowest): a one-round folder's claims stay cautious.

The same rule serves both reports: the matrix's rows (ev.reporting.rows: s/gen against the
baseline and the c cell) and the fly task's (ev.reporting.fly_rows: seconds to fly against
the fastest cell).  A row offers ``in_rounds(figure)``, {round: figure}, and
``generation_bounds(key)``, what a ratio of one round is bounded by (None: nothing).
"""
import dataclasses

from ev.common.stats import Interval
from ev.reporting.load import LIMIT

SECONDS = "median_seconds"
EVALUATION = "median_evaluation_seconds"
# Within a round a ratio is of the two cells' means over their steady generations (their
# seconds over their generations): a slow phase that covers part of a round moves a mean by
# its share, the same for cells that took turns in it, where a median jumps between the
# machine's fast and slow levels (docs/report.md, "How the headline is measured").  A key
# not named here is the round's figure itself (the fly task's seconds to fly).
IN_ROUND = {SECONDS: "mean_seconds", EVALUATION: "mean_evaluation_seconds"}
RATIO_RULE = ("Ratios are taken within each round, of the two cells' mean s/gen over the "
              "round's steady generations, then summarised the same way.")


def ratio(top, bottom, key=SECONDS):
    """Interval of top / bottom within rounds (rows of ev.reporting.rows or fly_rows), by
    ``key``'s figure in a round (IN_ROUND)."""
    if top is bottom:
        return Interval.of(1.0, 1.0, 1.0, over="rounds")
    above = top.in_rounds(IN_ROUND.get(key, key))
    below = bottom.in_rounds(IN_ROUND.get(key, key))
    common = sorted(set(above) & set(below))
    if len(common) > 1:
        return Interval([above[k] / below[k] for k in common], over="rounds")
    if not common:
        return Interval([], over="rounds")
    k = common[0]
    bounds = (top.generation_bounds(key) or (None, None)) + (
        bottom.generation_bounds(key) or (None, None))
    if None in bounds or not bounds[2] or not bounds[3]:
        return Interval([above[k] / below[k]], over="rounds")
    return Interval.of(above[k] / below[k], bounds[0] / bounds[3], bounds[1] / bounds[2],
                       over="generations")


def baseline(rows, interpreters_order):
    """The CPython + numpy cell every speed-up is against: that of the first CPython the
    folder lists (older folders: "cpython-numpy")."""
    candidates = [r for r in rows if r.variant == "numpy" and r.median_seconds
                  and r.implementation == "CPython"]
    candidates.sort(key=lambda r: order_of(r, interpreters_order))
    return candidates[0] if candidates else None


def limit(rows, base, interpreters_order):
    """The c cell (prefer the baseline's interpreter's)."""
    found = [r for r in rows if r.variant == LIMIT and r.median_seconds]
    found.sort(key=lambda r: (base is None or r.interpreter_label != base.interpreter_label,
                              order_of(r, interpreters_order)))
    return found[0] if found else None


def order_of(row, interpreters_order):
    label = row.interpreter_label
    return interpreters_order.index(label) if label in interpreters_order else len(
        interpreters_order)


def with_ratios(rows, interpreters_order=()):
    """(new rows, the baseline's, the c cell's): each row with its speedup (the baseline's
    s/gen over the cell's) and its x c for the generation and for the evaluation (the cell's
    over the c cell's), each an Interval or None."""
    base = baseline(rows, list(interpreters_order))
    c = limit(rows, base, list(interpreters_order))
    found = [ratios_of(row, base, c) for row in rows]
    at = dict((id(old), new) for old, new in zip(rows, found))
    return found, at.get(id(base)), at.get(id(c))


def ratios_of(row, base, c):
    return dataclasses.replace(
        row,
        speedup=taken(ratio(base, row) if base and row.median_seconds else None),
        x_c_generation=taken(ratio(row, c) if c and row.median_seconds else None),
        x_c_evaluation=taken(ratio(row, c, EVALUATION)
                             if c and row.median_evaluation_seconds
                             and c.median_evaluation_seconds else None))


def with_ratio_to_fastest(rows):
    """New fly rows (ev.reporting.fly_rows), each flying row with its seconds to fly over
    the fastest flying cell's (``x_fastest``, an Interval; None for a row that did not fly)."""
    flying = [r for r in rows if r.flies]
    fastest = min(flying, key=lambda r: r.seconds) if flying else None
    return [dataclasses.replace(row, x_fastest=taken(
        ratio(row, fastest, "seconds") if row.flies and fastest else None)) for row in rows]


def taken(found):
    """A ratio as a row keeps it: an Interval with a median, or None."""
    return found if found else None
