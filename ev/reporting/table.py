"""The report's markdown (a renderer): the run, the machine, the table of cells, the legend
that says how each figure was made, the reading, the plots that exist, the article."""
import os

from ev.common.stats import NOISY_SPREAD, REPEAT_RULE, STEADY_RULE
from ev.reporting import across, headline, machine_state, reading
from ev.reporting.article import ARTICLE, ARTICLE_POPULATION, ARTICLE_SPEEDUPS
from ev.reporting.output import fmt, plural, problem_lines
from ev.reporting.ratios import RATIO_RULE
from ev.reporting.words import ratio_of, spread_text

SAME_WORK = {None: "-", True: "yes", False: "**NO: different results**"}
MANY_ROUNDS = 4   # more rounds than this: the steady generations column shows three


def markdown(folder, rows, base, written=()):
    """The whole report.  ``written``: the plot files drawn for it (only those are linked)."""
    warm = (folder.matrix or {}).get("processes") == "warm"
    lines = headline_lines(folder, rows, base) + run_line(rows, warm)
    lines += machine_state.lines(folder, rows)
    lines += header(base) + [
        table_row(r) for r in rows]
    lines += ["| %s | not run: %s |%s" % (name, why, " |" * 13) for name, why in folder.skipped]
    lines += [""] + legend(rows, base) + [""]
    lines += reading.paragraph(rows, base) + [""]
    lines += across.section(rows, base)
    lines += plot_links(written) + article()
    lines += problem_lines(folder.problems)
    return "\n".join(lines) + "\n"


def headline_lines(folder, rows, base):
    """The headline (ev.reporting.headline) first, as a paragraph of its own: in a folder
    of the runner's (matrix.json says how its processes ran); an older folder's report reads
    as it always did."""
    if "processes" not in (folder.matrix or {}):
        return []
    found = headline.lines(folder, rows, base)
    return [found[0]] + ["- " + line.strip() for line in found[1:]] + [""] if found else []


def run_line(rows, warm=False):
    """What was run: population, rounds, generations, seed (as the cells' records say)."""
    def values(key):
        return ", ".join(str(v) for v in sorted(set(getattr(r, key) for r in rows), key=str))
    planned = sorted(set(r.generations_planned or r.generations for r in rows))
    rounds = sorted(set(r.rounds for r in rows))
    budgets = sorted(set(r.budget_seconds for r in rows if r.budget_seconds))
    if budgets and warm:
        length = ("one warm process per cell: a first slice of %s s of evolution (its warm-up), "
                  "then slices of %s" % (" / ".join("%g" % b for b in budgets), plural(
                      "%d-%d" % (planned[0], planned[-1]) if len(planned) > 1 else planned[0],
                      "generation")))
    elif budgets:
        length = ("a time budget of %s s of evolution per cell in round 1, whose generations "
                  "every later round repeats: %s" % (" / ".join("%g" % b for b in budgets),
                                                     plural("%d-%d" % (planned[0], planned[-1])
                                                            if len(planned) > 1 else planned[0],
                                                            "generation")))
    else:
        length = plural(" / ".join(str(g) for g in planned), "generation")
    return ["Population %s, %s per cell, seed %s. %s per cell." % (
        values("population"), length, values("seed"),
        plural(" / ".join(str(k) for k in rounds), "round").capitalize()), ""]


def header(base):
    return [
        "| cell | interpreter | rounds | generations | steady generations | 1st gen s "
        "| warm-up s | median s/gen | spread | evaluation s/gen | GA share | speedup vs %s "
        "| x c (gen) | x c (evaluation) | final best fitness | same work |"
        % (base.cell if base else "CPython + numpy (not run)"),
        "| --- | --- | ---: | ---: | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: "
        "| ---: | ---: | ---: | --- |"]


def table_row(r):
    mark = "†" if r.first_counted else "*" if r.single_generation_median else ""
    return "| %s |" % " | ".join([
        r.cell, r.interpreter, str(r.rounds), generations_done(r),
        steady_text(r.steady_generations),
        fmt(r.first_seconds, "%.3f"), fmt(r.warmup_seconds, "%.3f"),
        fmt(r.median_seconds, "%.4f") + mark, spread_text(r),
        fmt(r.median_evaluation_seconds, "%.4f"), fmt(r.ga_share, "%.0f%%", 100),
        ratio_of(r.speedup), ratio_of(r.x_c_generation), ratio_of(r.x_c_evaluation),
        fmt(r.final_best_fitness, "%.2f"), SAME_WORK[r.same_work]])


def generations_done(row):
    """'10', or '3 of 10 (stopped)' for a run that ended before its planned generations."""
    planned = row.generations_planned
    if isinstance(planned, int) and row.generations < planned:
        return "%d of %d (stopped)" % (row.generations, planned)
    return "%d" % row.generations


def steady_text(steady_generations):
    """'1-9' (the same in every round) or '1-9 / 3-9 / 2-9' (round by round); of many rounds
    (a warm run's slices), the first two and the last: '20-156 / 157-251 / ... / 3197-3291'."""
    spans = ["%d-%d" % (g[0], g[-1]) if len(g) > 1 else "%d" % g[0] if g else "-"
             for g in steady_generations]
    if len(set(spans)) == 1:
        return spans[0]
    if len(spans) > MANY_ROUNDS:
        spans = spans[:2] + ["... (%d rounds)" % len(spans)] + spans[-1:]
    return " / ".join(spans)


def legend(rows, base):
    """How every figure of the table was made, said once."""
    text = ("Steady state: %s. The warm-up (generation 0: imports, JIT warm-up, numba's "
            "compilation, and any generation before steady state) has its own columns: the "
            "first generation's seconds and the seconds until steady state. Median s/gen: the "
            "median over rounds of each round's steady-state median; spread: (highest - "
            "lowest) / median over rounds; with a single round there is nothing to repeat, so "
            "it is the spread of that round's steady generations, marked (gens). A spread "
            "above %d%% is marked noisy. %s Intervals: %s; with one round, the widest ratio "
            "the two cells' "
            "steady generations allow. Evaluation s/gen is the time in "
            "the fitness evaluation alone; GA share the rest of a generation (selection, "
            "mutation, new creatures). x c: the cell's s/gen over the c cell's, for the whole "
            "generation and for the evaluation alone (the distance to the limit). Cells with "
            "fewer generations compare their best fitness with the others over the "
            "generations they share." % (STEADY_RULE, 100 * NOISY_SPREAD, RATIO_RULE, REPEAT_RULE))
    if any(r.single_generation_median and not r.first_counted for r in rows):
        text += (" * marks a median of a single generation (a run of two generations: the "
                 "second alone), too few to trust.")
    if any(r.first_counted for r in rows):
        text += (" † marks a run of one generation: its figure is that first generation, "
                 "warm-up included.")
    return [text]


def plot_links(written):
    """Links to the plots that were drawn for this report, and only those."""
    if not written:
        return ["Plots: none drawn for this report.", ""]
    names = {"seconds_per_generation.png": "seconds per generation",
             "speedup.png": "speedups", "interpreters.png": "across interpreters"}
    links = ["[%s](%s)" % (names.get(os.path.basename(p), os.path.basename(p)),
                           os.path.basename(p)) for p in written]
    return ["Plots: %s." % ", ".join(links), ""]


def approximate(speedup):
    return "%.1fx" % speedup if speedup < 10 else "~%.0fx" % speedup


def article():
    lines = ["The original article's figures (population %d, s/generation), for reference:"
             % ARTICLE_POPULATION, "", "| article cell | s/gen | speedup |", "| --- | ---: | ---: |"]
    for name, cell, _, as_given in ARTICLE:
        lines.append("| %s | %s | %s |" % (name, as_given, approximate(ARTICLE_SPEEDUPS[cell])))
    return lines
