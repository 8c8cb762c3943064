"""python -m benchmarks.scaling: seconds per generation on 1 and 2 local workers, the parallel
efficiency, the cost of shipping the work, and how many CPython + numpy cores it would take
to match one PyPy + specialized core.

Each measurement is a real run, ``ev.main -n P -g G --seed S --creature V --results F`` in a
fresh process: serial (in-process, today's evaluation), ``--workers 1`` and ``--workers 2``,
in a rotated order within each round; s/gen is the median over its generations after the
first (imports, warm-up); a cell's figures over rounds are medians with their 99% repeat range
(ev.common.stats.Interval).  Every run of a cell must print the same fitness lines, whatever N.
Shipping is measured apart (benchmarks.scaling_ship: the same chunks with a no-op
evaluation).  The cores figure is Amdahl's law with the measured serial part; its model and
assumptions are printed with it.  A cell runs at a population only when its s/gen there,
extrapolated from the population below, stays under --max-seconds (the "fast cells").
"""
import json
import os
import platform
import subprocess
import sys
import tempfile

import click

from benchmarks.scaling_model import amdahl_rows, efficiency_rows, markdown
from ev.common import atomic
from ev.backends import cell_list
from ev.common.stats import median, steady_median
from ev.store.records import GENERATION, read_records
from ev.pythons.interpreters import ROOT, last_line, venv_python

CELLS = ("cpython-specialized", "cpython-numpy", "pypy-specialized")   # studied by default
MODES = ("serial", "1", "2")   # in-process; --workers 1; --workers 2


def run_cell(python, variant, population, generations, seed, mode, scratch):
    """One run: {"seconds": [...], "evaluation": [...], "lines": [...]}."""
    results = os.path.join(scratch, "r.jsonl")
    if os.path.exists(results):
        os.remove(results)
    args = [python, "-m", "ev.main", "-n", str(population), "-g", str(generations),
            "--seed", str(seed), "--creature", variant, "--results", results]
    if mode != "serial":
        args += ["--workers", mode]
    done = subprocess.run(args, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if done.returncode != 0:
        raise click.ClickException("%s failed: %s" % (" ".join(args[1:]),
                                                       last_line(done.stderr)))
    rows = [r for r in read_records(results)[0] if r["type"] == GENERATION]
    return {"seconds": [r["seconds"] for r in rows],
            "evaluation": [r["evaluation_seconds"] for r in rows],
            "lines": [(r["min"], r["avg"], r["max"]) for r in rows]}


def ship(python, population, workers, repeats):
    done = subprocess.run([python, "-m", "benchmarks.scaling_ship", str(population),
                           str(workers), str(repeats)], cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    if done.returncode != 0:
        raise click.ClickException("shipping measurement failed: %s" % last_line(done.stderr))
    return json.loads(last_line(done.stdout))


def measure_cell(cell, python, population, options, scratch):
    """Rounds of the three modes (rotated): per round, per mode, s/gen and the GA's part."""
    implementation, variant = cell_list.host_cells()[cell]
    rounds, lines = [], None
    for number in range(options["rounds"]):
        measured = {}
        for mode in MODES[number % 3:] + MODES[:number % 3]:
            click.echo("  %s n=%d round %d: %s" % (cell, population, number + 1, mode),
                       err=True)
            run = run_cell(python, variant, population, options["generations"],
                           options["seed"], mode, scratch)
            if lines is not None and run["lines"] != lines:
                raise click.ClickException("%s n=%d: --workers %s printed other fitness "
                                           "lines than serial" % (cell, population, mode))
            lines = run["lines"]
            ga = [s - e for s, e in zip(run["seconds"], run["evaluation"])]
            measured[mode] = {"s_per_gen": steady_median(run["seconds"]),
                              "ga_seconds": steady_median(ga)}
        rounds.append(measured)
    return {"cell": cell, "population": population, "rounds": rounds}


def plan(populations, max_seconds, cells, measured):
    """Whether ``cell`` runs at ``population``: its s/gen at the largest smaller population
    measured, scaled by the ratio of populations, is under max_seconds."""
    def runs(cell, population):
        smaller = [m for m in measured if m["cell"] == cell and m["population"] < population]
        if not smaller:
            return True
        last = max(smaller, key=lambda m: m["population"])
        serial = median([r["serial"]["s_per_gen"] for r in last["rounds"]])
        return serial * population / last["population"] <= max_seconds
    return runs


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--populations", default="500,5000,50000", show_default=True,
              help="Comma-separated populations.")
@click.option("--cells", default=",".join(CELLS), show_default=True,
              help="Comma-separated interpreter-variant cells.")
@click.option("-g", "--generations", type=click.IntRange(min=2), default=4, show_default=True,
              help="Generations per run (the first is not timed).")
@click.option("--rounds", type=click.IntRange(min=1), default=5, show_default=True,
              help="Rounds of the three modes; a figure's repeat range narrows with them.")
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--max-seconds", type=float, default=30.0, show_default=True,
              help="Skip a cell at a population where its serial s/gen would exceed this.")
@click.option("--json", "as_json", is_flag=True, help="Print everything as JSON.")
@click.option("--out", type=click.Path(dir_okay=False),
              help="Also write the JSON report to this file (the tables still print).")
def main(populations, cells, generations, rounds, seed, max_seconds, as_json, out):
    """Scaling of ev's evaluation over local workers, and the cores-to-match figure."""
    try:
        sizes = sorted(int(p) for p in populations.split(","))
    except ValueError:
        raise click.BadParameter("not a list of numbers: %r" % populations,
                                 param_hint="--populations")
    if not sizes or min(sizes) < 4:
        raise click.BadParameter("populations of at least 4", param_hint="--populations")
    chosen = [c.strip() for c in cells.split(",") if c.strip()]
    unknown = [c for c in chosen if c not in cell_list.host_cells()]
    if unknown or not chosen:
        raise click.BadParameter("choose from %s" % ", ".join(cell_list.host_cells()),
                                 param_hint="--cells")
    pythons = {}
    for cell in chosen:
        kind = cell.split("-")[0]
        pythons[kind] = venv_python(kind) or (
            sys.executable if kind == platform.python_implementation().lower() else None)
        if pythons[kind] is None:
            raise click.ClickException("no %s interpreter (run the set-up, or set EV_%s_PY)"
                                       % (kind, kind.upper()))
    options = {"generations": generations, "rounds": rounds, "seed": seed}
    measured, shipping, skipped = [], [], []
    with tempfile.TemporaryDirectory(prefix="ev-scaling-") as scratch:
        for population in sizes:
            runs = plan(sizes, max_seconds, chosen, measured)
            for cell in chosen:
                if not runs(cell, population):
                    skipped.append({"cell": cell, "population": population})
                    continue
                measured.append(measure_cell(cell, pythons[cell.split("-")[0]], population,
                                             options, scratch))
            for kind in sorted(pythons):
                click.echo("  shipping n=%d on %s" % (population, kind), err=True)
                shipping.append(dict(ship(pythons[kind], population, 2, 2 * rounds + 1),
                                     implementation=kind))
    report = {"options": dict(options, populations=sizes, cells=chosen,
                              max_seconds=max_seconds),
              "efficiency": efficiency_rows(measured), "shipping": shipping,
              "cores_to_match": amdahl_rows(measured, shipping), "skipped": skipped,
              "measured": measured}
    if out:
        try:
            atomic.write_text(out, json.dumps(report, indent=1) + "\n")
        except OSError as error:
            raise click.ClickException(atomic.describe(error))
    if as_json:
        click.echo(json.dumps(report, indent=1))
    else:
        click.echo(markdown(report))


if __name__ == "__main__":
    main()
