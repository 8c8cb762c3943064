"""python -m ev.report RESULTS_DIR: the table (and plots) of a matrix run.

Reads every ``*.jsonl`` file of ``ev.main --results`` in the folder (one cell per run record),
and ``not_run.txt`` (``cell: reason`` lines written by run_all.sh) if present.
"""
import glob
import json
import os
import sys

import click

from ev.records import GENERATION, RUN, read_records
from ev.timing import median, steady_median

BASELINE = "cpython-numpy"
SAME_WORK_RTOL = 1e-9

# The original article's figures (population 500, seconds per generation), with the cell of
# this project that stands for each.
ARTICLE = (
    ("CPython + numpy", "cpython-numpy", 6.15),
    ("CPython + unrolled", "cpython-specialized", 3.7),
    ("PyPy + numpy (cpyext)", "pypy-numpy", 34.0),
    ("PyPy + unrolled", "pypy-specialized", 0.08),
)
ARTICLE_SPEEDUPS = dict((cell, ARTICLE[0][2] / seconds) for _, cell, seconds in ARTICLE)


def cell_name(run):
    return "%s-%s" % (run["implementation"], run["variant"])


def load_cells(folder):
    """(cells, problems): a cell is {"name", "run", "generations": [records]} per run record."""
    cells, problems = [], []
    for path in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
        records, bad = read_records(path)
        problems.extend(str(b) for b in bad)
        current = None
        for record in records:
            if record["type"] == RUN:
                current = {"name": cell_name(record), "run": record, "generations": [],
                           "file": os.path.basename(path)}
                cells.append(current)
            elif current is None:
                problems.append("%s: generation record before any run record" % path)
            else:
                current["generations"].append(record)
    return cells, problems


def not_run(folder):
    path = os.path.join(folder, "not_run.txt")
    if not os.path.exists(path):
        return []
    with open(path) as lines:
        return [tuple(part.strip() for part in line.split(":", 1))
                for line in lines if ":" in line]


def summarize(cells):
    """One row per cell: timings, speedup against the baseline and the same-work check."""
    rows = []
    for cell in cells:
        gens = sorted(cell["generations"], key=lambda g: g["generation"])
        seconds = [g["seconds"] for g in gens]
        rows.append({
            "cell": cell["name"],
            "interpreter": "%s %s" % (cell["run"]["implementation"], cell["run"]["version"]),
            "variant": cell["run"]["variant"],
            "population": cell["run"]["population"],
            "seed": cell["run"]["seed"],
            "generations": len(gens),
            "first_seconds": seconds[0] if seconds else None,
            "median_seconds": steady_median(seconds) if seconds else None,
            "min_seconds": min(seconds[1:] or seconds) if seconds else None,
            "max_seconds": max(seconds[1:] or seconds) if seconds else None,
            "final_best_fitness": gens[-1]["min"] if gens else None,
            "best_by_generation": [g["min"] for g in gens],
            "seconds_by_generation": seconds,
        })
    add_speedups(rows)
    add_same_work_checks(rows)
    return rows


def add_speedups(rows):
    base = [r for r in rows if r["cell"] == BASELINE and r["median_seconds"]]
    for row in rows:
        row["speedup"] = (base[0]["median_seconds"] / row["median_seconds"]
                          if base and row["median_seconds"] else None)


def add_same_work_checks(rows):
    """Cells run with the same seed and population must find the same best fitness at every
    generation they share (1e-9 relative: numpy's BLAS may round the last bits differently)."""
    for row in rows:
        row["same_work"] = None
        peers = [r for r in rows if r is not row and r["seed"] == row["seed"]
                 and r["population"] == row["population"] and r["best_by_generation"]]
        if not peers or not row["best_by_generation"]:
            continue
        row["same_work"] = all(
            close(a, b) for peer in peers
            for a, b in zip(row["best_by_generation"], peer["best_by_generation"]))


def close(a, b):
    return abs(a - b) <= SAME_WORK_RTOL * max(abs(a), abs(b))


def fmt(value, pattern):
    return "-" if value is None else pattern % value


def machine_lines(cells):
    """Where and with what the cells ran, from their run records."""
    runs = [c["run"] for c in cells]
    first = runs[0]
    lines = ["Machine: %s, %s cores (%s); git %s." % (
        first.get("cpu") or "unknown CPU", first.get("cpu_count") or "?",
        first.get("node") or "?", first.get("git") or "unknown")]
    seen = set()
    for run in runs:
        key = (run["implementation"], run["version"], run.get("numpy"))
        if key not in seen:
            seen.add(key)
            lines.append("- %s %s%s, numpy %s" % (
                run["implementation"], run["version"],
                " (PyPy %s)" % run["pypy_version"] if run.get("pypy_version") else "",
                run.get("numpy") or "-"))
    return lines + [""]


def markdown(rows, skipped, problems, cells=()):
    lines = (machine_lines(cells) if cells else []) + [
        "| cell | interpreter | generations | 1st gen s | median s/gen | min | max "
        "| speedup vs %s | final best fitness | same work |" % BASELINE,
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |",
    ]
    for r in rows:
        check = {None: "-", True: "yes", False: "**NO: different results**"}[r["same_work"]]
        lines.append("| %s | %s | %d | %s | %s | %s | %s | %s | %s | %s |" % (
            r["cell"], r["interpreter"], r["generations"], fmt(r["first_seconds"], "%.3f"),
            fmt(r["median_seconds"], "%.4f"), fmt(r["min_seconds"], "%.4f"),
            fmt(r["max_seconds"], "%.4f"), fmt(r["speedup"], "%.1fx"),
            fmt(r["final_best_fitness"], "%.2f"), check))
    for name, reason in skipped:
        lines.append("| %s | not run: %s | | | | | | | | |" % (name, reason))
    lines += ["", "Median excludes the first generation (imports, JIT warm-up); it is shown in "
              "its own column. Cells with fewer generations compare their best fitness with "
              "the others over the generations they share.", "",
              "The original article's figures (population 500, s/generation), for reference:", "",
              "| article cell | s/gen | speedup |", "| --- | ---: | ---: |"]
    for name, cell, secs in ARTICLE:
        lines.append("| %s | %.2f | %.1fx |" % (name, secs, ARTICLE_SPEEDUPS[cell]))
    if problems:
        lines += ["", "Lines skipped while reading:", ""] + ["- %s" % p for p in problems]
    return "\n".join(lines) + "\n"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON, for scripts.")
@click.option("--no-plots", is_flag=True, help="Do not write the PNG plots.")
def main(folder, as_json, no_plots):
    """Summarize the results of a matrix run (run_all.sh) or of any ev.main --results files."""
    cells, problems = load_cells(folder)
    for problem in problems:
        click.echo("warning: %s (skipped)" % problem, err=True)
    if not cells:
        raise click.ClickException("%s: no results (*.jsonl with a run record) found" % folder)
    rows = summarize(cells)
    skipped = not_run(folder)
    if as_json:
        drop = ("best_by_generation",)
        click.echo(json.dumps([{k: v for k, v in r.items() if k not in drop} for r in rows],
                              indent=1))
        return
    text = markdown(rows, skipped, problems, cells)
    click.echo(text)
    with open(os.path.join(folder, "report.md"), "w") as out:
        out.write(text)
    click.echo("report written to %s" % os.path.join(folder, "report.md"))
    if not no_plots:
        from ev.plots import plot_seconds, plot_speedups
        for written in (plot_seconds(rows, folder), plot_speedups(rows, folder)):
            if written:
                click.echo("plot written to %s" % written)


if __name__ == "__main__":
    sys.exit(main())
