"""python -m ev.reporting.report RESULTS_DIR: the table (and plots) of a matrix run.

Reads every ``*.jsonl`` file of ``ev.cli.main --results`` in the folder (one cell per run record),
and ``not_run.txt`` (``cell: reason`` lines written by run_all.sh) if present.
"""
import collections
import glob
import json
import os
import sys

import click

from ev.common import atomic
from ev.reporting.article import ARTICLE, ARTICLE_POPULATION, ARTICLE_SPEEDUPS
from ev.store.records import RUN, read_records
from ev.common.stats import median, steady_median

BASELINE = "cpython-numpy"
LIMIT = "c"   # the cell every other is measured against: the same evaluation in C
SAME_WORK_RTOL = 1e-9
MAX_WARNINGS = 20  # problems listed one by one; the rest are counted



def cell_name(run):
    """interpreter-variant; the C cell is plain "c" (its interpreter only runs the GA)."""
    if run["variant"] == LIMIT:
        return LIMIT
    return "%s-%s" % (run["implementation"], run["variant"])


def load_cells(folder):
    """(cells, problems): a cell is {"name", "run", "generations": [records]} per run record.
    A generation belongs to the run whose id it carries (records written before run ids
    existed: to the run record above it)."""
    cells, problems = [], []
    for path in sorted(glob.glob(os.path.join(folder, "*.jsonl"))):
        try:
            records, bad = read_records(path)
        except OSError as error:
            problems.append("%s: cannot read (%s)" % (path, error.strerror or error))
            continue
        problems.extend(str(b) for b in bad)
        runs, current = {}, None
        for record in records:
            if record["type"] == RUN:
                current = {"name": cell_name(record), "run": record, "generations": [],
                           "file": os.path.basename(path)}
                cells.append(current)
                runs[record.get("run")] = current
                continue
            owner = runs.get(record["run"]) if "run" in record else current
            if owner is None:
                problems.append("%s: generation record of no run record in the file (run %s)"
                                % (path, record.get("run", "unknown")))
            else:
                owner["generations"].append(record)
    name_runs_apart(cells)
    return cells, problems


def name_runs_apart(cells):
    """Several runs of one cell (two runs appending to one file, a killed run and its
    re-run) are reported as what they are: each run its own row, named by file and run."""
    counts = collections.Counter(c["name"] for c in cells)
    for cell in cells:
        if counts[cell["name"]] > 1:
            cell["name"] = "%s [%s run %s]" % (cell["name"], cell["file"],
                                               cell["run"].get("run", "?"))


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
        evaluation = [g.get("evaluation_seconds") for g in gens]
        evaluation = evaluation if None not in evaluation else []   # older records lack it
        rows.append({
            "cell": cell["name"],
            "interpreter": "%s %s" % (cell["run"]["implementation"], cell["run"]["version"]),
            "variant": cell["run"]["variant"],
            "population": cell["run"]["population"],
            "seed": cell["run"]["seed"],
            "generations": len(gens),
            "generations_planned": cell["run"].get("generations"),
            "shape": cell["run"].get("shape"),
            "controller": cell["run"].get("controller", "state-space"),
            "first_seconds": seconds[0] if seconds else None,
            "median_seconds": steady_median(seconds) if seconds else None,
            "min_seconds": min(seconds[1:] or seconds) if seconds else None,
            "max_seconds": max(seconds[1:] or seconds) if seconds else None,
            "median_evaluation_seconds": steady_median(evaluation) if evaluation else None,
            "ga_share": ga_share(seconds, evaluation),
            "ga_share_halves": ga_share_halves(seconds, evaluation),
            "final_best_fitness": gens[-1]["min"] if gens else None,
            "best_by_generation": [g["min"] for g in gens],
            "seconds_by_generation": seconds,
        })
    add_speedups(rows)
    add_distances_to_limit(rows)
    add_same_work_checks(rows)
    return rows


def ga_share(seconds, evaluation):
    """The median, over generations after the first, of the fraction of a generation spent
    outside the evaluation (selection, mutation, new creatures: the GA's own work)."""
    pairs = list(zip(seconds, evaluation))
    return share_outside_evaluation(pairs[1:] or pairs)


def ga_share_halves(seconds, evaluation):
    """The GA share over the first and the second half of the generations after the first,
    as ``[first generation, share]`` pairs: on PyPy the GA's code warms up over tens of
    generations, and a short run's one median hides which way it goes.  None when there are
    fewer than four generations after the first."""
    steady = list(zip(seconds, evaluation))[1:]
    if len(steady) < 4:
        return None
    middle = len(steady) // 2
    early = share_outside_evaluation(steady[:middle])
    late = share_outside_evaluation(steady[middle:])
    return None if early is None or late is None else [[1, early], [1 + middle, late]]


def share_outside_evaluation(pairs):
    """The median of (seconds - evaluation seconds) / seconds over (seconds, evaluation) pairs."""
    shares = [(total - spent) / total for total, spent in pairs if total > 0]
    return median(shares) if shares else None


def add_distances_to_limit(rows):
    """Each cell's median s/gen and evaluation s/gen over the c cell's: how far from C."""
    limit = [r for r in rows if r["cell"] == LIMIT and r["median_seconds"]]
    for row in rows:
        row["vs_c"] = row["evaluation_vs_c"] = None
        if not limit:
            continue
        if row["median_seconds"]:
            row["vs_c"] = row["median_seconds"] / limit[0]["median_seconds"]
        if row["median_evaluation_seconds"] and limit[0]["median_evaluation_seconds"]:
            row["evaluation_vs_c"] = (row["median_evaluation_seconds"]
                                      / limit[0]["median_evaluation_seconds"])


def add_speedups(rows):
    base = [r for r in rows if r["cell"] == BASELINE and r["median_seconds"]]
    for row in rows:
        row["speedup"] = (base[0]["median_seconds"] / row["median_seconds"]
                          if base and row["median_seconds"] else None)


def add_same_work_checks(rows):
    """Cells run with the same seed, population and controller shape must find the same best
    fitness at every generation they share (1e-9 relative: numpy's BLAS may round the last
    bits differently)."""
    for row in rows:
        row["same_work"] = None
        peers = [r for r in rows if r is not row and same_experiment(r, row)
                 and r["best_by_generation"]]
        if not peers or not row["best_by_generation"]:
            continue
        row["same_work"] = all(
            close(a, b) for peer in peers
            for a, b in zip(row["best_by_generation"], peer["best_by_generation"]))


def same_experiment(a, b):
    keys = ("seed", "population", "shape", "controller")
    return all(a.get(key) == b.get(key) for key in keys)


def close(a, b):
    """Equal within SAME_WORK_RTOL; two infinite fitnesses (every flight failed) are equal."""
    return a == b or abs(a - b) <= SAME_WORK_RTOL * max(abs(a), abs(b))


def fmt(value, pattern, scale=1):
    return "-" if value is None else pattern % (value * scale)


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


def run_line(rows):
    """What was run: population, generations, seed (as the cells' records say)."""
    def values(key):
        return ", ".join(str(v) for v in sorted(set(r[key] for r in rows)))
    planned = sorted(set(r["generations_planned"] or r["generations"] for r in rows))
    return ["Population %s, %s generations per cell, seed %s." % (
        values("population"), " / ".join(str(g) for g in planned), values("seed")), ""]


def reading(rows):
    """A short paragraph that reads the table."""
    timed = sorted((r for r in rows if r["median_seconds"]), key=lambda r: r["median_seconds"])
    if len(timed) < 2:
        return []
    fastest, slowest = timed[0], timed[-1]
    text = ["What the numbers say: %s is the fastest cell (%.4f s per generation), %.0fx "
            "faster than the slowest, %s (%.3f s)." % (
                fastest["cell"], fastest["median_seconds"],
                slowest["median_seconds"] / fastest["median_seconds"], slowest["cell"],
                slowest["median_seconds"])]
    slower = [r["cell"] for r in timed if r["speedup"] is not None and r["speedup"] < 1]
    if slower:
        text.append("Slower than the baseline %s: %s." % (BASELINE, ", ".join(slower)))
    text += distance_to_limit(rows)
    if all(r["same_work"] is not False for r in rows):
        text.append("Every cell that shares a seed found the same best fitness, so they did "
                    "the same work.")
    else:
        text.append("Some cells found different results: compare them with care.")
    return [" ".join(text)]


def distance_to_limit(rows):
    """A sentence: each cell's evaluation time in multiples of the c cell's, nearest first,
    and the GA's share of the nearest Python-driven cells."""
    python = sorted((r for r in rows if r["cell"] != LIMIT and r["evaluation_vs_c"]),
                    key=lambda r: r["evaluation_vs_c"])
    if not python:
        return []
    distances = ", ".join("%s %.1fx" % (r["cell"], r["evaluation_vs_c"]) for r in python)
    text = ["Distance to the limit, the evaluation's time over the c cell's: %s." % distances]
    shares = [ga_share_text(r) for r in python[:2] if r["ga_share"] is not None]
    if shares:
        text.append("The GA's own work (selection, mutation, new creatures) takes %s of a "
                    "generation." % " and ".join(shares))
    return text


def ga_share_text(row):
    """The cell's GA share and its halves: 'pypy-specialized 27% (31% in generations 1-4,
    22% from 5)'."""
    text = "%s %.0f%%" % (row["cell"], 100 * row["ga_share"])
    halves = row.get("ga_share_halves")
    if halves:
        (first, early), (later, late) = halves
        text += " (%.0f%% in generations %d-%d, %.0f%% from %d)" % (
            100 * early, first, later - 1, 100 * late, later)
    return text


def approximate(speedup):
    return "%.1fx" % speedup if speedup < 10 else "~%.0fx" % speedup


def markdown(rows, skipped, problems, cells=()):
    lines = run_line(rows) + (machine_lines(cells) if cells else []) + [
        "| cell | interpreter | generations | 1st gen s | median s/gen | min | max "
        "| evaluation s/gen | GA share | speedup vs %s | x c (gen) | x c (evaluation) "
        "| final best fitness | same work |" % BASELINE,
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | --- |",
    ]
    for r in rows:
        check = {None: "-", True: "yes", False: "**NO: different results**"}[r["same_work"]]
        lines.append("| %s |" % " | ".join([
            r["cell"], r["interpreter"], generations_done(r), fmt(r["first_seconds"], "%.3f"),
            fmt(r["median_seconds"], "%.4f") + ("*" if r["generations"] == 1 else ""),
            fmt(r["min_seconds"], "%.4f"), fmt(r["max_seconds"], "%.4f"),
            fmt(r["median_evaluation_seconds"], "%.4f"), fmt(r["ga_share"], "%.0f%%", 100),
            fmt(r["speedup"], "%.1fx"), fmt(r["vs_c"], "%.2f"), fmt(r["evaluation_vs_c"], "%.2f"),
            fmt(r["final_best_fitness"], "%.2f"), check]))
    for name, reason in skipped:
        lines.append("| %s | not run: %s |%s" % (name, reason, " |" * 12))
    lines += ["", "Median excludes the first generation (imports, JIT warm-up, numba's "
              "compilation); it is shown in its own column. * marks a median of a single "
              "generation (too few to trust). Evaluation s/gen is the time in the fitness "
              "evaluation alone; GA share is the rest of a generation (selection, mutation, "
              "new creatures). x c: the cell's median over the c cell's, for the whole "
              "generation and for the evaluation alone (the distance to the limit). "
              "Cells with fewer generations compare their best fitness with the others over "
              "the generations they share.", ""]
    lines += reading(rows) + ["", "Plots: [seconds per generation](seconds_per_generation.png), "
                              "[speedups](speedup.png).", ""]
    lines += ["The original article's figures (population %d, s/generation), for reference:"
              % ARTICLE_POPULATION, "", "| article cell | s/gen | speedup |",
              "| --- | ---: | ---: |"]
    for name, cell, _, as_given in ARTICLE:
        lines.append("| %s | %s | %s |" % (name, as_given, approximate(ARTICLE_SPEEDUPS[cell])))
    if problems:
        lines += ["", "Lines skipped while reading:", ""]
        lines += ["- %s" % p for p in problems[:MAX_WARNINGS]]
        if len(problems) > MAX_WARNINGS:
            lines.append("- ... and %d more" % (len(problems) - MAX_WARNINGS))
    return "\n".join(lines) + "\n"


def generations_done(row):
    """'10', or '3 of 10 (stopped)' for a run that ended before its planned generations."""
    planned = row["generations_planned"]
    if isinstance(planned, int) and row["generations"] < planned:
        return "%d of %d (stopped)" % (row["generations"], planned)
    return "%d" % row["generations"]


def warn(problems, limit=MAX_WARNINGS):
    for problem in problems[:limit]:
        click.echo("warning: %s (skipped)" % problem, err=True)
    if len(problems) > limit:
        click.echo("warning: ... and %d more" % (len(problems) - limit), err=True)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON, for scripts.")
@click.option("--no-plots", is_flag=True, help="Do not write the PNG plots.")
def main(folder, as_json, no_plots):
    """Summarize the results of a matrix run (run_all.sh) or of any ev.cli.main --results files."""
    cells, problems = load_cells(folder)
    warn(problems)
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
    write_report(os.path.join(folder, "report.md"), text,
                 () if no_plots else matrix_plots(rows, folder))


def matrix_plots(rows, folder):
    """The plots of a matrix run, drawn one after another as they are asked for."""
    from ev.reporting.plots import plot_seconds, plot_speedups
    yield plot_seconds(rows, folder)
    yield plot_speedups(rows, folder)


def write_report(path, text, plots=()):
    """Write the markdown ``text`` to ``path``, then draw ``plots`` (an iterable of the paths
    each plot wrote, or None for a plot with nothing to show), saying what was written; a
    write error is one line."""
    try:
        atomic.write_text(path, text)
        click.echo("report written to %s" % path)
        for written in plots:
            if written:
                click.echo("plot written to %s" % written)
    except OSError as error:
        raise click.ClickException(atomic.describe(error))


if __name__ == "__main__":
    sys.exit(main())
