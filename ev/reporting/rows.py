"""A report's model: one row per cell, its figures per round and over rounds.

A warm process's first slice (its warm-up, ``warmup`` in matrix.json) keeps its warm-up
figures but counts in no figure over rounds: the later slices repeat its steady state, it does
not.  Per round: the steady-state generations (ev.common.stats.steady_start), their median seconds
and evaluation seconds, and the warm-up (seconds until steady).  Per cell: the median over
rounds of each round's steady median, with its interval (the repeat range of
ev.common.stats.REPEAT_RULE; with a single round, the lowest-highest of that round's steady
generations, which is said in ``spread_over`` and ``interval``).  Ratios
between cells are added afterwards by ev.reporting.ratios, within rounds.
"""
from ev.common.stats import Interval, mean, median, steady_start
from ev.reporting.load import LIMIT, group_cells


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
    run = runs[0]["run"]
    implementation = run["implementation"]
    return {"label": implementation, "implementation": implementation_name(implementation),
            "version": run.get("pypy_version") or run["version"], "jit": None}


def implementation_name(implementation):
    return {"cpython": "CPython", "pypy": "PyPy"}.get(implementation, implementation)


def round_figures(run):
    """One cell-round's figures (``warmup``: True only for a warm process's first slice)."""
    figures = plain_round_figures(run)
    if run.get("warmup"):
        figures["warmup"] = True
    return figures


def plain_round_figures(run):
    gens = run["generations"]
    seconds = [g["seconds"] for g in gens]
    evaluation = [g.get("evaluation_seconds") for g in gens]
    evaluation = evaluation if None not in evaluation else []   # older records lack it
    start = steady_index(run, gens, seconds)
    return {
        "round": run["round"], "position": run["position"], "file": run["file"],
        "exit": run["exit"],
        "steady_first": gens[start]["generation"] if gens else None,
        "steady_generations": [g["generation"] for g in gens[start:]],
        "steady_count": len(gens) - start,
        "median_seconds": median(seconds[start:]),
        "median_evaluation_seconds": median(evaluation[start:]) if evaluation else None,
        "mean_seconds": mean(seconds[start:]),
        "mean_evaluation_seconds": mean(evaluation[start:]) if evaluation else None,
        "warmup_seconds": sum(seconds[:start]) if start else None,
        "first_seconds": seconds[0] if seconds and not run.get("warm") else None,
        "seconds": seconds, "evaluation": evaluation,
        "steady_seconds": seconds[start:], "steady_evaluation": evaluation[start:],
        "best_by_generation": dict((g["generation"], g["min"]) for g in gens),
    }


def steady_index(run, gens, seconds):
    """Where the round's steady state starts: where its end record says (the run's own
    reading of ev.common.stats.steady_start; a warm slice's counts the whole process), else,
    for records written before end records, by the same rule on the round's seconds."""
    first = (run.get("end") or {}).get("steady_first")
    numbers = [g["generation"] for g in gens]
    if isinstance(first, int) and first in numbers:
        return numbers.index(first)
    return steady_start(seconds)


PER_ROUND_ONLY = ("evaluation", "best_by_generation", "steady_generations", "steady_seconds",
                  "steady_evaluation")   # in the row already, or too long for by_round


def planned(entry, run):
    """(generations planned, seconds of budget): matrix.json's cell entry says them (with a
    time budget, the generations its first round ran, which every later round repeats; the
    run record then holds only the cap); else the run record."""
    generations = entry.get("generations")
    budget = entry.get("budget_seconds")
    if not isinstance(generations, int) or isinstance(generations, bool) or generations < 1:
        generations = run.get("generations")
    return generations, budget if isinstance(budget, (int, float)) else None


def cell_row(name, runs, interpreter, entry=None):
    """The row of one cell over its rounds (the keys the JSON contract names); ``entry``:
    its matrix.json entry."""
    first = runs[0]["run"]
    generations_planned, budget = planned(entry or {}, first)
    rounds = [round_figures(r) for r in runs]
    timed = [r for r in rounds if r["median_seconds"] is not None]
    counted = [r for r in timed if not r.get("warmup")] or timed
    steady = [s for r in counted for s in r["steady_seconds"]]
    seconds = interval(counted, "median_seconds", steady)
    evaluation = interval(counted, "median_evaluation_seconds",
                          [e for r in counted for e in r["steady_evaluation"]])
    return {
        "cell": name,
        "interpreter": "%s %s" % (first["implementation"], first["version"]),
        "interpreter_label": interpreter["label"],
        "implementation": interpreter["implementation"],
        "interpreter_version": interpreter["version"],
        "jit": interpreter["jit"],
        "variant": first["variant"],
        "population": first["population"],
        "seed": first["seed"],
        "rounds": len(rounds),
        # a warm cell's warm-up slice runs for its time budget, not the later slices' length
        "generations": min(len(r["seconds"]) for r in (
            [r for r in rounds if not r.get("warmup")] or rounds)),
        "generations_planned": generations_planned,
        "budget_seconds": budget,
        "shape": first.get("shape"),
        "controller": first["controller"],
        "steady_generations": [r["steady_generations"] for r in rounds],
        "single_generation_median": any(len(r["steady_generations"]) == 1 for r in timed),
        "first_counted": any(r["steady_first"] == 0 for r in timed),
        "first_seconds": median(r["first_seconds"] for r in timed
                                if r["first_seconds"] is not None),
        "warmup_seconds": median(r["warmup_seconds"] for r in timed
                                 if r["warmup_seconds"] is not None),
        "median_seconds": seconds.median,
        "median_seconds_low": seconds.low,
        "median_seconds_high": seconds.high,
        "spread": seconds.spread,
        "spread_over": seconds.over if seconds else None,
        "interval": seconds.kind if seconds else None,
        "noisy": seconds.noisy,
        "min_seconds": min(steady) if steady else None,
        "max_seconds": max(steady) if steady else None,
        "median_evaluation_seconds": evaluation.median,
        "median_evaluation_seconds_low": evaluation.low,
        "median_evaluation_seconds_high": evaluation.high,
        "ga_share": median(share for share in (ga_share(r) for r in timed)
                           if share is not None),
        "ga_share_halves": ga_share_halves(timed[0]) if timed else None,
        "final_best_fitness": last_best(timed and best_by_generation(timed + rounds)),
        "best_by_generation": best_by_generation(timed + rounds),
        "seconds_by_generation": (timed or rounds)[0]["seconds"],
        "by_round": [dict((k, v) for k, v in r.items() if k not in PER_ROUND_ONLY)
                     for r in rounds],
        "_rounds_best": [r["best_by_generation"] for r in timed],
    }


def best_by_generation(rounds):
    """{generation: best fitness} over the cell's rounds: a warm cell's slices each add their
    generations; fresh rounds repeat the same ones, the first timed round's kept (the others
    are compared with it by the same-work check)."""
    best = {}
    for one in rounds:
        for generation, value in one["best_by_generation"].items():
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
        return Interval([r[key] for r in rounds], over="rounds")
    found = Interval(steady_values, over="generations")
    middle = rounds[0][key] if rounds else None
    return Interval.of(middle, found.low, found.high, "generations", found.count) \
        if middle is not None \
        else Interval([], "generations")


def ga_share(figures):
    """The median, over the steady generations, of the fraction of a generation spent
    outside the evaluation (selection, mutation, new creatures: the GA's own work)."""
    if not figures["evaluation"]:
        return None
    return share_outside_evaluation(zip(figures["steady_seconds"], figures["steady_evaluation"]))


def ga_share_halves(figures):
    """The GA share over the first and the second half of the generations after the first
    (round 1), as ``[first generation, share]`` pairs: on PyPy the GA's code warms up over
    tens of generations, and a short run's one median hides which way it goes.  None when
    there are fewer than four generations after the first."""
    if not figures["evaluation"]:
        return None
    steady = list(zip(figures["seconds"], figures["evaluation"]))[1:]
    if len(steady) < 4:
        return None
    middle = len(steady) // 2
    early = share_outside_evaluation(steady[:middle])
    late = share_outside_evaluation(steady[middle:])
    return None if early is None or late is None else [[1, early], [1 + middle, late]]


def share_outside_evaluation(pairs):
    """The median of (seconds - evaluation seconds) / seconds over (seconds, evaluation) pairs."""
    return median((total - spent) / total for total, spent in pairs if total > 0)


def rows_of(folder):
    """Every cell's row, in the order the folder lists them."""
    known = interpreters(folder)
    return [cell_row(name, runs, cell_interpreter(name, runs, folder, known),
                     cell_entry(folder, name))
            for name, runs in group_cells(folder.runs).items()]


def is_limit(row):
    return row["variant"] == LIMIT
