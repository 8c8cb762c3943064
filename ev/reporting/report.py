"""python -m ev.reporting.report RESULTS_DIR [--json] [--no-plots]: the table (and plots) of a
matrix run.

The stages, each a module: ev.reporting.load reads the folder (matrix.json and its rounds,
or an older folder's ``*.jsonl`` and ``not_run.txt``); ev.reporting.model makes one row per
cell (steady state, median over rounds, spread); the processors ev.reporting.ratios (within
rounds) and ev.reporting.same_work add to the rows; the renderers are ev.reporting.table
(markdown, with ev.reporting.reading, ev.reporting.across and ev.reporting.machine), this
module's ``--json`` and ev.reporting.plots.
"""
import json
import os
import sys

import click

from ev.reporting import machine, model, ratios, table
from ev.reporting.load import load_folder
from ev.reporting.output import draw, warn, write_report
from ev.reporting.same_work import add_same_work_checks

PRIVATE = ("best_by_generation", "_rounds_best")   # in the rows, not in the JSON


def build(path):
    """(folder, rows, baseline row): the folder read and every processor applied."""
    folder = load_folder(path)
    rows = model.rows_of(folder)
    order = [i.get("label") for i in folder.listed("interpreters")]
    base, _ = ratios.add_ratios(rows, order)
    add_same_work_checks(rows)
    return folder, rows, base


def as_json(folder, rows):
    """The rows for scripts: every key of the table and more; the machine facts (the same
    for every row) in each, so that a row read alone still says where it was measured."""
    facts = machine.facts(folder)
    return [dict([(k, v) for k, v in r.items() if k not in PRIVATE] + [("machine", facts)])
            for r in rows]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "json_out", is_flag=True, help="Print the table as JSON, for scripts.")
@click.option("--no-plots", is_flag=True, help="Do not write the PNG plots.")
def main(folder, json_out, no_plots):
    """Summarize the results of a matrix run (ev matrix, run_all.sh) or of any ev.cli.main
    --results files: per cell the steady-state s/gen over rounds with its spread, ratios
    taken within rounds, and a reading worded by the intervals."""
    found, rows, base = build(folder)
    warn(found.problems)
    if not rows:
        raise click.ClickException("%s: no results (*.jsonl with a run record) found" % folder)
    if json_out:
        click.echo(json.dumps(as_json(found, rows), indent=1))
        return
    written = [] if no_plots else draw(matrix_plots(rows, folder, base))
    text = table.markdown(found, rows, base, written)
    click.echo(text)
    write_report(os.path.join(folder, "report.md"), text, written)


def matrix_plots(rows, folder, base):
    """The plots of a matrix run, drawn one after another as they are asked for."""
    from ev.reporting import plots
    yield plots.plot_seconds(rows, folder)
    yield plots.plot_speedups(rows, folder, base)
    yield plots.plot_interpreters(rows, folder)


if __name__ == "__main__":
    sys.exit(main())
