"""PNG plots of a matrix run's rows (see ev.reporting.report.summarize), and ``save``, the one way this
project writes a figure (headless: the Agg backend is chosen here, before pyplot loads)."""
import os

import matplotlib
import matplotlib.ticker

from ev.common import atomic
from ev.reporting.article import ARTICLE_POPULATION, ARTICLE_SPEEDUPS

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.lines import Line2D  # noqa: E402


def plot_seconds(rows, folder):
    """Seconds per generation for every cell, log scale: warm-up shows as generation 0."""
    timed = [r for r in rows if r["seconds_by_generation"]]
    if not timed:
        return None
    fig, ax = plt.subplots(figsize=(9.5, 4.5))
    for r in timed:
        ax.plot(range(len(r["seconds_by_generation"])), r["seconds_by_generation"],
                marker="o", label=r["cell"])
    ax.set_yscale("log")
    ax.set_xlabel("generation")
    ax.set_ylabel("seconds per generation (log)")
    ax.set_title("Seconds per generation, population %d" % timed[0]["population"])
    ax.grid(True, which="both", alpha=0.3)
    # Outside the axes: with seven cells, a legend inside covers their lines.
    ax.legend(fontsize=8, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    return save(fig, os.path.join(folder, "seconds_per_generation.png"))


def plot_speedups(rows, folder):
    """Speedup against the baseline as dots on a log axis, each joined to 1x by a line: what
    is faster stands right of 1x, what is slower left of it; the article's figure beside."""
    ranked = sorted((r for r in rows if r["speedup"]), key=lambda r: r["speedup"])
    if not ranked:
        return None
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(ranked) + 2.0))
    for y, r in enumerate(ranked):
        colour = "tab:red" if r["speedup"] < 1 else "tab:green"
        ax.plot([1.0, r["speedup"]], [y, y], color=colour, linewidth=2.5, solid_capstyle="butt")
        ax.plot([r["speedup"]], [y], "o", color=colour, markersize=8)
        article = ARTICLE_SPEEDUPS.get(r["cell"])
        if article:
            ax.plot([article], [y], marker="D", color="black", markersize=6, linestyle="")
        right = max(r["speedup"], article or 0, 1.0)
        ax.text(right * 1.25, y, "%s (%.3g s/gen)" % (speedup_label(r["speedup"]),
                                                      r["median_seconds"]),
                va="center", fontsize=9)
    ax.set_yticks(range(len(ranked)))
    ax.set_yticklabels([r["cell"] for r in ranked])
    ax.set_xscale("log")
    values = [r["speedup"] for r in ranked] + [ARTICLE_SPEEDUPS.get(r["cell"], 1.0)
                                               for r in ranked]
    ax.set_xlim(min(values + [1.0]) / 2, max(values + [1.0]) * 12)
    ax.set_ylim(-0.7, len(ranked) - 0.3)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: "%gx" % x))
    ax.set_xlabel("speedup against cpython-numpy (median s/generation; log scale; "
                  "left of 1x = slower)")
    first = ranked[0]
    ax.set_title("Speedups: population %d, %d generations, seed %s" % (
        first["population"], max(r["generations"] for r in ranked), first["seed"]),
        fontsize=11)
    if any(r["cell"] in ARTICLE_SPEEDUPS for r in ranked):
        marker = Line2D([], [], marker="D", color="black", linestyle="", markersize=6)
        ax.legend([marker], ["the article's speedup (population %d)" % ARTICLE_POPULATION],
                  fontsize=8, loc="lower right")
    ax.grid(True, axis="x", which="major", alpha=0.3)
    return save(fig, os.path.join(folder, "speedup.png"))


def speedup_label(speedup):
    return "%.2fx" % speedup if speedup < 1 else "%.1fx" % speedup


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
