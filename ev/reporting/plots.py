"""PNG plots of a matrix run's rows (see ev.reporting.rows) and of a fly run's
(ev.reporting.fly_rows), and ``save``, the one way this
project writes a figure (headless: the Agg backend is chosen here, before pyplot loads)."""
import os

import matplotlib
import matplotlib.patches
import matplotlib.ticker

from ev.common import atomic
from ev.common.stats import REPEAT_COVERAGE
from ev.reporting.article import ARTICLE_POPULATION, ARTICLE_SPEEDUPS
from ev.reporting.output import plural
from ev.reporting.words import ratio_text

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.lines import Line2D  # noqa: E402


def plot_seconds(rows, folder):
    """Seconds per generation for every cell and round (round 1 drawn strong, later rounds
    faint), log scale: warm-up shows as the first generations."""
    timed = [r for r in rows if r.seconds_by_generation]
    if not timed:
        return None
    fig, ax = plt.subplots(figsize=(9.5, 4.5))
    for r in timed:
        rounds = [b for b in r.by_round if b.seconds]
        seconds = rounds[0].seconds
        start = len(seconds) - rounds[0].steady_count
        line, = ax.plot(range(start, len(seconds)), seconds[start:], marker="o", markersize=3,
                        label=r.cell)
        ax.plot(range(start + 1), seconds[:start + 1], color=line.get_color(), marker="o",
                markersize=3, linestyle=":")   # round 1's warm-up, dotted
        for later in rounds[1:]:
            first = first_generation(later)
            ax.plot(range(first, first + len(later.seconds)), later.seconds,
                    color=line.get_color(), alpha=0.35, linewidth=1, marker="o",
                    markersize=1.5)
    ax.set_yscale("log")
    # Linear up to 10, logarithmic after: cells of 3-5 generations and cells of 400 both
    # stay readable, and PyPy's warm-up (tens of generations) keeps its width.
    ax.set_xscale("symlog", linthresh=10, linscale=1.5)
    ax.set_xlim(-0.3, max(first_generation(b) + len(b.seconds) for r in timed
                          for b in r.by_round) * 1.1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: "%d" % x))
    ax.set_xlabel("generation (linear to 10, log scale after)")
    ax.set_ylabel("seconds per generation (log)")
    rounds = sorted(set(r.rounds for r in timed))
    ax.set_title("Seconds per generation, population %d%s; warm-up dotted, steady state solid"
                 % (timed[0].population, ", %s rounds (later rounds faint)" % span(rounds)
                    if rounds[-1] > 1 else ""),
                 fontsize=10)
    ax.grid(True, which="both", alpha=0.3)
    # Outside the axes: with seven cells, a legend inside covers their lines.
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return save(fig, os.path.join(folder, "seconds_per_generation.png"))


def first_generation(figures):
    """The number of a round's first generation: 0 for a fresh process; a warm process's
    later slice continues its evolution (generations 120-147, say)."""
    before = len(figures.seconds) - (figures.steady_count or 0)
    first = figures.steady_first
    return 0 if first is None else first - before


def article_key(row):
    """The article's name for a cell ("pypy-specialized"), whatever its interpreter label."""
    return "%s-%s" % (row.implementation.lower(), row.variant)


def plot_speedups(rows, folder, base=None):
    """Speedup against the baseline as dots on a log axis, each joined to 1x by a line, with
    its interval over rounds as a bar: what is faster stands right of 1x, what is slower left
    of it; the article's figure beside."""
    ranked = sorted((r for r in rows if r.speedup), key=lambda r: r.speedup.median)
    if not ranked:
        return None
    fig, ax = row_axes(len(ranked))
    for y, r in enumerate(ranked):
        speedup = r.speedup
        colour = "tab:red" if speedup.median < 1 else "tab:green"
        ax.plot([1.0, speedup.median], [y, y], color=colour, linewidth=2.5,
                solid_capstyle="butt")
        ax.errorbar([speedup.median], [y], xerr=[[speedup.median - speedup.low],
                                                 [speedup.high - speedup.median]],
                    fmt="o", color=colour, ecolor="black", elinewidth=1.2, capsize=4,
                    markersize=8)
        article = ARTICLE_SPEEDUPS.get(article_key(r))
        if article:
            ax.plot([article], [y], marker="D", color="black", markersize=6, linestyle="")
        right = max(speedup.high, article or 0, 1.0)
        ax.text(right * 1.25, y, "%s (%.3g s/gen%s)" % (
            speedup_label(speedup.median), r.median_seconds, ", noisy" if r.noisy else ""),
            va="center", fontsize=9)
    name_rows(ax, [r.cell for r in ranked])
    ax.set_xscale("log")
    values = [r.speedup.low for r in ranked] + [r.speedup.high for r in ranked] + [
        ARTICLE_SPEEDUPS.get(article_key(r), 1.0) for r in ranked]
    ax.set_xlim(min(values + [1.0]) / 2, max(values + [1.0]) * 30)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: "%gx" % x))
    ax.set_xlabel("speedup against %s (log scale; left of 1x = slower)\nwithin rounds: "
                  "median over rounds, error bar = %d%% repeat range"
                  % (base.cell if base else "CPython + numpy", 100 * REPEAT_COVERAGE))
    first = ranked[0]
    counts = sorted(set(r.generations for r in ranked))
    ax.set_title("Speedups: population %d, %s generations, %s rounds, seed %s" % (
        first.population, span(counts), span(sorted(set(r.rounds for r in ranked))),
        first.seed), fontsize=11)
    if any(article_key(r) in ARTICLE_SPEEDUPS for r in ranked):
        marker = Line2D([], [], marker="D", color="black", linestyle="", markersize=6)
        ax.legend([marker], ["the article's speedup (population %d)" % ARTICLE_POPULATION],
                  fontsize=8, loc="lower right")
    ax.grid(True, axis="x", which="major", alpha=0.3)
    return save(fig, os.path.join(folder, "speedup.png"))


def plot_time_to_fly(rows, folder):
    """Seconds of evolution to the first flying controller per cell of a fly run (rows of
    ev.reporting.fly_rows), log scale: a point at the median over rounds, its repeat range as
    an error bar (points, not bars: a bar's length on a log axis says nothing)."""
    flying = sorted((r for r in rows if r.flies), key=lambda r: r.seconds)
    if not flying:
        return None
    fig, ax = row_axes(len(flying))
    for y, r in enumerate(flying):
        low, high = seconds_bounds(r)
        ax.errorbar(r.seconds, y, xerr=[[r.seconds - low], [high - r.seconds]],
                    fmt="o", color="tab:blue", capsize=4, markersize=7)
        ax.text(high * 1.15, y, "%.2f s (%s)" % (r.seconds, plural(r.generations, "generation")),
                va="center", fontsize=9)
    name_rows(ax, [r.cell for r in flying])
    ax.set_xscale("log")
    ax.set_xlim(min(seconds_bounds(r)[0] for r in flying) / 2,
                max(seconds_bounds(r)[1] for r in flying) * 8)
    rounds = max(r.rounds for r in flying)
    ax.set_xlabel("seconds of evolution until the best creature flies (log scale)\n"
                  "median over %s%s" % (plural(rounds, "round"),
                                        "; error bar = %d%% repeat range" % (
                                            100 * REPEAT_COVERAGE) if rounds > 1 else ""))
    ax.set_title("Time to a flying PID controller: population %d, seed %s"
                 % (flying[0].population, flying[0].seed), fontsize=11)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    return save(fig, os.path.join(folder, "time_to_fly.png"))


def seconds_bounds(row):
    """(low, high) of a fly row's seconds to fly: its repeat range, or the median twice."""
    if row.seconds_low is None or row.seconds_high is None:
        return row.seconds, row.seconds
    return row.seconds_low, row.seconds_high


def row_axes(count):
    """A figure for ``count`` cells, one horizontal line each."""
    return plt.subplots(figsize=(9, 0.55 * count + 2.0))


def name_rows(ax, names):
    """The cells' names beside their lines, top to bottom as ``names`` lists them."""
    ax.set_yticks(range(len(names)))
    ax.set_yticklabels(names)
    ax.set_ylim(-0.7, len(names) - 0.3)


def plot_interpreters(rows, folder):
    """Variants x interpreters: s/gen per variant, one bar per interpreter, with the
    interval (the repeat range) as an error bar; log scale.  Only for a folder holding
    several interpreters."""
    from ev.reporting.across import ordered_interpreters
    interpreters = ordered_interpreters(rows)
    timed = [r for r in rows if r.median_seconds]
    if len(interpreters) < 2 or not timed:
        return None
    labels = [i[0] for i in interpreters]
    colours = dict((label, plt.get_cmap("tab10")(k % 10)) for k, label in enumerate(labels))
    variants = []
    for r in timed:
        if r.variant not in variants:
            variants.append(r.variant)
    # One line per cell, grouped by variant under a heading line; colour = interpreter.
    ticks, names, y = [], [], 0
    fig, ax = plt.subplots(figsize=(10, 0.32 * (len(timed) + len(variants)) + 1.8))
    for variant in variants:
        ticks.append(y)
        names.append(variant)
        y += 1
        for r in sorted((r for r in timed if r.variant == variant),
                        key=lambda r: labels.index(r.interpreter_label)):
            ax.barh(y, r.median_seconds, height=0.75, color=colours[r.interpreter_label],
                    xerr=[[r.median_seconds - r.median_seconds_low],
                          [r.median_seconds_high - r.median_seconds]],
                    ecolor="black", capsize=2)
            ax.text(r.median_seconds_high * 1.15, y, "%.3g s%s" % (
                r.median_seconds, ", noisy" if r.noisy else ""), va="center", fontsize=8)
            ticks.append(y)
            names.append(r.interpreter_label)
            y += 1
    ax.set_yticks(ticks)
    ax.set_yticklabels(names)
    for tick, name in zip(ax.get_yticklabels(), names):
        if name in variants:
            tick.set_fontweight("bold")
    ax.set_ylim(y - 0.4, -0.6)
    handles = [matplotlib.patches.Patch(color=colours[i[0]], label="%s (%s %s%s)" % (
        i[0], i[1], i[2], ", JIT" if i[3] else "")) for i in interpreters]
    ax.set_xscale("log")
    ax.set_xlim(min(r.median_seconds_low for r in timed) / 2,
                max(r.median_seconds_high for r in timed) * 6)
    ax.set_xlabel("seconds per generation, steady state (log scale; shorter = faster)\n"
                  "median over rounds; error bar = %d%% repeat range" % (100 * REPEAT_COVERAGE))
    ax.set_title("Across interpreters: population %d, seed %s" % (timed[0].population,
                                                                  timed[0].seed), fontsize=11)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    ax.legend(handles=handles, fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return save(fig, os.path.join(folder, "interpreters.png"))


def speedup_label(speedup):
    """The speed-up as the report's table prints it (ev.reporting.words: its significant
    digits), so the plot and the table read alike."""
    return ratio_text(speedup, None, None)


def span(values):
    """'3' or '3-9' for a sorted list of counts."""
    return "%d-%d" % (values[0], values[-1]) if len(values) > 1 else "%d" % values[0]


def save(fig, path, rect=(0, 0, 1, 1)):
    """Lay out (within ``rect`` of the figure: room left for a legend outside), write as PNG
    (whole or not at all), close; return the path."""
    try:
        fig.tight_layout(rect=rect)
        atomic.write_atomically(path, lambda out: fig.savefig(out, format="png", dpi=100),
                                binary=True)
    finally:
        plt.close(fig)
    return path
