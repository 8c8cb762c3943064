"""python -m benchmarks.numpy_share: numpy's share of a numpy-cell generation, measured without
a profiler -- the second, independent method that ``ev.pythons.native_share`` (perf) is held
against.

    share = run_step calls per generation x (run_step whole - its Python glue) per call / s/gen

s/gen: the median of the timed generations after the first (seeded, plain run).  All times are
CPU time of this process (time.process_time), as perf's samples are: on a shared machine the
wall clock would count other processes' turns.  Calls: the
same seeded run again with run_step counted (same seed, same work, same count).  Per call:
timeit of the whole ``run_step`` and of its glue alone (the call and attribute reads,
benchmarks.call_cases.NumpyGlue), best of 5; the difference is what the numpy statements cost,
the interpreter's work to issue them included (perf counts that as the interpreter's: this
method is an upper bound on numpy's own code, perf's self share a lower one).  Prints one JSON
line.  Runs in the interpreter it measures (inside a root too: no pyperf needed)."""
import json
import statistics
import sys
import time
import timeit

import click

from benchmarks.call_cases import NUMPY_SETUP, NumpyGlue  # noqa: F401 (NUMPY_SETUP imports it)
from ev.common.rng import Rng
from ev.evolution.universe import Universe
from ev.model.creature import Creature
from ev.model.creature_base import DEFAULT_SHAPE
from ev.model.fitness import evaluate_each

WHOLE = "inputs[1] = self.run_step(inputs)[0]"
GLUE = "callee.run_step(inputs)"


def seconds_per_generation(population, generations, seed):
    """Median CPU s/gen after the first, and the CLOCK_MONOTONIC window of those generations
    (for perf: ev.pythons.native_share counts only the samples inside it)."""
    universe = Universe.random(Creature, population, evaluate_each, Rng(seed), DEFAULT_SHAPE)
    times = []
    for generation in range(generations):
        if generation == 1:
            window_start = time.clock_gettime(time.CLOCK_MONOTONIC)
        started = time.process_time()
        universe.run_generation()
        times.append(time.process_time() - started)
    window = (window_start, time.clock_gettime(time.CLOCK_MONOTONIC))
    return statistics.median(times[1:]), times, window


def calls_per_generation(population, generations, seed):
    """run_step calls in the same seeded generations (the timed ones: all but the first)."""
    counted = [0]
    plain = Creature.run_step

    def counting(self, inputs):
        counted[0] += 1
        return plain(self, inputs)

    Creature.run_step = counting
    try:
        universe = Universe.random(Creature, population, evaluate_each, Rng(seed), DEFAULT_SHAPE)
        per_generation = []
        for _ in range(generations):
            before = counted[0]
            universe.run_generation()
            per_generation.append(counted[0] - before)
    finally:
        Creature.run_step = plain
    return per_generation


def per_call(statement, setup, number=200000, repeat=5):
    return min(timeit.repeat(statement, setup, timer=time.process_time, number=number,
                             repeat=repeat)) / number


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-n", "--population", type=click.IntRange(min=4), default=200, show_default=True)
@click.option("-g", "--generations", type=click.IntRange(min=2), default=3, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--generations-only", is_flag=True,
              help="Only the seeded generations, and the EV-WINDOW line (what perf records).")
def main(population, generations, seed, generations_only):
    """numpy's share of a numpy-cell generation by timing (one JSON line)."""
    s_per_gen, times, window = seconds_per_generation(population, generations, seed)
    if generations_only:
        print("EV-WINDOW %.6f %.6f" % window)
        print(json.dumps({"python": sys.version.split()[0], "s_per_gen": round(s_per_gen, 4)}))
        return
    calls = calls_per_generation(population, generations, seed)
    whole = per_call(WHOLE, NUMPY_SETUP)
    glue = per_call(GLUE, NUMPY_SETUP + "; callee = NumpyGlue(self)")
    timed_calls = statistics.median(calls[1:])
    share = 100.0 * timed_calls * (whole - glue) / s_per_gen
    print(json.dumps({"python": sys.version.split()[0], "s_per_gen": round(s_per_gen, 4),
                      "generation_seconds": [round(t, 4) for t in times],
                      "run_step_calls_per_gen": timed_calls,
                      "run_step_whole_us": round(whole * 1e6, 3),
                      "run_step_glue_us": round(glue * 1e6, 3),
                      "numpy_statements_share_pct": round(share, 1),
                      "run_step_share_pct": round(100.0 * timed_calls * whole / s_per_gen, 1)}))


if __name__ == "__main__":
    main()
