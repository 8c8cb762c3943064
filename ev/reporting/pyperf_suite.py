"""A results folder as a pyperf benchmark suite (``ev report DIR --pyperf FILE``).

pyperf is the tool CPython's developers compare timings with; writing its JSON lets a reader
check ev's reading with it rather than take ev's word: ``python -m pyperf compare_to
run1.json run2.json`` (two runs of the matrix: significant or not, by pyperf's own test),
``python -m pyperf stats run1.json`` (mean, standard deviation, percentiles).

The mapping, one cell at a time (rows of ev.reporting.rows):
- a cell is a pyperf *benchmark* named after the cell;
- a round is a pyperf *run*: a fresh process with ``ev matrix --fresh`` (as pyperf's worker
  processes are); by default a slice of the cell's warm process, the first slice carrying
  the warm-up, so that all of a cell's runs come from one process;
- a run's one *value* is the round's figure, the median seconds of its steady-state
  generations; its *warmups* are the generations before (generation 0 included);
- loops = 1: a value is seconds per generation, unit "second".
One value per round, not one per generation: the generations of one process are not
independent samples (they share its memory layout, its JIT's code, the machine's minute), and
pyperf's significance test counts every value as one; with a value per round it tests over the
rounds, as ev's repeat range does, and two runs of the same rounds have samples of one size,
which that test requires.
Metadata say where it was measured (the interpreter the cell ran on, not the one writing the
file): python_implementation, python_version, cpu_model_name, cpu_count, plus ev's
``ev_cell``, ``ev_variant``, ``ev_population`` and ``ev_seed``.
"""
from ev.reporting import machine_state

# What a bare ImportError means here: pyperf is one of the set-up's optional packages.
MISSING = ("pyperf is not installed in this Python: ./run_all.sh installs it in .venv/cpython "
           "(or: pip install pyperf)")


class PyperfMissing(RuntimeError):
    pass


def suite(folder, rows):
    """A pyperf.BenchmarkSuite of the rows' rounds (see the module's mapping); rows without a
    steady generation are left out.  Raises PyperfMissing when pyperf cannot be imported."""
    try:
        import pyperf
    except ImportError:
        raise PyperfMissing(MISSING)
    facts = machine_state.facts(folder) or {}
    before = facts.get("before") or {}
    benchmarks = []
    for row in rows:
        runs = [pyperf.Run(values, warmups=[(1, s) for s in warmups],
                           metadata=metadata(row, before), collect_metadata=False)
                for warmups, values in rounds_of(row) if values]
        if runs:
            benchmarks.append(pyperf.Benchmark(runs))
    return pyperf.BenchmarkSuite(benchmarks) if benchmarks else None


def rounds_of(row):
    """[(warm-up seconds, [the round's steady median])] per round of a row, in round order."""
    found = []
    for one in row.by_round:
        seconds, count = one.seconds or [], one.steady_count or 0
        figure = one.median_seconds
        if count and figure and figure > 0:   # steady: the last ``count`` (ev.reporting.rows)
            found.append((seconds[:-count], [figure]))
    return found


def metadata(row, before):
    found = {"name": row.cell, "unit": "second", "loops": 1,
             "python_implementation": str(row.implementation).lower(),
             "python_version": str(row.interpreter_version),
             "ev_cell": row.cell, "ev_variant": row.variant,
             "ev_population": row.population, "ev_seed": row.seed}
    if before.get("cpu_model"):
        found["cpu_model_name"] = before["cpu_model"]
    if before.get("cores"):
        found["cpu_count"] = before["cores"]
    return found
