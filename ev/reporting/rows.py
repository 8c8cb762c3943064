"""A report's model: one row per cell, its figures per round and over rounds.

The rows are values (frozen dataclasses): ``rows_of`` makes them from a results folder
(ev.reporting.load), the processors (ev.reporting.ratios, ev.reporting.same_work) return new
rows with their figures filled in (``dataclasses.replace``), and the renderers read their
attributes; ``to_json`` is the row as ``ev report --json`` writes it (ev.reporting.report).

A warm process's first slice (its warm-up, ``warmup`` in matrix.json) keeps its warm-up
figures but counts in no figure over rounds: the later slices repeat its steady state, it does
not.  Per round: the steady-state generations (ev.common.stats.steady_start), their median seconds
and evaluation seconds, and the warm-up (seconds until steady).  Per cell: the median over
rounds of each round's steady median, with its interval (the repeat range of
ev.common.stats.REPEAT_RULE; with a single round, the lowest-highest of that round's steady
generations, which is said in ``spread_over`` and ``interval``).  Ratios
between cells are added afterwards by ev.reporting.ratios, within rounds.
"""
import dataclasses
from typing import Any, Dict, Mapping, Optional, Tuple

from ev.common.stats import Interval, mean, median, steady_start
from ev.reporting.load import group_cells
from ev.store.records import thawed


def interpreters(folder):
    """{label: {"label", "implementation", "version", "jit"}}: from matrix.json, or, for an
    older folder, from the run records (label: the implementation, e.g. "pypy")."""
    known = {}
    for entry in folder.listed("interpreters"):
        if isinstance(entry.get("label"), str):
            known[entry["label"]] = {
                "label": entry["label"],
                "implementation": str(entry.get("implementation") or "?"),
                "version": str(entry.get("version") or entry.get("python_version") or "?"),
                "jit": entry.get("jit")}
    return known


def cell_entry(folder, name):
    """matrix.json's entry of the cell, or {} (an older folder)."""
    return next((e for e in folder.listed("cells") if e.get("cell") == name), {})


def cell_interpreter(name, runs, folder, known):
    """The interpreter a cell ran on, as a dict like interpreters()'s."""
    label = cell_entry(folder, name).get("interpreter")
    if isinstance(label, str) and label in known:
        return known[label]
    run = runs[0].record
    return {"label": run.implementation,
            "implementation": implementation_name(run.implementation),
            "version": run.pypy_version or run.version, "jit": None}


def implementation_name(implementation):
    return {"cpython": "CPython", "pypy": "PyPy"}.get(implementation, implementation)


@dataclasses.dataclass(frozen=True)
class RoundFigures(object):
    """One cell-round's figures: its steady state, their medians and means (the figure a
    ratio within the round is of: ev.reporting.ratios.IN_ROUND), its warm-up.  ``warmup``:
    True only for a warm process's first slice.  ``evaluation`` is empty for records written
    before they timed the evaluation."""
    round: int
    position: Optional[int]
    file: str
    exit: Optional[int]
    steady_first: Optional[int]
    steady_generations: Tuple[int, ...]
    steady_count: int
    median_seconds: Optional[float]
    median_evaluation_seconds: Optional[float]
    mean_seconds: Optional[float]
    mean_evaluation_seconds: Optional[float]
    warmup_seconds: Optional[float]
    first_seconds: Optional[float]
    seconds: Tuple[float, ...]
    evaluation: Tuple[float, ...]
    steady_seconds: Tuple[float, ...]
    steady_evaluation: Tuple[float, ...]
    best_by_generation: Mapping[int, float]
    warmup: bool = False

    # by_round's keys in the JSON (the rest is in the row already, or too long for it)
    JSON = ("round", "position", "file", "exit", "steady_first", "steady_count",
            "median_seconds", "median_evaluation_seconds", "mean_seconds",
            "mean_evaluation_seconds", "warmup_seconds", "first_seconds", "seconds")

    def to_json(self):
        found = dict((key, getattr(self, key)) for key in self.JSON)
        if self.warmup:
            found["warmup"] = True
        return found


def round_figures(run):
    """One cell-round's figures (an ev.reporting.load.Run)."""
    gens = run.generations
    seconds = tuple(g.seconds for g in gens)
    evaluation = tuple(g.evaluation_seconds for g in gens)
    evaluation = evaluation if None not in evaluation else ()   # older records lack it
    start = steady_index(run, gens, seconds)
    return RoundFigures(
        round=run.round, position=run.position, file=run.file, exit=run.exit,
        steady_first=gens[start].generation if gens else None,
        steady_generations=tuple(g.generation for g in gens[start:]),
        steady_count=len(gens) - start,
        median_seconds=median(seconds[start:]),
        median_evaluation_seconds=median(evaluation[start:]) if evaluation else None,
        mean_seconds=mean(seconds[start:]),
        mean_evaluation_seconds=mean(evaluation[start:]) if evaluation else None,
        warmup_seconds=sum(seconds[:start]) if start else None,
        first_seconds=seconds[0] if seconds and not run.warm else None,
        seconds=seconds, evaluation=evaluation,
        steady_seconds=seconds[start:], steady_evaluation=evaluation[start:],
        best_by_generation=dict((g.generation, g.min) for g in gens),
        warmup=run.warmup)


def steady_index(run, gens, seconds):
    """Where the round's steady state starts: where its end record says (the run's own
    reading of ev.common.stats.steady_start; a warm slice's counts the whole process), else,
    for records written before end records, by the same rule on the round's seconds."""
    first = run.end.steady_first if run.end else None
    numbers = [g.generation for g in gens]
    if isinstance(first, int) and first in numbers:
        return numbers.index(first)
    return steady_start(list(seconds))


def private():
    """A field the processors read and the JSON leaves out."""
    return dataclasses.field(metadata={"json": False})


@dataclasses.dataclass(frozen=True)
class Row(object):
    """A cell's row over its rounds: its fields, in order, are the keys of ``ev report
    --json``'s rows (ev.reporting.report's format history), but for the private ones; the
    ratios (Intervals, None where not taken) are written as three keys each."""
    cell: str
    interpreter: str
    interpreter_label: str
    implementation: str
    interpreter_version: str
    jit: Optional[bool]
    variant: str
    population: int
    seed: Any
    rounds: int
    generations: int
    generations_planned: Optional[int]
    budget_seconds: Optional[float]
    shape: Optional[Dict[str, int]]
    controller: str
    steady_generations: Tuple[Tuple[int, ...], ...]
    single_generation_median: bool
    first_counted: bool
    first_seconds: Optional[float]
    warmup_seconds: Optional[float]
    median_seconds: Optional[float]
    median_seconds_low: Optional[float]
    median_seconds_high: Optional[float]
    spread: Optional[float]
    spread_over: Optional[str]
    interval: Optional[str]
    noisy: Optional[bool]
    min_seconds: Optional[float]
    max_seconds: Optional[float]
    median_evaluation_seconds: Optional[float]
    median_evaluation_seconds_low: Optional[float]
    median_evaluation_seconds_high: Optional[float]
    ga_share: Optional[float]
    ga_share_halves: Optional[Tuple[Tuple[int, float], ...]]
    final_best_fitness: Optional[float]
    best_by_generation: Mapping[int, float] = private()
    seconds_by_generation: Tuple[float, ...]
    by_round: Tuple[RoundFigures, ...]
    rounds_best: Tuple[Mapping[int, float], ...] = private()   # each timed round's
    # Added by the processors (ev.reporting.ratios, ev.reporting.same_work):
    speedup: Optional[Interval] = None           # the baseline's s/gen over the cell's
    x_c_generation: Optional[Interval] = None    # the cell's s/gen over the c cell's
    x_c_evaluation: Optional[Interval] = None    # the same of the evaluation alone
    same_work: Optional[bool] = None

    RATIOS = ("speedup", "x_c_generation", "x_c_evaluation")
    OLDER_NAMES = (("vs_c", "x_c_generation"), ("evaluation_vs_c", "x_c_evaluation"))

    def to_json(self):
        """The row as ``ev report --json`` writes it (without the machine facts)."""
        found = {}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.metadata.get("json") is False or field.name == "same_work":
                continue
            if field.name in self.RATIOS:
                found.update(flat(field.name, value))
            elif field.name == "by_round":
                found["by_round"] = [one.to_json() for one in value]
            else:
                found[field.name] = value
        for older, name in self.OLDER_NAMES:
            found[older] = found[name]
        found["same_work"] = self.same_work
        return found

    def in_rounds(self, figure):
        """{round: its ``figure`` (a RoundFigures attribute)} over the rounds a figure over
        rounds counts (not a warm process's warm-up slice, when the row has others)."""
        return counted(self.by_round, figure)

    def generation_bounds(self, key):
        """(low, high) of the row's ``key`` figure (median_seconds, ...) over rounds, or with
        one round over its steady generations (what a ratio of one round is bounded by)."""
        return getattr(self, key + "_low"), getattr(self, key + "_high")


def flat(name, found):
    """An Interval as the JSON's three keys: NAME, NAME_low, NAME_high."""
    found = found if found else None
    return {name: found.median if found else None,
            name + "_low": found.low if found else None,
            name + "_high": found.high if found else None}


def counted(by_round, figure):
    """{round: figure} of the rounds whose ``figure`` is there, a warm process's warm-up
    slice left out when there are others."""
    found = [r for r in by_round if getattr(r, figure)]
    later = [r for r in found if not r.warmup]
    return dict((r.round, getattr(r, figure)) for r in (later or found))


def planned(entry, run):
    """(generations planned, seconds of budget): matrix.json's cell entry says them (with a
    time budget, the generations its first round ran, which every later round repeats; the
    run record then holds only the cap); else the run record (a RunRecord)."""
    generations = entry.get("generations")
    budget = entry.get("budget_seconds")
    if not isinstance(generations, int) or isinstance(generations, bool) or generations < 1:
        generations = run.generations
    return generations, budget if isinstance(budget, (int, float)) else None


def cell_row(name, runs, interpreter, entry=None):
    """The Row of one cell over its rounds (ev.reporting.load.Run); ``entry``: its
    matrix.json entry."""
    first = runs[0].record
    generations_planned, budget = planned(entry or {}, first)
    rounds = [round_figures(r) for r in runs]
    timed = [r for r in rounds if r.median_seconds is not None]
    counted_rounds = [r for r in timed if not r.warmup] or timed
    steady = [s for r in counted_rounds for s in r.steady_seconds]
    seconds = interval(counted_rounds, "median_seconds", steady)
    evaluation = interval(counted_rounds, "median_evaluation_seconds",
                          [e for r in counted_rounds for e in r.steady_evaluation])
    best = best_by_generation(timed + rounds)
    return Row(
        cell=name,
        interpreter="%s %s" % (first.implementation, first.version),
        interpreter_label=interpreter["label"],
        implementation=interpreter["implementation"],
        interpreter_version=interpreter["version"],
        jit=interpreter["jit"],
        variant=first.variant,
        population=first.population,
        seed=first.seed,
        rounds=len(rounds),
        # a warm cell's warm-up slice runs for its time budget, not the later slices' length
        generations=min(len(r.seconds) for r in (
            [r for r in rounds if not r.warmup] or rounds)),
        generations_planned=generations_planned,
        budget_seconds=budget,
        shape=thawed(first.shape),
        controller=first.controller,
        steady_generations=tuple(r.steady_generations for r in rounds),
        single_generation_median=any(len(r.steady_generations) == 1 for r in timed),
        first_counted=any(r.steady_first == 0 for r in timed),
        first_seconds=median(r.first_seconds for r in timed if r.first_seconds is not None),
        warmup_seconds=median(r.warmup_seconds for r in timed
                              if r.warmup_seconds is not None),
        median_seconds=seconds.median,
        median_seconds_low=seconds.low,
        median_seconds_high=seconds.high,
        spread=seconds.spread,
        spread_over=seconds.over if seconds else None,
        interval=seconds.kind if seconds else None,
        noisy=seconds.noisy,
        min_seconds=min(steady) if steady else None,
        max_seconds=max(steady) if steady else None,
        median_evaluation_seconds=evaluation.median,
        median_evaluation_seconds_low=evaluation.low,
        median_evaluation_seconds_high=evaluation.high,
        ga_share=median(share for share in (ga_share(r) for r in timed) if share is not None),
        ga_share_halves=ga_share_halves(timed[0]) if timed else None,
        final_best_fitness=last_best(timed and best),
        best_by_generation=best,
        seconds_by_generation=(timed or rounds)[0].seconds,
        by_round=tuple(rounds),
        rounds_best=tuple(r.best_by_generation for r in timed))


def best_by_generation(rounds):
    """{generation: best fitness} over the cell's rounds: a warm cell's slices each add their
    generations; fresh rounds repeat the same ones, the first timed round's kept (the others
    are compared with it by the same-work check)."""
    best = {}
    for one in rounds:
        for generation, value in one.best_by_generation.items():
            best.setdefault(generation, value)
    return best


def last_best(best):
    """The best fitness at the last generation the cell reached, or None."""
    return best[max(best)] if best else None


def interval(rounds, key, steady_values):
    """The Interval over rounds of a per-round median (its repeat range); with one round,
    the lowest-highest over that round's steady generations (a run's own
    generation-to-generation noise)."""
    if len(rounds) > 1:
        return Interval([getattr(r, key) for r in rounds], over="rounds")
    found = Interval(steady_values, over="generations")
    middle = getattr(rounds[0], key) if rounds else None
    return Interval.of(middle, found.low, found.high, "generations", found.count) \
        if middle is not None \
        else Interval([], "generations")


def ga_share(figures):
    """The median, over the steady generations, of the fraction of a generation spent
    outside the evaluation (selection, mutation, new creatures: the GA's own work)."""
    if not figures.evaluation:
        return None
    return share_outside_evaluation(zip(figures.steady_seconds, figures.steady_evaluation))


def ga_share_halves(figures):
    """The GA share over the first and the second half of the generations after the first
    (round 1), as ``[first generation, share]`` pairs: on PyPy the GA's code warms up over
    tens of generations, and a short run's one median hides which way it goes.  None when
    there are fewer than four generations after the first."""
    if not figures.evaluation:
        return None
    steady = list(zip(figures.seconds, figures.evaluation))[1:]
    if len(steady) < 4:
        return None
    middle = len(steady) // 2
    early = share_outside_evaluation(steady[:middle])
    late = share_outside_evaluation(steady[middle:])
    return None if early is None or late is None else ((1, early), (1 + middle, late))


def share_outside_evaluation(pairs):
    """The median of (seconds - evaluation seconds) / seconds over (seconds, evaluation) pairs."""
    return median((total - spent) / total for total, spent in pairs if total > 0)


def rows_of(folder):
    """Every cell's Row, in the order the folder lists them."""
    known = interpreters(folder)
    return [cell_row(name, runs, cell_interpreter(name, runs, folder, known),
                     cell_entry(folder, name))
            for name, runs in group_cells(folder.runs).items()]
