"""``ev bench limits`` (``python -m benchmarks.limits``): the study's command."""
import os
import sys
import tempfile

import click

from ev.common.formats import rows_format
from ev.pythons.interpreters import ROOT
from ev.runner.plan import rotated
from ev.studies.limits.batches import creature_count, save
from ev.studies.limits.cases import contenders, full_thrust_like, record_batches_of, run_round
from ev.studies.limits.model import summarize
from ev.studies.limits.report import markdown
from ev.studies.interpreter_options import chosen_interpreters, rounds_and_interpreters

# The --json document.  History: 1 - {"format", "version", "rows"}; before it had a name
# (6b10243) the bare list of rows.
LIMITS = rows_format("ev-limits")


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
                                         contenders(implementation), passes))
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
