"""``ev matrix`` (and ./run_all.sh, which sets up the venvs and calls it): every interpreter x
variant, in rounds, then the report.

A measuring instrument rather than one run per cell: each of R rounds starts a fresh process
per cell, the cells of a round in rotating order (a noisy minute falls on every cell, not on
one), and ratios are taken within a round by the report.  Each cell has a time budget in its
first round, so that cheap cells run many generations (PyPy's GA code warms up for tens of
them) and dear ones few; the later rounds repeat the first round's generations, so every round
of a cell does the same work.  The machine's facts (CPU, load, governor, memory) are recorded
before and after, and a busy machine is said at the start.

Every option is checked before anything runs or is written (exit 2, one line)."""
import json
import os
import sys

import click

from ev.cli import cells as cells_module, children
from ev.cli import matrix_options, provisioning, recording
from ev.cli.matrix_file import MatrixFile
from ev.common import atomic, machine


def run_matrix(settings):
    """Run the matrix the settings describe; return the exit status."""
    failures = []
    facts = machine.machine_facts()
    print("=== machine: %s" % machine.describe(facts), flush=True)
    warning = machine.busy_warning(facts)
    if warning:
        print(warning, flush=True)
    os.makedirs(settings.out, exist_ok=True)
    matrix = MatrixFile(settings.out, settings, settings.interpreters, settings.cells)
    matrix.save()
    with children.Stops() as stops:
        runnable = available_cells(matrix, settings)
        plans = {cell.label: cells_module.first_plan(cell, settings) for cell in runnable}
        matrix.machine("before", machine.machine_facts())
        for round_number in range(1, settings.rounds + 1):
            run_round(matrix, settings, runnable, plans, round_number, stops, failures)
        matrix.machine("after", machine.machine_facts())
        mark_never_run(matrix, settings.cells)
        if settings.profile and not stops.stopped:
            recording.summarize(matrix, settings, stops, failures)
        matrix.finish(interrupted=stops.stopped)
        report(settings, failures, stops)
    print("results in %s" % settings.out)
    if stops.stopped:
        return stops.exit_status()
    for failure in failures:
        print("%s: failed: %s" % (settings.prog, failure), file=sys.stderr)
    return 1 if failures else 0


def available_cells(matrix, settings):
    """The cells that can run here; the others are recorded as not run, with the reason."""
    runnable = []
    for cell in settings.cells:
        why = cell.interpreter.why_missing or cell.ruled_out(settings.task) or unavailable(
            cell, settings)
        if why:
            matrix.not_run(cell.label, why)
            print("=== %s: not run: %s" % (cell.label, why), flush=True)
        else:
            runnable.append(cell)
    return runnable


def unavailable(cell, settings):
    """Why the cell's interpreter cannot run its variant (no numba, no C build), or None:
    asked of the interpreter itself (python -m ev.cli.variants)."""
    interpreter = cell.interpreter
    status, said = children.quiet(interpreter.argv(["-m", "ev.cli.variants", cell.variant]),
                                  interpreter.environ(), settings.checkout)
    if status == 0:
        return None
    return said.splitlines()[-1] if said else "ev.cli.variants exited with status %d" % status


def run_round(matrix, settings, runnable, plans, round_number, stops, failures):
    order = cells_module.rotated(runnable, round_number)
    for position, cell in enumerate(order):
        if stops.stopped:
            return
        print("=== round %d of %d, cell %d of %d: %s" % (
            round_number, settings.rounds, position + 1, len(order), cell.label), flush=True)
        plan = plans[cell.label]
        status = run_cell(matrix, settings, cell, plan, round_number, position, stops)
        if not completed(settings.task, status, matrix.path(run_name(cell, round_number, "log"))):
            failures.append("cell %s round %d (ev.main exited with status %d, see %s)" % (
                cell.label, round_number, status,
                matrix.path(run_name(cell, round_number, "log"))))
        if round_number == 1:
            count = generations_in(matrix.path(run_name(cell, 1, "jsonl")))
            plans[cell.label] = cells_module.later_plan(plan, count)
            matrix.planned(cell.label, plan._replace(generations=plans[cell.label].generations))
        if settings.profile and round_number == settings.rounds and not stops.stopped:
            recording.record_after(matrix, cell, settings, plans[cell.label], round_number,
                                   stops, failures)


def run_name(cell, round_number, extension):
    return "%s.r%d.%s" % (cell.label, round_number, extension)


def run_cell(matrix, settings, cell, plan, round_number, position, stops):
    """One cell-round: ev.main with --results into the round's file; return its status."""
    interpreter = cell.interpreter
    results = matrix.path(run_name(cell, round_number, "jsonl"))
    log = matrix.path(run_name(cell, round_number, "log"))
    args = cells_module.command(cell, settings, plan) + ["--results", interpreter.path(results)]
    argv = interpreter.argv(args)
    matrix.command(interpreter.display(args))
    print("=== %s: %s" % (cell.label, interpreter.display(args)), flush=True)
    status, wall = children.run(argv, interpreter.environ(), settings.checkout, log, stops)
    status = 128 - status if status < 0 else status   # killed by a signal
    matrix.run(cell=cell.label, round=round_number, position=position,
               file=os.path.basename(results), log=os.path.basename(log), command=argv,
               exit=status, wall_seconds=round(wall, 3))
    return status


def completed(task, status, log):
    """ev.main finished its task: a PID run that never flew within its budget exits 1, and
    that is a result, not a failure; a stopped run (130, 143) is the user's choice."""
    if status in (0, 130, 143, 129):
        return True
    return task == "fly" and status == 1 and said_did_not_fly(log)


def said_did_not_fly(log):
    try:
        with open(log, errors="replace") as text:
            return any(line.startswith("# did not fly within") for line in text)
    except OSError:
        return False


def generations_in(path):
    """How many generation records a results file holds (0 when it holds none)."""
    count = 0
    try:
        with open(path, errors="replace") as lines:
            for line in lines:
                try:
                    count += json.loads(line).get("type") == "generation"
                except (ValueError, AttributeError):
                    continue
    except OSError:
        return 0
    return count


def cell_ran(matrix, cell):
    return any(run["cell"] == cell.label for run in matrix.data["runs"])


def mark_never_run(matrix, cells):
    """A cell the matrix was stopped before (Ctrl-C) says so."""
    for cell in cells:
        entry = matrix.cell(cell.label)
        if entry["status"] == "run" and not cell_ran(matrix, cell):
            matrix.not_run(cell.label, "interrupted (Ctrl-C)")


def report(settings, failures, stops):
    """The report of the task, by the host's CPython, on the terminal and in the folder."""
    module = "ev.reporting.fly_report" if settings.task == "fly" else "ev.reporting.report"
    print("=== report", flush=True)
    argv = [settings.host_python, "-m", module, settings.out]
    status, _ = children.run(argv, None, settings.checkout, os.devnull, stops)
    if status != 0:
        failures.append("the report (%s)" % module)


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
