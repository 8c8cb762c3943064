"""``ev bench profiler_weight`` (``python -m benchmarks.profiler_weight``): the study's command."""
import tempfile

import click

from ev.common.formats import object_format
from ev.pythons.interpreters import venv_python
from ev.studies.profiler_weight.cases import CELLS, MODES, SLOW, why_not
from ev.studies.profiler_weight.model import distortions, measure, with_overheads
from ev.studies.profiler_weight.report import markdown

# The --json document.  History: 1 - {"format", "version", "cells", "distortions"}; before it
# had a name (6b10243) the same object without the first two.
PROFILER_WEIGHT = object_format("ev-profiler-weight", "cells")


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
        click.echo(PROFILER_WEIGHT.dumps({"cells": rows, "distortions": ratios}, indent=1))
    else:
        click.echo(markdown(rows, ratios))

