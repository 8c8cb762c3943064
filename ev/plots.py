"""PNG plots of a matrix run's rows (see ev.report.summarize), and ``save``, the one way this
project writes a figure (headless: the Agg backend is chosen here, before pyplot loads)."""
import os

import matplotlib

from ev import atomic
from ev.article import ARTICLE_SPEEDUPS

matplotlib.use("Agg")
import matplotlib.pyplot as plt  # noqa: E402  (the backend must be chosen first)
from matplotlib.lines import Line2D  # noqa: E402


def plot_seconds(rows, folder):
    """Seconds per generation for every cell, log scale: warm-up shows as generation 0."""
    timed = [r for r in rows if r["seconds_by_generation"]]
    if not timed:
        return None
    fig, ax = plt.subplots(figsize=(8, 4.5))
    for r in timed:
        ax.plot(range(len(r["seconds_by_generation"])), r["seconds_by_generation"],
                marker="o", label=r["cell"])
    ax.set_yscale("log")
    ax.set_xlabel("generation")
    ax.set_ylabel("seconds per generation (log)")
    ax.set_title("Seconds per generation, population %d" % timed[0]["population"])
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=8)
    return save(fig, os.path.join(folder, "seconds_per_generation.png"))


def plot_speedups(rows, folder):
    ranked = sorted((r for r in rows if r["speedup"]), key=lambda r: r["speedup"])
    if not ranked:
        return None
    fig, ax = plt.subplots(figsize=(8, 0.6 * len(ranked) + 1.5))
    bars = ax.barh([r["cell"] for r in ranked], [r["speedup"] for r in ranked],
                   color=["tab:red" if r["speedup"] < 1 else "tab:green" for r in ranked])
    for bar, r in zip(bars, ranked):
        middle = bar.get_y() + bar.get_height() / 2
        article = ARTICLE_SPEEDUPS.get(r["cell"])
        if article:
            ax.plot([article], [middle], marker="D", color="black", markersize=6)
        ax.text(max(bar.get_width(), article or 0) * 1.15, middle,
                "%.1fx (%.3f s)" % (r["speedup"], r["median_seconds"]), va="center", fontsize=8)
    if any(r["cell"] in ARTICLE_SPEEDUPS for r in ranked):
        marker = Line2D([], [], marker="D", color="black", linestyle="", markersize=6)
        ax.legend([marker], ["the article's speedup"], fontsize=8, loc="lower right")
    ax.set_xscale("log")
    ax.set_xlim(right=max(max(r["speedup"] for r in ranked), 80.0) * 6)
    ax.axvline(1.0, color="black", linewidth=0.8)
    ax.set_xlabel("speedup against cpython-numpy (median s/generation, log)")
    return save(fig, os.path.join(folder, "speedup.png"))


def save(fig, path):
    """Lay out, write as PNG (whole or not at all), close; return the path."""
    try:
        fig.tight_layout()
        atomic.write_atomically(path, lambda out: fig.savefig(out, format="png", dpi=100),
                                binary=True)
    finally:
        plt.close(fig)
    return path
