"""The cases of the numpy_share study: a seeded run's CPU seconds per generation, its run_step
calls per generation, and one run_step call timed whole and as its glue alone (the calls
study's statements, ev.studies.calls.cases)."""
import statistics
import time
import timeit

from ev.common.rng import Rng
from ev.evolution.universe import Universe
from ev.model.creature import Creature
from ev.model.creature_base import DEFAULT_SHAPE
from ev.model.fitness import evaluate_each


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
