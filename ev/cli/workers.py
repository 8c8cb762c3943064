"""ev.main's options for where the flights are computed (--workers, --executor,
--start-method) and the evaluation they choose (ev.evolution.executors)."""
import functools

import click

from ev.evolution import chunks
from ev.evolution.executors import (EXECUTORS, START_METHODS, EvaluationFailed,
                                    ExecutorUnavailable, MpiEvaluation, open_evaluation)

OPTIONS = (
    click.option("--workers", type=click.IntRange(min=1), default=None,
                 help="Evaluate each generation on N local worker processes (the GA stays "
                      "in this one; same seed, same lines, whatever N)."),
    click.option("--executor", type=click.Choice(EXECUTORS), default=None,
                 help="serial (in this process), processes (with --workers; the default "
                      "when --workers is given) or mpi (the ranks of `mpiexec -n K python "
                      "-m mpi4py.futures -m ev.main ...`) [default: serial]."),
    click.option("--start-method", type=click.Choice(START_METHODS), default="fork",
                 show_default=True,
                 help="How local workers start: fork (milliseconds) or spawn (fresh "
                      "interpreters)."),
)


def options(command):
    """Add the options to a click command."""
    return functools.reduce(lambda f, option: option(f), reversed(OPTIONS), command)


def chosen_executor(executor, workers, recorded):
    """The executor the options name; a usage error for combinations that cannot be meant.
    ``recorded``: --profile or --jit-log was given."""
    if executor is None:
        executor = "serial" if workers is None else "processes"
    if executor == "serial" and workers is not None:
        raise click.UsageError("--workers %d: the serial executor has no workers (leave out "
                               "--executor serial)" % workers)
    if executor == "processes" and workers is None:
        raise click.UsageError("--executor processes: say how many with --workers N")
    if executor == "mpi" and workers is not None:
        raise click.UsageError("--workers with --executor mpi: the workers are the MPI ranks "
                               "(mpiexec -n K gives K-1)")
    if executor != "serial" and recorded:
        raise click.UsageError("--profile/--jit-log record this process only, and with "
                               "--executor %s the flights run elsewhere: record a serial "
                               "run" % executor)
    if executor == "mpi":
        try:
            MpiEvaluation.check()
        except ExecutorUnavailable as error:
            raise click.ClickException(str(error))
    return executor


def evaluation(executor, workers, start_method, variant, controller, shape, serial_evaluate_all):
    """The evaluation (not started) for these options."""
    spec = chunks.Spec(variant, controller, tuple(shape))
    return open_evaluation(executor, workers, spec, serial_evaluate_all, start_method)


def describe(evaluation):
    """One line on where the workers are (stderr: the lines on stdout stay those of a serial
    run), or None for a serial run."""
    if not evaluation.workers:
        return None
    places = {}
    for pid, where in evaluation.workers:
        places.setdefault(where, []).append(str(pid))
    count = len(evaluation.workers)
    return "# %d worker%s: %s" % (count, "" if count == 1 else "s", "; ".join(
        "pids %s on %s" % (", ".join(pids), where) for where, pids in sorted(places.items())))


def run_with(evaluation, first, run):
    """Start the workers, then ``run(where)`` (where: describe's line) and stop the workers
    whatever happens; 1 with one line when they cannot start.  The workers start before the
    run's outputs do (the store's writer is a thread: none is forked)."""
    evaluation.first_generation = first
    try:
        evaluation.start()
    except EvaluationFailed as error:
        click.echo("error: %s" % error, err=True)
        return 1
    try:
        return run(describe(evaluation))
    finally:
        evaluation.close()
