"""``ev bench scaling`` (``python -m benchmarks.scaling``): the study's command."""
import platform
import sys
import tempfile

import click

from ev.backends import cell_list
from ev.common import atomic
from ev.common.formats import object_format
from ev.pythons.interpreters import venv_python
from ev.studies.scaling.cases import CELLS, measure_cell, plan, ship
from ev.studies.scaling.model import amdahl_rows, efficiency_rows
from ev.studies.scaling.report import markdown

# The --json document and the --out file.  History: 1 - {"format", "version", "options",
# "efficiency", "shipping", "cores_to_match", "skipped", "measured"}; before it had a name
# (6b10243) the same object without the first two.
SCALING = object_format("ev-scaling", "efficiency")


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
        kind = cell_list.host_cells()[cell][0]
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
                measured.append(measure_cell(cell, pythons[cell_list.host_cells()[cell][0]], population,
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
            atomic.write_text(out, SCALING.dumps(report, indent=1) + "\n")
        except OSError as error:
            raise click.ClickException(atomic.describe(error))
    if as_json:
        click.echo(SCALING.dumps(report, indent=1))
    else:
        click.echo(markdown(report))

