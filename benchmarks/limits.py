"""python -m benchmarks.limits: how far each contender is from C, on the same creatures.

Records the batches of a seeded run (benchmarks.batches: every creature ev evaluated, with
its fitness), then, round after round, has each interpreter evaluate them through every
contender it can run (benchmarks.contenders, a fresh process per interpreter and round;
the interpreters, and the contenders within each, take turns in an order rotated each
round).  Each contender's fitness must equal ev's bit for bit, or within 1e-12 relative (the
numpy creature's BLAS dot may round the last bit differently).  Reports milliseconds per 250
creatures (a generation's batch) and, per round, the ratio to the C contender (cpython-c, or
pypy-c without CPython) and to pypy-specialized; medians over rounds.

``--batches full-thrust`` evaluates as many controllers at full thrust instead, whose flights
stay on the path PyPy compiled the flight loop for: the distance to C of the loop body alone.
There, pypy-lean (benchmarks.lean_flight, the leanest loop the source can give PyPy) is the
floor of that distance for any rewrite of the Python code.
"""
import os
import sys
import tempfile

import click

from benchmarks.batches import creature_count, full_thrust_batches, record_batches, save
from benchmarks.choose import chosen_interpreters, rounds_and_interpreters
from ev.common.formats import rows_format
from ev.runner.plan import rotated
from ev.pythons.interpreters import ROOT
from ev.common import result_file
from ev.common.stats import REPEAT_RULE, Interval, few_rounds_note, median

TOLERANCE = 1e-12
# The --json document.  History: 1 - {"format", "version", "rows"}; before it had a name
# (6b10243) the bare list of rows.
LIMITS = rows_format("ev-limits")
BATCH = 250   # creatures a generation evaluates (population 500)
# pypy-numpy (every numpy call through cpyext) is by far the slowest per batch
# (docs/how-far-from-c.md): left out.
CONTENDERS = {"cpython": ("c", "numba", "vectorized", "specialized", "numpy"),
              "pypy": ("c", "specialized", "lean")}


def run_round(interpreter, label, path, round_number, variants, passes=1):
    """One round of one interpreter's contenders: a fresh benchmarks.contenders process,
    whose answer is a file (ev.common.result_file)."""
    try:
        results = result_file.ask_interpreter(interpreter, [
            "-m", "benchmarks.contenders", interpreter.path(path), round_number,
            passes] + list(variants), ROOT).result
    except result_file.ChildFailed as error:
        raise click.ClickException("%s failed: %s" % (label, error))
    return dict(("%s-%s" % (label, name), result) for name, result in results.items())


def c_limit(first_round):
    """The C contender every ratio is taken to: the first interpreter's (CPython's when
    measured), or None."""
    return next((name for name, result in first_round.items()
                 if name.endswith("-c") and "seconds" in result), None)


def pypy_best(first_round):
    """The first PyPy's specialized contender, the reference for vs_pypy_specialized."""
    return next((name for name in first_round
                 if name.startswith("pypy") and name.endswith("-specialized")), None)


def summarize(rounds, creatures):
    """One row per contender: ms per BATCH creatures and ratios, medians over rounds."""
    rows = []
    for name in rounds[0]:
        results = [r[name] for r in rounds]
        if "unavailable" in results[0]:
            rows.append({"contender": name, "unavailable": results[0]["unavailable"]})
            continue
        largest = max(float(r["largest_difference"]) for r in results)
        row = {"contender": name,
               "ms_per_batch": median([1000.0 * r["seconds"] * BATCH / creatures
                                       for r in results]),
               "mismatches": max(r["mismatches"] for r in results),
               "largest_difference": largest, "agrees": largest <= TOLERANCE}
        for key, other in (("vs_c", c_limit(rounds[0])),
                           ("vs_pypy_specialized", pypy_best(rounds[0]))):
            ratios = [r[name]["seconds"] / r[other]["seconds"] for r in rounds
                      if r.get(other, {}).get("seconds")]
            found = Interval(ratios, over="rounds")
            row[key], row[key + "_low"], row[key + "_high"] = found.median, found.low, found.high
        rows.append(row)
    return sorted(rows, key=lambda r: r.get("ms_per_batch", float("inf")))


def record_batches_of(population, generations, seed):
    click.echo("recording the batches (ev's own evaluation, %d generations) ..." % generations,
               err=True)
    return record_batches(population, generations, seed)


def full_thrust_like(population, generations):
    """About as many controllers at full thrust as a run evaluates (all of generation 0, then
    the children: half the population a generation), in batches of up to BATCH."""
    creatures = population * (generations + 1) // 2
    return full_thrust_batches(min(BATCH, creatures), max(1, creatures // BATCH))


def with_range(row, key):
    """A ratio as 'median (its repeat range over rounds)', or '-'."""
    if row.get(key) is None:
        return "-"
    if row[key + "_low"] == row[key + "_high"]:
        return "%.2f" % row[key]
    return "%.2f (%.2f-%.2f)" % (row[key], row[key + "_low"], row[key + "_high"])


def markdown(rows, options):
    lines = [("%(creatures)d creatures of a seed-%(seed)d run (population %(population)d, "
              "generations 0-%(last)d)" if options["batches"] == "recorded" else
              "%(creatures)d controllers at full thrust") % options
             + ", %(rounds)d interleaved rounds of %(passes)d timed pass(es); medians over "
               "rounds." % options, "",
             "| contender | ms / %d creatures | vs C | vs the first PyPy's specialized "
             "| fitness as ev's |" % BATCH, "| --- | ---: | ---: | ---: | --- |"]
    for row in rows:
        if "unavailable" in row:
            lines.append("| %s | not run: %s | | | |" % (row["contender"], row["unavailable"]))
            continue
        lines.append("| %s | %.2f | %s | %s | %s |" % (
            row["contender"], row["ms_per_batch"], with_range(row, "vs_c"),
            with_range(row, "vs_pypy_specialized"), agreement(row)))
    few = few_rounds_note(options["rounds"])
    return "\n".join(lines + ["", "vs C: over the first interpreter's C contender's time in "
                               "the same round, summarised over rounds: %s. A single figure "
                               "when every round gave the same.%s" % (
                                   REPEAT_RULE, " " + few if few else "")])


def agreement(row):
    if not row["mismatches"]:
        return "bit for bit"
    text = "%d differ, by up to %.1e" % (row["mismatches"], row["largest_difference"])
    return text if row["agrees"] else "**NO: %s**" % text


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-n", "--population", type=click.IntRange(min=4), default=500, show_default=True)
@click.option("-g", "--generations", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@rounds_and_interpreters(rounds=3)
@click.option("--passes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Timed passes over the batches per contender and round (the median "
                   "pass counts): more for a steadier figure on a noisy machine.")
@click.option("--batches", "kind", type=click.Choice(["recorded", "full-thrust"]),
              default="recorded", show_default=True,
              help="The creatures of a seeded run, or as many controllers at full thrust "
                   "(flights that stay on the flight loop's compiled path).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def main(population, generations, seed, rounds, pythons, interpreters, passes, kind,
         as_json):
    """Evaluate the same creatures through C, numba and every Python contender; how far is
    each from C?"""
    measured_by = chosen_interpreters(pythons, interpreters)
    batches = (record_batches_of(population, generations, seed) if kind == "recorded" else
               full_thrust_like(population, generations))
    creatures = creature_count(batches)
    # Inside the checkout: an interpreter in a Debian root sees only the checkout (at /ev).
    with tempfile.TemporaryDirectory(prefix=".ev-limits-", dir=ROOT) as scratch:
        path = os.path.join(scratch, "batches.json")
        save(batches, path)
        measured = []
        for round_number in range(rounds):
            results = {}
            for label, implementation, interpreter in rotated(measured_by, round_number + 1):
                click.echo("round %d: %s ..." % (round_number + 1, label), err=True)
                results.update(run_round(interpreter, label, path, round_number,
                                         CONTENDERS.get(implementation, ("specialized",)),
                                         passes))
            measured.append(results)
    rows = summarize(measured, creatures)
    if as_json:
        click.echo(LIMITS.dumps({"rows": rows}, indent=1))
    else:
        click.echo(markdown(rows, {"creatures": creatures, "seed": seed, "rounds": rounds,
                                   "passes": passes, "batches": kind,
                                   "population": population, "last": generations - 1}))
    if not all(row.get("agrees", True) for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
