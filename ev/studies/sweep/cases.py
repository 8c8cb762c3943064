"""The cases of the sweep study: the creatures whose run_step it times (1..K state variables,
numpy and unrolled), a worker's measurement of them (``python -m ev.studies.sweep --worker``,
one fresh process per interpreter and round, its answer in a file), and the rounds of workers
in rotating order (ev.runner.plan.rotated)."""
import time

import click

from ev.common import result_file
from ev.common.stats import median
from ev.model.creature_base import Shape
from ev.pythons.interpreters import ROOT
from ev.runner.plan import rotated
from ev.store.records import interpreter as current_interpreter

CHUNKS = 5     # timed chunks per measurement in a worker (its figure: the median chunk)


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
            "-m", "ev.studies.sweep", "--worker", "--max-state-vars", max_state_vars,
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
