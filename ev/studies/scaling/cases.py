"""The cases of the scaling study: the cells it studies by default, the three modes (serial,
one worker, two), one run of a cell (a fresh ``ev.main`` process writing records), the
shipping measurement (the ``ship`` child), and which cell runs at which population."""
import os

import click

from ev.backends import cell_list
from ev.common.stats import median, steady_median
from ev.pythons.interpreters import ROOT
from ev.runner.plan import rotated
from ev.common import result_file
from ev.store.records import GenerationRecord, read_records


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
    try:
        result_file.run_captured(args, cwd=ROOT)
    except result_file.ChildFailed as error:
        raise click.ClickException("%s failed: %s" % (" ".join(args[1:]), error))
    rows = [r for r in read_records(results)[0] if isinstance(r, GenerationRecord)]
    return {"seconds": [r.seconds for r in rows],
            "evaluation": [r.evaluation_seconds for r in rows],
            "lines": [(r.min, r.avg, r.max) for r in rows]}


def ship(python, population, workers, repeats):
    """The ``ship`` child's measurement (its answer, ev.common.result_file)."""
    try:
        return result_file.ask([python, "-m", "ev.studies.scaling.ship", population, workers,
                                repeats], cwd=ROOT).result
    except result_file.ChildFailed as error:
        raise click.ClickException("shipping measurement failed: %s" % error)


def measure_cell(cell, python, population, options, scratch):
    """Rounds of the three modes (rotated): per round, per mode, s/gen and the GA's part."""
    implementation, variant = cell_list.host_cells()[cell]
    rounds, lines = [], None
    for number in range(options["rounds"]):
        measured = {}
        for mode in rotated(MODES, number + 1):
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


