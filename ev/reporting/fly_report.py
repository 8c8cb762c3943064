"""python -m ev.reporting.fly_report RESULTS_DIR [--json] [--no-plots]: time to a flying controller.

Reads the records of ``./run_all.sh --task fly`` (every cell ran ``ev.cli.evolve --controller pid
--until-flies``: each generation record says whether its best creature flies) and gives, per
cell, the generations, evaluations and seconds of evolution until the first flying
controller.  Same seed, same work: every cell must fly at the same generation with the same
best fitness, and the report says whether they did.

The stages are the matrix report's (ev.reporting.report): ev.reporting.load reads the folder;
ev.reporting.fly_rows makes one row per cell (seconds to fly per round and over rounds); the
processors ev.reporting.ratios (``with_ratio_to_fastest``, within rounds) and
ev.reporting.same_work (``with_same_flight``) return new rows; the renderers are
ev.reporting.fly_table (markdown), this module's ``--json`` and ev.reporting.plots
(``plot_time_to_fly``).

The ``--json`` document's format history ("format": "ev-fly-report", "version"; ``read_json``
reads every version):

    1 - {"format", "version", "rows": [one object per cell]}.  Before it had a name (ev
        at commit 6b10243 and earlier) the document was the bare list of rows.
"""
import os
import sys

import click

from ev.common.formats import rows_format
from ev.reporting import fly_table
from ev.reporting.fly_rows import fly_rows_of
from ev.reporting.output import check_replaceable, draw, read_folder, warn, write_report
from ev.reporting.ratios import with_ratio_to_fastest
from ev.reporting.same_work import with_same_flight


FLY_REPORT = rows_format("ev-fly-report")


def read_json(path):
    """The rows of an ``ev fly-report --json`` document saved to ``path``, of any version."""
    return FLY_REPORT.load(path)["rows"]


def build(runs):
    """The rows (ev.reporting.fly_rows.FlyRow) of a fly run's runs, every processor
    applied."""
    return with_same_flight(with_ratio_to_fastest(fly_rows_of(runs)))


def holds_fly_records(folder, runs):
    """True when the folder is a fly run: matrix.json says so, or a generation record says
    whether its best creature flies."""
    return folder.task == "fly" or any(g.flies is not None for r in runs
                                         for g in r.generations)


def what_it_holds(folder, runs):
    """The one-line refusal for a folder that is not a fly run: what it holds instead."""
    cells = sorted(set(r.name for r in runs))
    return ("%s holds no fly-task records: %d run(s) of %s (task: %s), whose generations do not "
            "say whether they fly; read it with python -m ev.reporting.report, or make a fly "
            "run with ./run_all.sh --task fly" % (
                folder.path, len(runs), ", ".join(cells[:6]) + (" ..." if len(cells) > 6 else ""),
                folder.task or "a benchmark, ev.cli.evolve without --until-flies"))


def fly_plots(rows, folder):
    """The report's plot, drawn when draw() asks for it (before the markdown)."""
    from ev.reporting.plots import plot_time_to_fly
    yield plot_time_to_fly(rows, folder)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON, for scripts.")
@click.option("--no-plots", is_flag=True, help="Do not write time_to_fly.png.")
def main(folder, as_json, no_plots):
    """Seconds and generations to the first flying PID controller, per cell of a
    `./run_all.sh --task fly` run."""
    found = read_folder(folder)
    warn(found.problems)
    runs = [r for r in found.runs if r.generations]
    if not runs:
        raise click.ClickException("%s: no results (*.jsonl with generations) found" % folder)
    if not holds_fly_records(found, runs):
        raise click.ClickException(what_it_holds(found, runs))
    rows = build(runs)
    if as_json:
        click.echo(FLY_REPORT.dumps({"rows": [r.to_json() for r in rows]}, indent=1))
        return
    path = os.path.join(folder, "fly_report.md")
    check_replaceable(path)
    written = [] if no_plots else draw(fly_plots(rows, folder))
    text = fly_table.markdown(rows, found.skipped, written)
    click.echo(text)
    write_report(path, text, written)


if __name__ == "__main__":
    sys.exit(main())
