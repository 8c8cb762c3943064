"""python -m benchmarks.sweep: where unrolling stops paying, per interpreter.

Measures the cost of one run_step call, numpy creature against generated unrolled code, for
controllers with 2 inputs, 1 output and 1..K state variables (matrices up to (K+1) x (K+2)),
on each interpreter asked for, and reports the crossover: the smallest matrix from which numpy
is measurably faster at every larger size measured.

A measurement with its spread, as ``ev matrix`` takes one: ``--rounds R``, each round a fresh
worker process per interpreter, the interpreters in an order rotated each round, so that a
noisy minute of the machine falls on every interpreter rather than on one.  A worker times each
call in chunks after a warm-up and gives the median chunk; the figure is the median over rounds
with its repeat range (benchmarks.sweep_report, ev.common.stats.Interval).
"""
import os
import time

import click

from benchmarks import sweep_report
from benchmarks.choose import chosen_interpreters, rounds_and_interpreters
from ev.runner.plan import rotated
from ev.common import atomic
from ev.common.stats import REPEAT_RULE, median
from ev.model.creature_base import Shape
from ev.pythons.interpreters import ROOT
from ev.common import result_file
from ev.store.records import interpreter as current_interpreter, machine

CHUNKS = 5     # timed chunks per measurement in a worker (its figure: the median chunk)
# What other code imports from here (the report's part lives in benchmarks.sweep_report).
crossovers, table, plot = sweep_report.crossovers, sweep_report.table, sweep_report.plot


def stable_creature(creature_class, shape, rng):
    """Coefficients scaled by 1/cols: the state stays bounded however long it runs."""
    scale = 1.0 / shape.cols
    matrix = [rng.uniform(-1.0, 1.0) * scale for _ in range(shape.rows * shape.cols)]
    constant = [rng.uniform(-1.0, 1.0) * scale for _ in range(shape.rows)]
    return creature_class(matrix, constant, shape)


def ns_per_call(creature, budget):
    """Nanoseconds per run_step call: the median over CHUNKS timed chunks, after a warm-up of
    a quarter of ``budget`` seconds (at least 2,000 calls, which also lets PyPy's JIT compile
    the loop); the chunks take about the other three quarters."""
    run_step = creature.run_step
    inputs = [3.0, 5.0]
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < budget / 4 or calls < 2000:
        run_step(inputs)
        calls += 1
    per_chunk = max(100, int(calls * 3 / CHUNKS))  # ~3/4 of the budget over all chunks
    timings = []
    for _ in range(CHUNKS):
        start = time.perf_counter()
        for _ in range(per_chunk):
            run_step(inputs)
        timings.append((time.perf_counter() - start) / per_chunk * 1e9)
    return median(timings)


def numpy_version():
    import numpy
    return numpy.__version__


def measure(max_state_vars, budget):
    """Records for this interpreter (a worker's job, one round): per state-variable count
    1..max_state_vars and variant, ns_per_call and the shape."""
    from ev.model.creature import Creature
    from ev.common.rng import Rng
    from specialized.generator import creature_class_for
    rng = Rng(1)   # every round and interpreter times the same coefficients
    interpreter = current_interpreter()
    for state_vars in range(1, max_state_vars + 1):
        shape = Shape(2, 1, state_vars)
        for variant, cls in (("numpy", Creature), ("unrolled", creature_class_for(shape))):
            yield {"implementation": interpreter["implementation"],
                   "version": interpreter["version"], "numpy": numpy_version(),
                   "variant": variant, "state_vars": state_vars, "rows": shape.rows,
                   "cols": shape.cols, "size": shape.rows * shape.cols,
                   "ns_per_call": ns_per_call(stable_creature(cls, shape, rng), budget)}


def run_worker(interpreter, label, max_state_vars, budget):
    """One round on one interpreter: a fresh process running ``--worker``; its records (its
    answer, ev.common.result_file)."""
    try:
        found = result_file.ask_interpreter(interpreter, [
            "-m", "benchmarks.sweep", "--worker", "--max-state-vars", max_state_vars,
            "--budget", budget], ROOT).result
    except result_file.ChildFailed as error:
        raise click.ClickException("%s failed: %s" % (label, error))
    if not isinstance(found, list) or not found:
        raise click.ClickException("%s measured nothing (is it a Python with this project "
                                   "installed?)" % label)
    return found


def run_rounds(chosen, rounds, max_state_vars, budget, worker=run_worker, say=click.echo):
    """(records per round, the labels' order per round): round k runs ``chosen``
    ((label, implementation, Interpreter) each) rotated by k - 1 (ev.runner.plan.rotated), one
    ``worker(interpreter, label, max_state_vars, budget)`` call each; every record gets its
    "interpreter" label and "round"."""
    by_round, order = [], []
    for round_number in range(1, rounds + 1):
        found, ran = [], []
        for label, _, interpreter in rotated(list(chosen), round_number):
            say("round %d of %d: %s ..." % (round_number, rounds, label))
            for record in worker(interpreter, label, max_state_vars, budget):
                record.update(interpreter=label, round=round_number)
                found.append(record)
            ran.append(label)
        by_round.append(found)
        order.append(ran)
    return by_round, order


def make_folder(out):
    out = out or os.path.join("results", "sweep-" + time.strftime("%Y%m%d-%H%M%S"))
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as error:
        raise click.ClickException("cannot create %s: %s" % (out, error.strerror or error))
    return out


def report(records, out, head=None):
    """Write sweep.jsonl (unless ``head`` is None: a file read back) and sweep.png into
    ``out``; print the table and the crossovers."""
    try:
        if head is not None:
            atomic.write_text(os.path.join(out, "sweep.jsonl"),
                              sweep_report.dumps(head, records))
        sweep_report.plot(records, os.path.join(out, "sweep.png"))
    except OSError as error:
        raise click.ClickException(atomic.describe(error))
    rounds = max(r.get("rounds", 1) for r in records)
    click.echo("ns per run_step call: median of %d round%s%s" % (
        rounds, "" if rounds == 1 else "s", " (its 99% repeat range)" if rounds > 1 else ""))
    click.echo(sweep_report.table(records))
    for line in sweep_report.conclusions(records):
        click.echo(line)
    click.echo("records and plot in %s" % out)


def report_file(path, out):
    """Print and plot a sweep.jsonl measured earlier (either format)."""
    try:
        _, records = sweep_report.read(path)
    except OSError as error:
        raise click.ClickException("cannot read %s: %s" % (path, error.strerror or error))
    except sweep_report.BadSweepFile as error:
        raise click.ClickException(str(error))
    report(records, make_folder(out or os.path.dirname(os.path.abspath(path))))


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--max-state-vars", type=click.IntRange(1, 62), default=32, show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for sweep.jsonl and sweep.png [default: results/sweep-<time>].")
@click.option("--budget", type=click.FloatRange(min=0.0), default=0.1, show_default=True,
              help="Seconds per measurement (per shape, variant, interpreter and round).")
@rounds_and_interpreters(rounds=5)
@click.option("--report", "earlier", type=click.Path(dir_okay=False), default=None,
              help="Print and plot a sweep.jsonl measured earlier (any format) instead of "
                   "measuring; the plot goes to --out or beside the file.")
@click.option("--worker", is_flag=True, hidden=True)
def main(max_state_vars, out, budget, rounds, pythons, interpreters, earlier, worker):
    """Measure run_step per call, numpy vs unrolled, across controller sizes."""
    if worker:
        result_file.answer(list(measure(max_state_vars, budget)))
        return
    if earlier:
        report_file(earlier, out)
        return
    chosen = chosen_interpreters(pythons, interpreters)
    out = make_folder(out)
    by_round, order = run_rounds(chosen, rounds, max_state_vars, budget)
    head = sweep_report.header(rounds, budget, max_state_vars, CHUNKS, order, REPEAT_RULE,
                               machine(), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    report(sweep_report.combine(by_round), out, head)


if __name__ == "__main__":
    main()
