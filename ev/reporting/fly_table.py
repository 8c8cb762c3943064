"""The fly report's markdown (a renderer, of ev.reporting.fly_rows): the run, the table of
cells with their seconds to the first flying controller, how those figures were made, and
what they say."""
import os

from ev.common.stats import REPEAT_RULE, few_rounds_note
from ev.reporting.output import fmt, plural
from ev.reporting.words import ratio_of


def markdown(rows, skipped, written=()):
    """The whole fly report.  ``written``: the plot files drawn for it (only those are
    linked)."""
    flying = [r for r in rows if r.flies]
    first = rows[0]
    lines = ["# Time to a flying PID controller", "",
             "Population %d, seed %s, budget %s per cell, %s per cell: each cell evolves "
             "(`python -m ev.main --controller pid --until-flies`) until its best creature "
             "flies the five training steps and the validation grid (ev.model.replay)."
             % (first.population, first.seed, plural(first.budget, "generation"),
                plural(max(r.rounds for r in rows), "round")), "",
             "| cell | interpreter | generations to fly | evaluations | seconds to fly "
             "| x fastest | first generation s | best fitness | same work |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in sorted(rows, key=lambda r: (not r.flies, r.seconds)):
        lines.append("| %s | %s | %s | %d | %s | %s | %.3f | %s | %s |" % (
            r.cell, r.interpreter,
            to_fly(r),
            r.evaluations, seconds_text(r) if r.flies else "-",
            ratio_of(r.x_fastest),
            r.first_generation_seconds, fmt(r.best_fitness, "%.2f"),
            {True: "yes", False: "**no**", None: "-"}[r.same_work]))
    for cell, reason in skipped:
        lines.append("| %s | not run: %s | | | | | | | |" % (cell, reason))
    lines.append("")
    rounds = max(r.rounds for r in rows)
    if rounds > 1:
        few = few_rounds_note(rounds)
        lines += ["Seconds to fly: the median over rounds (%s).%s" % (
            REPEAT_RULE, " " + few if few else ""), ""]
    lines.extend(reading(rows, flying))
    if written:
        lines += ["", "Plot: [time to fly](%s)." % os.path.basename(written[0])]
    return "\n".join(lines) + "\n"


def seconds_text(row):
    """'1.23' or, over rounds, '1.23 (1.20-1.31)'."""
    low, high = "%.2f" % row.seconds_low, "%.2f" % row.seconds_high
    if row.rounds > 1 and low != high:
        return "%.2f (%s-%s)" % (row.seconds, low, high)
    return "%.2f" % row.seconds


def to_fly(row):
    if row.flies:
        return str(row.generations)
    if not row.checked:
        return "not a fly run (%s)" % plural(row.generations, "generation")
    return "did not fly in %d" % row.generations


def reading(rows, flying):
    """Plain sentences: what the table says."""
    unchecked = [r.cell for r in rows if not r.checked]
    lines = []
    if unchecked:
        lines.append("Not a fly run (no --until-flies records): %s; their rows say nothing "
                     "about flying." % ", ".join(unchecked))
    if not flying:
        lines.append("No cell found a flying controller within its budget.")
        return lines
    fastest = min(flying, key=lambda r: r.seconds)
    slowest = max(flying, key=lambda r: r.seconds)
    # the ratio within rounds decides
    apart = bool(slowest.x_fastest) and slowest.x_fastest.low > 1
    if slowest is fastest:
        lines.append("%s found a flying controller after %s s of evolution."
                     % (fastest.cell, seconds_text(fastest)))
    elif apart:
        lines.append("Fastest: %s, a flying controller after %s s of evolution; slowest: %s, "
                     "%s s (%s as long, within rounds) for the same %d generations."
                     % (fastest.cell, seconds_text(fastest), slowest.cell,
                        seconds_text(slowest), ratio_of(slowest.x_fastest),
                        slowest.generations))
    else:
        lines.append("No measurable difference between the fastest cell, %s (%s s), and the "
                     "slowest, %s (%s s): the range of their ratio within rounds holds 1 (%s)."
                     % (fastest.cell, seconds_text(fastest), slowest.cell,
                        seconds_text(slowest), ratio_of(slowest.x_fastest)))
    if any(r.same_work is False for r in rows):
        lines.append("**Warning**: the cells did not do the same work (another generation or "
                     "another best fitness at the first flight).")
    return lines
