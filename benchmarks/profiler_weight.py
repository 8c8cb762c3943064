"""python -m benchmarks.profiler_weight: what a profiler does to the times it measures.

Every cell of the matrix (the cells of run_all.sh) runs the same seeded evolution three times,
one run after another: plain, under vmprof (ev.cli.main --profile: sampling, ~1,000 samples/s, and
its native frames), and under cProfile (``python -m cProfile``: a hook on every call and
return).  Each run writes its records; the steady median seconds per generation (without the
first) of each is compared with the plain run's.  A profiler that adds a fixed cost per call
distorts a comparison between code that makes many calls and code that makes few: the table
ends with the numpy vs specialized ratio of each interpreter under each mode.
"""
import json
import os
import subprocess
import tempfile

import click

from ev.backends import cell_list
from ev.cli import variants
from ev.pythons.interpreters import ROOT, last_line, venv_python
from ev.reporting.recordings import timed_median

CELLS = cell_list.host_cells()   # the matrix's cells of the host's two interpreters
MODES = ("plain", "vmprof", "cProfile")
SLOW = "pypy-numpy"


def command(python, creature, mode, options, scratch, cell):
    evolution = ["-m", "ev.main", "--creature", creature] + options + [
        "--results", os.path.join(scratch, "%s.%s.jsonl" % (cell, mode))]
    if mode == "vmprof":
        return [python] + evolution + ["--profile", os.path.join(scratch, cell + ".prof")]
    if mode == "cProfile":
        return [python, "-m", "cProfile", "-o",
                os.path.join(scratch, cell + ".cprofile")] + evolution
    return [python] + evolution


def why_not(python, creature):
    """Why the cell cannot run here ("not available: ..."), or None: asked of the
    interpreter itself, as the matrix asks it (ev.cli.variants)."""
    if python is None:
        return "no interpreter (run the set-up)"
    why = variants.ask([python], creature, cwd=ROOT)
    return None if why is None else "not available: " + why


def measure(cell, mode, python, creature, options, scratch):
    """{"seconds_per_generation"} or {"not_measured": why} for one cell in one mode."""
    if mode == "vmprof" and creature in cell_list.NOT_RECORDED:
        return {"not_measured": cell_list.NOT_RECORDED[creature]}
    done = subprocess.run(command(python, creature, mode, options, scratch, cell), cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    seconds = timed_median(os.path.join(scratch, "%s.%s.jsonl" % (cell, mode)))
    if done.returncode != 0 or seconds is None:
        return {"not_measured": "exit status %d: %s" % (done.returncode,
                                                        last_line(done.stderr))}
    return {"seconds_per_generation": seconds}


def with_overheads(row):
    plain = row["plain"].get("seconds_per_generation")
    for mode in MODES[1:]:
        seconds = row[mode].get("seconds_per_generation")
        if plain and seconds:
            row[mode]["overhead"] = seconds / plain
    return row


def distortions(rows):
    """Per interpreter: numpy / specialized seconds per generation under each mode."""
    by_cell = dict((row["cell"], row) for row in rows)
    found = []
    for kind in ("cpython", "pypy"):
        numpy, specialized = by_cell.get(kind + "-numpy"), by_cell.get(kind + "-specialized")
        if not numpy or not specialized:
            continue
        ratios = {}
        for mode in MODES:
            slow = numpy[mode].get("seconds_per_generation")
            fast = specialized[mode].get("seconds_per_generation")
            ratios[mode] = slow / fast if slow and fast else None
        found.append({"interpreter": kind, "numpy_over_specialized": ratios})
    return found


def seconds_cell(result):
    if "not_measured" in result:
        return "not measured: " + result["not_measured"]
    text = "%.4g" % result["seconds_per_generation"]
    if "overhead" in result:
        text += " (%.2fx)" % result["overhead"]
    return text


def markdown(rows, ratios):
    lines = ["| cell | plain s/gen | vmprof s/gen (x plain) | cProfile s/gen (x plain) |",
             "| --- | ---: | ---: | ---: |"]
    for row in rows:
        if "not_run" in row:
            lines.append("| %s | not run: %s | | |" % (row["cell"], row["not_run"]))
        else:
            lines.append("| %s | %s |" % (row["cell"], " | ".join(
                seconds_cell(row[mode]) for mode in MODES)))
    if ratios:
        lines += ["", "| numpy / specialized | " + " | ".join(MODES) + " |",
                  "| --- |" + " ---: |" * len(MODES)]
        for entry in ratios:
            lines.append("| %s | %s |" % (entry["interpreter"], " | ".join(
                "%.2f" % r if r else "-" for r in
                (entry["numpy_over_specialized"][mode] for mode in MODES))))
    return "\n".join(lines) + "\n"


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--cells", default=",".join(CELLS), show_default=True,
              help="Comma-separated cells.")
@click.option("--population", "-n", type=click.IntRange(2), default=500, show_default=True)
@click.option("--generations", "-g", type=click.IntRange(2), default=5, show_default=True,
              help="Generations per run (the first is left out of the median).")
@click.option("--slow-generations", type=click.IntRange(2), default=3, show_default=True,
              help="Generations for the slow %s cell." % SLOW)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def main(cells, population, generations, slow_generations, seed, as_json):
    """Median s/gen of every cell plain, under vmprof and under cProfile, and the overheads."""
    known = CELLS
    chosen = [c for c in cells.split(",") if c]
    unknown = [c for c in chosen if c not in known]
    if unknown:
        raise click.BadParameter("unknown cell %s (choose from %s)" % (
            unknown[0], ", ".join(known)), param_hint="--cells")
    rows = []
    with tempfile.TemporaryDirectory(prefix="ev-profiler-weight-") as scratch:
        for cell in chosen:
            kind, creature = known[cell]
            python = venv_python(kind)
            reason = why_not(python, creature)
            if reason:
                rows.append({"cell": cell, "not_run": reason})
                continue
            options = ["-n", str(population), "-g", str(
                slow_generations if cell == SLOW else generations), "--seed", str(seed)]
            row = {"cell": cell}
            for mode in MODES:
                if not as_json:
                    click.echo("%s, %s ..." % (cell, mode), err=True)
                row[mode] = measure(cell, mode, python, creature, options, scratch)
            rows.append(with_overheads(row))
    ratios = distortions(rows)
    if as_json:
        click.echo(json.dumps({"cells": rows, "distortions": ratios}, indent=1))
    else:
        click.echo(markdown(rows, ratios))


if __name__ == "__main__":
    main()
