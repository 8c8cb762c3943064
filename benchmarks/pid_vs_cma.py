"""python -m benchmarks.pid_vs_cma: ev's evolution against pycma's CMA-ES on the PID task.

Both search the same PID gains (ev.model.pid) for the same fitness (ev.model.fitness.evaluate, lower is
better) with the same number of evaluations: ev's GA with its population and generations, and
CMA-ES (pycma, the well-kept implementation) on the logarithms of the gains, started from the
same log-uniform range, with its default population, restarted from a new random point
whenever it stops until the budget is spent.  For each seed: the best fitness each
reached, whether that controller flies, and the evaluations each had spent when its best so far
first flew (what --until-flies waits for: ev.model.replay.flies_and_generalizes; the GA's best is
checked after each generation, CMA-ES's at each improvement).  Run it on PyPy: the
evaluations are ev's JIT-compiled flights, pycma's own arithmetic is numpy.
"""
import math
import sys
import time

import click

from ev.common.formats import rows_format
from ev.model.fitness import evaluate, evaluate_each
from ev.model.pid import INITIAL_RANGES, PID_SHAPE, pid_creature_class
from ev.model.replay import flies_and_generalizes
from ev.common.rng import Rng
from ev.evolution.universe import Universe
from specialized import creature_class_for

FAILED_FLIGHT = 1e12   # CMA-ES needs a number where ev ranks a failed flight last (inf)

# The --json document.  History: 1 - {"format", "version", "rows"}; before it had a name
# (6b10243) the bare list of rows.
PID_VS_CMA = rows_format("ev-pid-vs-cma")


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


def compare(seeds, population, generations, cma):
    rows = []
    for seed in seeds:
        ga = run_ga(seed, population, generations)
        cmaes = run_cma(cma, seed, ga[1])
        rows.append({"seed": seed, "evaluations": ga[1],
                     "ga_best": ga[0], "ga_seconds": ga[2],
                     "ga_flies": flies_and_generalizes(ga[3]),
                     "ga_evaluations_to_fly": ga[4].evaluations,
                     "ga_seconds_to_fly": ga[4].seconds,
                     "ga_gains": list(ga[3].gains),
                     "cma_best": cmaes[0], "cma_evaluations": cmaes[1],
                     "cma_seconds": cmaes[2], "cma_flies": flies_and_generalizes(cmaes[3]),
                     "cma_evaluations_to_fly": cmaes[4].evaluations,
                     "cma_seconds_to_fly": cmaes[4].seconds,
                     "cma_gains": list(cmaes[3].gains)})
    return rows


def render(rows):
    lines = ["%5s %9s %11s %7s %10s %11s %7s %10s %7s" % (
        "seed", "evals", "ev GA best", "GA s", "GA to fly", "CMA-ES best", "CMA s",
        "CMA to fly", "CMA/GA")]
    for r in rows:
        lines.append("%5d %9d %11.2f %7.2f %10s %11.2f %7.2f %10s %7.3f" % (
            r["seed"], r["evaluations"], r["ga_best"], r["ga_seconds"],
            never(r["ga_evaluations_to_fly"]), r["cma_best"], r["cma_seconds"],
            never(r["cma_evaluations_to_fly"]), r["cma_best"] / r["ga_best"]))
    ga = sorted(r["ga_best"] for r in rows)
    cmaes = sorted(r["cma_best"] for r in rows)
    lines.append("median best: ev GA %.2f, CMA-ES %.2f; flies: GA %d of %d, CMA-ES %d of %d" % (
        ga[len(ga) // 2], cmaes[len(cmaes) // 2], sum(r["ga_flies"] for r in rows), len(rows),
        sum(r["cma_flies"] for r in rows), len(rows)))
    lines.append("to fly: evaluations spent when the best so far first flew (training steps "
                 "and the validation grid, as --until-flies)")
    return "\n".join(lines)


def never(evaluations):
    return "never" if evaluations is None else str(evaluations)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--seeds", type=click.IntRange(1, 100), default=5, show_default=True)
@click.option("-n", "--population", type=click.IntRange(min=4), default=500,
              show_default=True)
@click.option("-g", "--generations", type=click.IntRange(min=1), default=100,
              show_default=True, help="The GA's generations; CMA-ES gets as many evaluations.")
@click.option("--json", "as_json", is_flag=True)
def main(seeds, population, generations, as_json):
    """ev's GA and pycma's CMA-ES on the PID gains, same fitness, same evaluation budget."""
    try:
        import cma
    except ImportError:
        click.echo("error: pycma is not installed in this venv (pip install cma; the project's "
                   "set-up installs it)", err=True)
        sys.exit(1)
    rows = compare(range(1, seeds + 1), population, generations, cma)
    click.echo(PID_VS_CMA.dumps({"rows": rows}, indent=1) if as_json else render(rows))


if __name__ == "__main__":
    main()
