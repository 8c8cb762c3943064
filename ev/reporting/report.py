"""python -m ev.reporting.report RESULTS_DIR [--json] [--no-plots] [--pyperf FILE]: the table
(and plots) of a matrix run; with --pyperf, also its rounds in pyperf's format.

The stages, each a module: ev.reporting.load reads the folder (matrix.json and its rounds,
or an older folder's ``*.jsonl`` and ``not_run.txt``); ev.reporting.rows makes one row per
cell (steady state, median over rounds, spread: a frozen ``Row``, its rounds
``RoundFigures``); the processors ev.reporting.ratios (within rounds) and
ev.reporting.same_work return new rows with their figures filled in; the renderers, which
read the rows' attributes, are ev.reporting.table (markdown, with ev.reporting.reading,
ev.reporting.across and ev.reporting.machine_state), this module's ``--json`` (``Row.to_json``),
ev.reporting.plots and ev.reporting.pyperf_suite.  The fly report (ev.reporting.fly_report)
is the same pipeline with rows of its own.

The ``--json`` document's format history ("format": "ev-report", "version"; ``read_json``
reads every version):

    2 - each row's "by_round" entries add "mean_seconds" and "mean_evaluation_seconds":
        the figures of a round that ratios are taken of (ev.reporting.ratios.IN_ROUND)
    1 - {"format", "version", "rows": [one object per cell]}.  Before it had a name (ev
        at commit 6b10243 and earlier) the document was the bare list of rows.
"""
import os
import sys

import click

from ev.reporting import headline, machine_state, ratios, table
from ev.reporting.rows import rows_of
from ev.common.formats import rows_format
from ev.reporting.output import check_replaceable, draw, read_folder, warn, write_report
from ev.reporting.same_work import with_same_work

REPORT = rows_format("ev-report", 2)
ADDED_IN_ROUNDS = {2: ("mean_seconds", "mean_evaluation_seconds")}   # by version


def build(path):
    """(folder, rows, baseline row): the folder read, its rows (ev.reporting.rows.Row) made
    and every processor applied."""
    folder = read_folder(path)
    rows = rows_of(folder)
    order = [i.get("label") for i in folder.listed("interpreters")]
    rows, base, _ = ratios.with_ratios(rows, order)
    rows = with_same_work(rows)
    base = next((row for row in rows if base is not None and row.cell == base.cell), None)
    return folder, rows, base


def read_json(path):
    """The rows of an ``ev report --json`` document saved to ``path``, of any version."""
    return REPORT.load(path)["rows"]


def as_json(folder, rows):
    """The rows for scripts: every key of the table and more (Row.to_json); the machine
    facts (the same for every row) in each, so that a row read alone still says where it
    was measured."""
    facts = machine_state.facts(folder)
    return [dict(r.to_json(), machine=facts) for r in rows]


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "json_out", is_flag=True, help="Print the table as JSON, for scripts.")
@click.option("--no-plots", is_flag=True, help="Do not write the PNG plots.")
@click.option("--headline", "headline_only", is_flag=True,
              help="Print the headline only (ev.reporting.headline) and where the report is; "
                   "the report and plots are written as always.")
@click.option("--pyperf", "pyperf_file", type=click.Path(dir_okay=False),
              help="Also write the rounds as a pyperf benchmark suite (JSON) to this file, for "
                   "python -m pyperf compare_to / stats.")
def main(folder, json_out, no_plots, headline_only, pyperf_file):
    """Summarize the results of a matrix run (ev matrix, run_all.sh) or of any ev.cli.evolve
    --results files: per cell the steady-state s/gen over rounds with its spread, ratios
    taken within rounds, and a reading worded by the intervals."""
    found, rows, base = build(folder)
    warn(found.problems)
    if not rows:
        raise click.ClickException("%s: no results (*.jsonl with a run record) found" % folder)
    if pyperf_file:
        write_pyperf(found, rows, pyperf_file)
    if json_out:
        click.echo(REPORT.dumps({"rows": as_json(found, rows)}, indent=1))
        return
    path = os.path.join(folder, "report.md")
    check_replaceable(path)
    written = [] if no_plots else draw(matrix_plots(rows, folder, base))
    text = table.markdown(found, rows, base, written)
    if headline_only:
        for line in headline.lines(found, rows, base) or [
                "(no headline: it needs a CPython + numpy cell and a faster one)"]:
            click.echo(line)
    else:
        click.echo(text)
    write_report(path, text, written)


def write_pyperf(found, rows, path):
    """The rounds as a pyperf suite (ev.reporting.pyperf_suite), written whole or not at all;
    an existing file is replaced."""
    from ev.common import atomic
    from ev.reporting import pyperf_suite
    try:
        made = pyperf_suite.suite(found, rows)
    except pyperf_suite.PyperfMissing as missing:
        raise click.ClickException(str(missing))
    if made is None:
        raise click.ClickException("no steady-state generations to write for pyperf")
    if path.endswith(".gz"):
        raise click.ClickException("--pyperf %s: write plain JSON (a name not ending in .gz)"
                                   % path)
    try:
        atomic.write_text(path, dumps(made))
    except OSError as error:
        raise click.ClickException(atomic.describe(error))
    click.echo("pyperf suite written to %s" % os.path.abspath(path), err=True)


def dumps(made):
    """pyperf's JSON of a suite as text (its dump() writes to a file or a file object)."""
    import io
    text = io.StringIO()
    made.dump(text, compact=False)
    return text.getvalue()


def matrix_plots(rows, folder, base):
    """The plots of a matrix run, drawn one after another as they are asked for."""
    from ev.reporting import plots
    yield plots.plot_seconds(rows, folder)
    yield plots.plot_speedups(rows, folder, base)
    yield plots.plot_interpreters(rows, folder)


if __name__ == "__main__":
    sys.exit(main())
