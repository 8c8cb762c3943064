"""python -m benchmarks.limits: how far each contender is from C, on the same creatures.

Records the batches of a seeded run (benchmarks.batches: every creature ev evaluated, with
its fitness), then, round after round, has each interpreter evaluate them through every
contender it can run (benchmarks.contenders, a fresh process per interpreter and round;
contenders take turns in a rotated order).  Each contender's fitness must equal ev's bit for
bit, or within 1e-12 relative (the numpy creature's BLAS dot may round the last bit
differently).  Reports milliseconds per 250 creatures (a generation's batch) and, per round,
the ratio to the C contender (cpython-c, or pypy-c without CPython) and to pypy-specialized;
medians over rounds.

``--batches full-thrust`` evaluates as many controllers at full thrust instead, whose flights
stay on the path PyPy compiled the flight loop for: the distance to C of the loop body alone.
There, pypy-lean (benchmarks.lean_flight, the leanest loop the source can give PyPy) is the
floor of that distance for any rewrite of the Python code.
"""
import json
import os
import subprocess
import sys
import tempfile

import click

from benchmarks.batches import creature_count, full_thrust_batches, record_batches, save
from ev.pythons.interpreters import ROOT, default_interpreters, last_line
from ev.common.stats import median

LIMITS = ("cpython-c", "pypy-c")   # the first measured is "C"
TOLERANCE = 1e-12
PYPY_BEST = "pypy-specialized"
BATCH = 250   # creatures a generation evaluates (population 500)
# pypy-numpy takes ~7 s per batch: left out unless asked for.
CONTENDERS = {"cpython": ("c", "numba", "vectorized", "specialized", "numpy"),
              "pypy": ("c", "specialized", "lean")}


def implementation_of(python):
    done = subprocess.run([python, "-c", "import platform; "
                           "print(platform.python_implementation().lower())"],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if done.returncode != 0:
        raise click.ClickException("%s does not run" % python)
    return done.stdout.strip()


def run_round(python, implementation, path, round_number, variants, passes=1):
    done = subprocess.run([python, "-m", "benchmarks.contenders", path, str(round_number),
                           str(passes)] + list(variants), cwd=ROOT, stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    if done.returncode != 0:
        raise click.ClickException("%s failed: %s" % (python, last_line(done.stderr)))
    results = json.loads(last_line(done.stdout))
    return dict(("%s-%s" % (implementation, name), result) for name, result in results.items())


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
        limit = ([c for c in LIMITS if "seconds" in rounds[0].get(c, {})] or [None])[0]
        for key, other in (("vs_c", limit), ("vs_pypy_specialized", PYPY_BEST)):
            ratios = [r[name]["seconds"] / r[other]["seconds"] for r in rounds
                      if r.get(other, {}).get("seconds")]
            row[key] = median(ratios) if ratios else None
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


def fmt(value, pattern):
    return "-" if value is None else pattern % value


def markdown(rows, options):
    lines = [("%(creatures)d creatures of a seed-%(seed)d run (population %(population)d, "
              "generations 0-%(last)d)" if options["batches"] == "recorded" else
              "%(creatures)d controllers at full thrust") % options
             + ", %(rounds)d interleaved rounds of %(passes)d timed pass(es); medians over "
               "rounds." % options, "",
             "| contender | ms / %d creatures | vs C | vs %s | fitness as ev's |"
             % (BATCH, PYPY_BEST), "| --- | ---: | ---: | ---: | --- |"]
    for row in rows:
        if "unavailable" in row:
            lines.append("| %s | not run: %s | | | |" % (row["contender"], row["unavailable"]))
            continue
        lines.append("| %s | %.2f | %s | %s | %s |" % (
            row["contender"], row["ms_per_batch"], fmt(row["vs_c"], "%.2f"),
            fmt(row["vs_pypy_specialized"], "%.2f"),
            agreement(row)))
    return "\n".join(lines + ["", "vs C: over %s's time in the same round (over %s's when "
                               "CPython was not measured)." % LIMITS])


def agreement(row):
    if not row["mismatches"]:
        return "bit for bit"
    text = "%d differ, by up to %.1e" % (row["mismatches"], row["largest_difference"])
    return text if row["agrees"] else "**NO: %s**" % text


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-n", "--population", type=click.IntRange(min=4), default=500, show_default=True)
@click.option("-g", "--generations", type=click.IntRange(min=1), default=10, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--rounds", type=click.IntRange(min=1), default=3, show_default=True)
@click.option("--passes", type=click.IntRange(min=1), default=1, show_default=True,
              help="Timed passes over the batches per contender and round (the median "
                   "pass counts): more for a steadier figure on a noisy machine.")
@click.option("--python", "pythons", multiple=True,
              help="An interpreter to measure (repeatable) [default: this one and the "
                   "other venv].")
@click.option("--batches", "kind", type=click.Choice(["recorded", "full-thrust"]),
              default="recorded", show_default=True,
              help="The creatures of a seeded run, or as many controllers at full thrust "
                   "(flights that stay on the flight loop's compiled path).")
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON.")
def main(population, generations, seed, rounds, passes, pythons, kind, as_json):
    """Evaluate the same creatures through C, numba and every Python contender; how far is
    each from C?"""
    interpreters = [(python, implementation_of(python))
                    for python in pythons or default_interpreters()]
    batches = (record_batches_of(population, generations, seed) if kind == "recorded" else
               full_thrust_like(population, generations))
    creatures = creature_count(batches)
    with tempfile.TemporaryDirectory(prefix="ev-limits-") as scratch:
        path = os.path.join(scratch, "batches.json")
        save(batches, path)
        measured = []
        for round_number in range(rounds):
            results = {}
            for python, implementation in interpreters:
                click.echo("round %d: %s ..." % (round_number + 1, python), err=True)
                results.update(run_round(python, implementation, path, round_number,
                                         CONTENDERS.get(implementation, ("specialized",)),
                                         passes))
            measured.append(results)
    rows = summarize(measured, creatures)
    if as_json:
        click.echo(json.dumps(rows, indent=1))
    else:
        click.echo(markdown(rows, {"creatures": creatures, "seed": seed, "rounds": rounds,
                                   "passes": passes, "batches": kind,
                                   "population": population, "last": generations - 1}))
    if not all(row.get("agrees", True) for row in rows):
        sys.exit(1)


if __name__ == "__main__":
    main()
