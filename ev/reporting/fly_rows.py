"""The fly report's model (``./run_all.sh --task fly``): one row per cell, as the matrix
report's (ev.reporting.rows), its figure the seconds of evolution until the first flying
controller rather than seconds per generation.

Every cell ran ``ev.cli.evolve --controller pid --until-flies``: each generation record says
whether its best creature flies.  Per round (``FirstFlight``): the generations, evaluations
and seconds until the first flying controller, or that none flew within the generations run.
Per cell (``FlyRow``): round 1's generations and fitness, the seconds to fly as the median
over rounds with its repeat range.  The processors fill in the rest: ev.reporting.ratios
(``x_fastest``, within rounds) and ev.reporting.same_work (``same_work``).
"""
import dataclasses
from typing import Any, Optional, Tuple

from ev.common.stats import Interval
from ev.reporting.load import group_cells
from ev.reporting.rows import counted, flat
from ev.reporting.same_work import close


@dataclasses.dataclass(frozen=True)
class FirstFlight(object):
    """One cell-round: where its first flying controller appeared (``generations``: the
    generations run until it, that one included), or, when ``flies`` is False, all it ran."""
    round: int
    checked: bool          # every generation record says whether it flies
    flies: bool
    generations: int
    evaluations: int
    seconds: float
    first_generation_seconds: Optional[float]
    best_fitness: Optional[float]
    warmup = False         # a fly run's rounds are fresh processes, none a warm-up


def first_flight(run):
    """The FirstFlight of a Run (ev.reporting.load)."""
    gens = run.generations
    flown = next((i for i, g in enumerate(gens) if g.flies), None)
    until = gens[:flown + 1] if flown is not None else gens
    return FirstFlight(
        round=run.round,
        checked=all(g.flies is not None for g in gens) and bool(gens),
        flies=flown is not None,
        generations=len(until),
        evaluations=sum(g.evaluated for g in until),
        seconds=sum(g.seconds for g in until),
        first_generation_seconds=gens[0].seconds if gens else None,
        best_fitness=until[-1].min if until else None)


@dataclasses.dataclass(frozen=True)
class FlyRow(object):
    """A cell's row of a fly run: its fields, in order, are the keys of ``ev fly-report
    --json``'s rows (``by_round`` written as ``seconds_by_round``, ``x_fastest`` as three
    keys)."""
    cell: str
    interpreter: str
    variant: str
    population: int
    seed: Any
    budget: Optional[int]          # the generations each round could run
    checked: bool
    flies: bool
    generations: int
    evaluations: int
    seconds: float                 # the median over rounds
    first_generation_seconds: Optional[float]
    best_fitness: Optional[float]
    rounds: int
    seconds_low: Optional[float]
    seconds_high: Optional[float]
    spread: Optional[float]
    by_round: Tuple[FirstFlight, ...]
    rounds_agree: bool             # every round flew at round 1's generation, fitness
    # Added by the processors (ev.reporting.ratios, ev.reporting.same_work):
    x_fastest: Optional[Interval] = None
    same_work: Optional[bool] = None

    def to_json(self):
        found = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name == "by_round":
                found["seconds_by_round"] = dict((r.round, r.seconds) for r in value)
            elif field.name == "x_fastest":
                found.update(flat(field.name, value))
            else:
                found[field.name] = value
        return found

    def in_rounds(self, figure):
        """{round: figure} of a FirstFlight attribute (ev.reporting.ratios)."""
        return counted(self.by_round, figure)

    def generation_bounds(self, key):
        """None: seconds to fly is a sum over generations, not a figure they repeat."""
        return None


def fly_row(name, runs):
    """A cell's FlyRow over its rounds (Runs of ev.reporting.load, by round)."""
    rounds = tuple(first_flight(r) for r in runs)
    first, record = rounds[0], runs[0].record
    seconds = Interval([r.seconds for r in rounds])
    return FlyRow(
        cell=name, interpreter="%s %s" % (record.implementation, record.version),
        variant=record.variant, population=record.population, seed=record.seed,
        budget=record.generations, checked=first.checked, flies=first.flies,
        generations=first.generations, evaluations=first.evaluations, seconds=seconds.median,
        first_generation_seconds=first.first_generation_seconds,
        best_fitness=first.best_fitness, rounds=len(rounds), seconds_low=seconds.low,
        seconds_high=seconds.high, spread=seconds.spread if len(rounds) > 1 else None,
        by_round=rounds,
        rounds_agree=all(r.generations == first.generations
                         and close(r.best_fitness, first.best_fitness) for r in rounds))


def fly_rows_of(runs):
    """Every cell's FlyRow, in the order the runs list them."""
    return [fly_row(name, cell) for name, cell in group_cells(runs).items()]
