"""The cases of the limits study: which contenders each interpreter runs (the matrix's cells,
ev.backends.cell_list, and where this list differs, why), the batches they evaluate, and one
round of one interpreter (a fresh ``timer`` process, its answer in a file)."""
import click

from ev.backends import cell_list
from ev.common import result_file
from ev.pythons.interpreters import ROOT
from ev.studies.limits.batches import full_thrust_batches, record_batches

BATCH = 250   # creatures a generation evaluates (population 500)
# Left out of the matrix's cells: pypy-numpy (every numpy call through cpyext) is by far the
# slowest per batch (docs/how-far-from-c.md).
LEFT_OUT = (("pypy", "numpy"),)
# Added to them: on PyPy, the C evaluation through cffi (the matrix's c cell is driven by
# CPython's GA) and the yardstick "lean" (ev.studies.limits.lean_flight: no way ev runs).
ADDED = {"pypy": ("lean",)}


def contenders(implementation):
    """The contenders an interpreter of ``implementation`` runs: C first, then the matrix's
    other variants of its cells from the fastest expected to the slowest, then the additions."""
    others = [v for v in reversed(cell_list.variants_of(implementation))
              if v != cell_list.LIMIT and (implementation, v) not in LEFT_OUT]
    return (cell_list.LIMIT,) + tuple(others) + ADDED.get(implementation, ())


def run_round(interpreter, label, path, round_number, variants, passes=1):
    """One round of one interpreter's contenders: a fresh ``timer`` process, whose
    answer is a file (ev.common.result_file)."""
    try:
        results = result_file.ask_interpreter(interpreter, [
            "-m", "ev.studies.limits.timer", interpreter.path(path), round_number,
            passes] + list(variants), ROOT).result
    except result_file.ChildFailed as error:
        raise click.ClickException("%s failed: %s" % (label, error))
    return dict(("%s-%s" % (label, name), result) for name, result in results.items())


def record_batches_of(population, generations, seed):
    click.echo("recording the batches (ev's own evaluation, %d generations) ..." % generations,
               err=True)
    return record_batches(population, generations, seed)


def full_thrust_like(population, generations):
    """About as many controllers at full thrust as a run evaluates (all of generation 0, then
    the children: half the population a generation), in batches of up to BATCH."""
    creatures = population * (generations + 1) // 2
    return full_thrust_batches(min(BATCH, creatures), max(1, creatures // BATCH))
