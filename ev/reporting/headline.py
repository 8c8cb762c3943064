"""The headline of a matrix report, what a reader wants first: the speed-up of the fastest cell
that runs its evaluation as Python (not C, not numba) over the baseline, with its repeat range, its evaluation's distance to C, how much the machine
itself moved during the run, what was noisy, and which figures did not reach the precision
the run aimed for (ev.common.stats.PRECISION_TARGET), and why.

``precise_enough`` is the same reading asked by ev matrix between rounds: it adds rounds
while a headline figure is less precise than the target."""
import collections

from ev.common.stats import (PRECISION_TARGET, Interval, precise, relative_half_width,
                             variation)
from ev.reporting.load import LIMIT
from ev.reporting.words import ratio_of

Figure = collections.namedtuple("Figure", "name text interval")

SLICES = ("Each cell ran as one warm process, the cells in short alternating slices, the "
          "first slice its warm-up (counted in no figure over rounds); in each later round the "
          "headline's cells take turns in parts of about 0.15 s, and a ratio "
          "is of the two cells' means within the round, so a slow phase of the machine hits "
          "both sides of it; a range widens when neighbouring rounds are alike "
          "(docs/report.md, \"How the headline is measured\").")


# Variants whose evaluation is compiled machine code (C through cffi, numba's LLVM): they
# measure a compiler, not an interpreter, so the headline's cell is the fastest of the others.
COMPILED = (LIMIT, "numba")


def figures(rows, base):
    """The headline figures (Figure: name, sentence, Interval), [] without a baseline: the
    fastest cell that runs its evaluation as Python, against the baseline and against C."""
    timed = [r for r in rows if r.median_seconds and r.variant not in COMPILED]
    if base is None or not timed:
        return []
    fastest = min(timed, key=lambda r: r.median_seconds)
    found = []
    if fastest is not base and fastest.speedup:
        found.append(Figure("speed-up", "%s is %s as fast as %s per generation" % (
            fastest.cell, text(fastest, "speedup"), base.cell),
            interval(fastest, "speedup")))
    if fastest.x_c_evaluation:
        found.append(Figure("distance to C", "its evaluation takes %s the time of the c "
                                             "cell's (the same evaluation in C)" % text(
                                                 fastest, "x_c_evaluation"),
                            interval(fastest, "x_c_evaluation")))
    return found


def interval(row, key):
    """The row's ratio ``key`` as a figure over the rounds it counts."""
    found = getattr(row, key)
    return Interval.of(found.median, found.low, found.high, "rounds",
                       repeats=counted_rounds(row))


def counted_rounds(row):
    """The rounds a figure over rounds counts: all but a warm process's warm-up slice."""
    return sum(1 for r in row.by_round if not r.warmup) or row.rounds


def text(row, key):
    return ratio_of(getattr(row, key))


def machine_noise(folder):
    """'this machine varied +-7% on a fixed workload during the run', or None (an older
    folder, or a single round)."""
    timings = [entry.get("seconds") for entry in folder.listed("noise")]
    moved = variation([t for t in timings if isinstance(t, (int, float))])
    if moved is None:
        return None
    return ("this machine varied +-%.0f%% on a fixed workload timed between rounds "
            "(ev.runner.noise, %d timings)" % (100 * moved, len(timings)))


def lines(folder, rows, base):
    """The headline as lines of text (empty when there is nothing to headline)."""
    found = figures(rows, base)
    if not found:
        return []
    rounds = max(counted_rounds(r) for r in rows)
    warm = (folder.matrix or {}).get("processes") == "warm"
    said = ["Headline (%s):" % ("%d rounds%s; in brackets the 99%% repeat range" % (
        rounds, " after the warm-up" if warm else "") if rounds > 1 else
        "1 round; in brackets the lowest-highest its steady generations allow: nothing was "
        "repeated")]
    said += ["  %s: %s." % (f.name, f.text) for f in found]
    noise = machine_noise(folder)
    if noise:
        said.append("  Beside them: %s." % noise)
    loud = [r.cell for r in rows if r.noisy]
    if loud:
        said.append("  Noisy cells (their rounds spread over more than 10%%): %s."
                    % ", ".join(loud))
    short = [f for f in found if not precise(f.interval)]
    if short:
        said.append("  Not within +-%d%%: %s; %s." % (
            100 * PRECISION_TARGET, ", ".join(
                "%s (+-%s)" % (f.name, width(f.interval)) for f in short), why(folder)))
    if (folder.matrix or {}).get("processes") == "warm":
        said.append("  " + SLICES)
    return said


def width(found):
    """A figure's half-width for "not within": whole percent, but one decimal where whole
    would read as the target itself (10.4% is not within 10%)."""
    half = relative_half_width(found)
    if half is None:
        return "?"
    if half >= 10:
        return "over 1000%"
    if round(100 * half) == round(100 * PRECISION_TARGET):
        return "%.1f%%" % (100 * half)
    return "%.0f%%" % (100 * half)


def why(folder):
    """Why the run stopped adding rounds before its figures were precise."""
    matrix = folder.matrix or {}
    because = matrix.get("stopped_because")
    if because:
        return "the run stopped at %s" % because
    if matrix.get("processes") == "warm" or matrix.get("processes") == "fresh":
        return "the rounds were fixed (--rounds %s)" % matrix.get("rounds")
    return "an older folder, run for a fixed number of rounds"


def headline_cells(path):
    """The cells the headline's ratios are taken between, as far as the results at ``path``
    say: [baseline, fastest, c] (their labels, those that exist).  ev matrix runs them back
    to back in each round, the fastest in the middle, so that each ratio's two sides are
    next to each other in time."""
    from ev.reporting.report import build
    _, rows, base = build(path)
    timed = [r for r in rows if r.median_seconds and r.variant not in COMPILED]
    if base is None or not timed:
        return []
    fastest = min(timed, key=lambda r: r.median_seconds)
    limits = [r for r in rows if r.variant == LIMIT and r.median_seconds]
    limits.sort(key=lambda r: r.interpreter_label != base.interpreter_label)
    found = [base.cell, fastest.cell] + [r.cell for r in limits[:1]]
    return [label for i, label in enumerate(found) if label not in found[:i]]


def precise_enough(path):
    """Whether every headline figure of the results folder at ``path`` is within the target
    (True when there is no headline to measure: no baseline, or one cell)."""
    from ev.reporting.report import build
    _, rows, base = build(path)
    return all(precise(f.interval) for f in figures(rows, base))
