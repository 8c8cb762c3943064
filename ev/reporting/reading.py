""""What the numbers say": the table read in sentences, each claim worded by its interval
(ev.reporting.words): "faster than" only when the range of the ratio within rounds lies
above 1."""
from ev.common.stats import NOISY_SPREAD, few_rounds_note
from ev.reporting.ratios import ratio
from ev.reporting.words import (compare, contains_one, interval_text, inverse, join,
                                ratio_of, verdict)


def paragraph(rows, base):
    """The reading, one paragraph (empty with fewer than two timed cells)."""
    timed = sorted((r for r in rows if r.median_seconds), key=lambda r: r.median_seconds)
    if len(timed) < 2:
        return []
    text = ["What the numbers say:"] + fastest(timed)
    text += against_baseline(timed, base) + distance_to_limit(rows) + noisy(rows)
    if all(r.same_work is not False for r in rows):
        text.append("Every cell that shares a seed found the same best fitness, so they did "
                    "the same work.")
    else:
        text.append("Some cells found different results: compare them with care.")
    few = few_rounds_note(max(r.rounds or 0 for r in rows))
    return [" ".join(text + ([few] if few else []))]


def fastest(timed):
    """The fastest cell, or the cells tied with it (their ratio to it within rounds holds
    1: no measurable difference, by the rule of ev.reporting.words), and how far the slowest
    is behind."""
    best = timed[0]
    tied = [r for r in timed[1:] if contains_one(ratio(r, best))]
    if not tied:
        text = "%s is the fastest cell, %s per generation." % (best.cell, interval_text(best))
    else:
        text = ("The fastest cells, with no measurable difference between them: %s (against "
                "%s within rounds: %s)." % (
                    join("%s %s" % (r.cell, interval_text(r)) for r in [best] + tied),
                    best.cell, join("%s %s" % (r.cell, ratio_of(ratio(r, best)))
                                       for r in tied)))
    slowest = timed[-1]
    if slowest is best or slowest in tied:
        return [text]
    return [text, "Against the slowest cell, %s." % compare(best, slowest,
                                                             ratio(slowest, best))]


def against_baseline(timed, base):
    """Each cell against the CPython + numpy cell: faster, slower, or no measurable
    difference."""
    if base is None:
        return []
    faster, slower, same = [], [], []
    for row in timed:
        if row is base:
            continue
        speedup = ratio(base, row)
        found = verdict(row, base, speedup)
        if found == "faster":
            faster.append("%s %s" % (row.cell, ratio_of(speedup)))
        elif found == "slower":
            slower.append("%s (takes %s as long)" % (row.cell, ratio_of(inverse(speedup))))
        elif found == "same":
            same.append("%s (%s)" % (row.cell, ratio_of(speedup)))
    text = []
    if faster:
        text.append("Faster than the baseline %s: %s." % (base.cell, join(faster)))
    if slower:
        text.append("Slower than the baseline: %s." % join(slower))
    if same:
        text.append("No measurable difference from the baseline: %s." % join(same))
    return text


def distance_to_limit(rows):
    """Each cell's evaluation time in multiples of the c cell's, nearest first, and the GA's
    share of the nearest Python-driven cells."""
    python = sorted((r for r in rows if r.variant != "c" and r.x_c_evaluation),
                    key=lambda r: r.x_c_evaluation.median)
    if not python:
        return []
    distances = ", ".join("%s %s" % (r.cell, ratio_of(r.x_c_evaluation)) for r in python)
    text = ["Distance to the limit, the evaluation's time over the c cell's (within rounds): "
            "%s." % distances]
    shares = [ga_share_text(r) for r in python[:2] if r.ga_share is not None]
    if shares:
        text.append("The GA's own work (selection, mutation, new creatures) takes %s of a "
                    "steady-state generation." % " and ".join(shares))
    return text


def ga_share_text(row):
    """The cell's GA share and its halves: 'pypy-specialized 27% (31% in generations 1-4,
    22% from 5)'."""
    text = "%s %.0f%%" % (row.cell, 100 * row.ga_share)
    halves = row.ga_share_halves
    if halves:
        (first, early), (later, late) = halves
        text += " (%.0f%% in generations %d-%d, %.0f%% from %d)" % (
            100 * early, first, later - 1, 100 * late, later)
    return text


def noisy(rows):
    """Which cells are noisy, and what that means for the sentences above."""
    loud = [r.cell for r in rows if r.noisy]
    if not loud:
        return []
    return ["Noisy (spread above %d%%): %s; every comparison above is worded by the "
            "intervals, so a noisy cell is rarely called faster or slower."
            % (100 * NOISY_SPREAD, join(loud))]


