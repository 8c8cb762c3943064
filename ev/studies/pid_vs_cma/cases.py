"""The cases of the pid_vs_cma study: ev's GA and pycma's CMA-ES searching the PID gains with
the same fitness and budget, and when the best of each first flew."""
import math
import time

from ev.common.rng import Rng
from ev.evolution.universe import Universe
from ev.model.fitness import evaluate, evaluate_each
from ev.model.pid import INITIAL_RANGES, PID_SHAPE, pid_creature_class
from ev.model.replay import flies_and_generalizes
from specialized import creature_class_for

FAILED_FLIGHT = 1e12   # CMA-ES needs a number where ev ranks a failed flight last (inf)


def pid_class():
    return pid_creature_class(creature_class_for(PID_SHAPE))


class FirstFlight(object):
    """The evaluations spent when the best so far first flew, and the seconds that took
    (the checks themselves excluded)."""

    def __init__(self):
        self.evaluations = self.seconds = None
        self.checking = 0.0

    def check(self, creature, evaluations, began):
        if self.evaluations is not None:
            return
        started = time.perf_counter()
        if flies_and_generalizes(creature):
            self.evaluations, self.seconds = evaluations, started - began - self.checking
        self.checking += time.perf_counter() - started


def run_ga(seed, population, generations):
    """(best fitness, evaluations, seconds, best creature, FirstFlight) of ev's evolution."""
    universe = Universe.random(pid_class(), population, evaluate_each, Rng(seed), PID_SHAPE)
    first = FirstFlight()
    evaluations, start = 0, time.perf_counter()
    for _ in range(generations):
        evaluations += universe.run_generation().stats.evaluated
        first.check(universe.best, evaluations, start)
    seconds = time.perf_counter() - start - first.checking
    return universe.best.fitness, evaluations, seconds, universe.best, first


def run_cma(cma, seed, budget):
    """(best fitness, evaluations, seconds, best creature, FirstFlight) of CMA-ES on the
    log-gains, restarted from a new random point whenever it stops, until the budget is spent
    (so both contenders use all their evaluations)."""
    cls = pid_class()
    rng = Rng(seed)
    low = [math.log(lo) for _, lo, _ in INITIAL_RANGES]
    high = [math.log(hi) for _, _, hi in INITIAL_RANGES]
    sigma = max(b - a for a, b in zip(low, high)) / 4.0
    best, best_x, evaluations, restart = math.inf, None, 0, 0
    first = FirstFlight()
    began = time.perf_counter()
    while evaluations < budget:
        start_point = [rng.uniform(a, b) for a, b in zip(low, high)]
        strategy = cma.CMAEvolutionStrategy(start_point, sigma, {
            "seed": seed * 1000 + restart + 1, "maxfevals": budget - evaluations,
            "verbose": -9})
        restart += 1
        while evaluations < budget and not strategy.stop():
            candidates = strategy.ask()
            scores = []
            for x in candidates:
                creature = cls([math.exp(v) for v in x])
                fitness = evaluate(creature)
                scores.append(fitness if math.isfinite(fitness) else FAILED_FLIGHT)
                evaluations += 1
                if fitness < best:
                    best, best_x = fitness, list(x)
                    first.check(creature, evaluations, began)
            strategy.tell(candidates, scores)
    creature = cls([math.exp(v) for v in best_x])
    creature.fitness = best
    return best, evaluations, time.perf_counter() - began - first.checking, creature, first
