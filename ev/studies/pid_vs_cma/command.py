"""``ev bench pid_vs_cma`` (``python -m benchmarks.pid_vs_cma``): the study's command."""
import sys

import click

from ev.common.formats import rows_format
from ev.studies.pid_vs_cma.model import compare
from ev.studies.pid_vs_cma.report import render

# The --json document.  History: 1 - {"format", "version", "rows"}; before it had a name
# (6b10243) the bare list of rows.
PID_VS_CMA = rows_format("ev-pid-vs-cma")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--seeds", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("-n", "--population", type=click.IntRange(min=4), default=500,
              show_default=True)
@click.option("-g", "--generations", type=click.IntRange(min=1), default=100,
              show_default=True, help="The GA's generations; CMA-ES gets as many evaluations.")
@click.option("--json", "as_json", is_flag=True)
def main(seeds, population, generations, as_json):
    """ev's GA and pycma's CMA-ES on the PID gains, same fitness, same evaluation budget."""
    try:
        import cma
    except ImportError:
        click.echo("error: pycma is not installed in this venv (pip install cma; the project's "
                   "set-up installs it)", err=True)
        sys.exit(1)
    rows = compare(range(1, seeds + 1), population, generations, cma)
    click.echo(PID_VS_CMA.dumps({"rows": rows}, indent=1) if as_json else render(rows))

