"""``ev matrix`` (and ./run_all.sh, which sets up the venvs and calls it): every interpreter x
variant (a cell), in rounds, then the report.

A measuring instrument rather than one run per cell.  By default each cell is kept alive as
a warm process (ev.runner.children.Warm) and the cells run in short alternating slices, a
round being one slice of every cell in rotating order: a slow phase of the machine, which
lasts tens of seconds, then falls on the neighbouring slices of every cell alike, and the
report takes ratios within rounds.  Rounds are added until the headline figures are precise
enough or the wall-time cap comes (ev.runner.plan.Rounds), and a fixed workload timed
between rounds says how much the machine itself moved.  ``--fresh`` (and ``--task fly``)
start a fresh process per cell-round instead.  The machine's facts (CPU, load, governor,
memory) are recorded before and after, and a busy machine is said at the start.

The flow: ev.cli.matrix_options checks the options -> ev.cli.matrix_run.MatrixRun runs the
rounds through ev.runner -> the children write records (ev.store.records) -> matrix.json
lists them -> ev.reporting reads them into the report, whose headline ends the terminal.

Every option is checked before anything runs or is written (exit 2, one line)."""
import os
import sys

import click

from ev.cli import matrix_options, provisioning
from ev.cli.matrix_file import MatrixFile
from ev.cli.matrix_run import MatrixRun
from ev.common import atomic, machine
from ev.reporting import headline
from ev.runner import children
from ev.runner.signals import Stops
from ev.runner.status import Status


def run_matrix(settings):
    """Run the matrix the settings describe; return the exit status."""
    with Stops() as stops, Status() as status:
        facts = machine.machine_facts()
        status.line("=== machine: %s" % machine.describe(facts))
        warning = machine.busy_warning(facts)
        if warning:
            status.line(warning)
        os.makedirs(settings.out, exist_ok=True)
        matrix = MatrixFile(settings.out, settings, settings.interpreters, settings.cells)
        matrix.save()
        status.line("=== %s" % plan_text(settings))
        run = MatrixRun(settings, matrix, stops, status, headline)
        run.run()
        status.close()
        report(settings, run.failures, stops)
    print("results in %s" % settings.out)
    if stops.stopped:
        return stops.exit_status()
    for failure in run.failures:
        print("%s: failed: %s" % (settings.prog, failure), file=sys.stderr)
    return 1 if run.failures else 0


def plan_text(settings):
    """The run's plan in one line."""
    how = ("a fresh process per cell-round" if settings.fresh else
           "warm processes, in alternating slices")
    if settings.rounds:
        rounds = "%d rounds" % settings.rounds
    else:
        rounds = ("%sat least %d rounds, more until the headline is within +-10%% or %g min "
                  "have passed" % ("" if settings.fresh else "a warm-up round, then ",
                                   matrix_options.DEFAULT_ROUNDS, settings.max_minutes))
        if not settings.fresh:
            rounds += (" (the headline's cells every round, at least %d; the others every "
                       "other)" % (2 * matrix_options.DEFAULT_ROUNDS))
    return "%d cells, %s, %s; generation lines in each cell's log%s" % (
        len(settings.cells), how, rounds, "" if settings.verbose else " (--verbose shows them)")


def report(settings, failures, stops):
    """The report of the task, by the host's CPython, into the folder; on the terminal, its
    headline (the fly report: whole)."""
    if settings.task == "fly":
        argv = [settings.host_python, "-m", "ev.reporting.fly_report", settings.out]
    else:
        argv = [settings.host_python, "-m", "ev.reporting.report", settings.out, "--headline"]
    print("=== report", flush=True)
    status, _ = children.run(argv, None, settings.checkout, os.devnull, stops, show=True)
    if status != 0:
        failures.append("the report (%s)" % argv[2])


@click.command(cls=matrix_options.OneLineErrors, name="matrix",
               context_settings={"help_option_names": ["-h", "--help"]},
               epilog=matrix_options.EPILOG)
@matrix_options.options
def main(**given):
    """Run every interpreter x variant (a cell) in rounds with the same seed and population,
    then the report (ev.reporting.report, or fly_report for --task fly)."""
    settings = matrix_options.settings_from(given)
    if given["check"]:
        click.echo(matrix_options.setup_needed(settings))
        return
    if provisioning.provision_missing(given["interpreters"]):
        settings = matrix_options.settings_from(given)   # the roots made: probe them again
    try:
        status = run_matrix(settings)
    except OSError as error:      # the results folder could not be written (disk full...)
        click.echo("%s: error: %s" % (settings.prog, atomic.describe(error)), err=True)
        status = 1
    sys.exit(status)


if __name__ == "__main__":
    main()
