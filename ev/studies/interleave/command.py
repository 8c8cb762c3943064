"""``ev bench interleave``: the study's command (see the package's docstring)."""
import os
import tempfile
import time

import click

from ev.common.formats import object_format
from ev.common.stats import Interval, mean, median, relative_half_width
from ev.pythons.interpreters import venv_python
from ev.runner.children import Warm
from ev.runner.ends import generations_of
from ev.runner.plan import parts, rotated
from ev.runner.signals import Stops

# The --json document.  History: 1 - {"format", "version", "rounds", "series"}.
INTERLEAVE = object_format("ev-interleave", "series")
CELLS = (("pypy", "specialized"), ("cpython", "c"))     # the fastest Python cell, the limit
LAYOUTS = ("slices", "parts")
STATISTICS = (("median", median), ("mean", mean))


class Pair(object):
    """The two warm cells, their records in ``folder``."""

    def __init__(self, folder, population, seed, stops):
        self.folder, self.stops, self.count = folder, stops, 0
        self.cells = {}
        for kind, creature in CELLS:
            python = venv_python(kind)
            if python is None:
                raise click.ClickException("no %s venv (./setup.sh makes it)" % kind)
            argv = [python, "-m", "ev.main", "--creature", creature, "-n", str(population),
                    "--seed", str(seed), "--serve"]
            self.cells[creature] = Warm(argv, None, os.getcwd(),
                                        os.path.join(folder, creature + ".log"))

    def run(self, creature, **command):
        """One slice; the evaluation seconds of its generations."""
        self.count += 1
        path = os.path.join(self.folder, "%s.%d.jsonl" % (creature, self.count))
        status, _ = self.cells[creature].slice(dict(command, results=path), self.stops)
        if status or self.stops.stopped:
            raise click.ClickException("the %s cell stopped (status %s; its log: %s.log)"
                                       % (creature, status, creature))
        return [g.evaluation_seconds for g in generations_of(path)]

    def finish(self):
        for warm in self.cells.values():
            warm.finish()


def one_round(pair, layout, generations, count, turn):
    """{creature: evaluation seconds} of one round in ``layout``."""
    order = rotated([c for _, c in CELLS], turn)
    steps = (parts(order, generations, count) if layout == "parts"
             else [(c, generations[c]) for c in order])
    found = dict((c, []) for c in order)
    for creature, number in steps:
        found[creature] += pair.run(creature, generations=number)
    return found


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--minutes", type=click.FloatRange(min=0.5), default=5, show_default=True,
              help="How long to alternate the layouts (after a warm-up of 3 s a cell).")
@click.option("--slice-seconds", type=click.FloatRange(min=0.1), default=1.5, show_default=True)
@click.option("--part-seconds", type=click.FloatRange(min=0.02), default=0.15, show_default=True)
@click.option("--population", "-n", type=click.IntRange(2), default=500, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the series as JSON.")
def main(minutes, slice_seconds, part_seconds, population, seed, as_json):
    """Slices or parts, medians or means: which ratio of the fast cells holds best here."""
    series = dict(((l, s), []) for l in LAYOUTS for s, _ in STATISTICS)
    with Stops() as stops, tempfile.TemporaryDirectory(prefix="ev-interleave-") as folder:
        pair = Pair(folder, population, seed, stops)
        try:
            generations = {}
            for _, creature in CELLS:
                pair.run(creature, generations=400, seconds=3, min_generations=5)
                rate = median(pair.run(creature, generations=20))
                generations[creature] = max(2, int(slice_seconds / rate))
            count = max(2, int(round(slice_seconds / part_seconds)))
            began, turn = time.monotonic(), 0
            while time.monotonic() - began < 60 * minutes:
                turn += 1
                for layout in rotated(LAYOUTS, turn):
                    found = one_round(pair, layout, generations, count, turn)
                    fast, limit = (found[c] for _, c in CELLS)
                    for name, statistic in STATISTICS:
                        series[(layout, name)].append(statistic(fast) / statistic(limit))
        finally:
            pair.finish()
    rows = []
    for (layout, name), ratios in series.items():
        interval = Interval(ratios)
        rows.append({"layout": layout, "statistic": name, "rounds": len(ratios),
                     "median": interval.median, "low": interval.low, "high": interval.high,
                     "half_width": relative_half_width(interval), "ratios": ratios})
    if as_json:
        click.echo(INTERLEAVE.dumps({"rounds": turn, "series": rows}, indent=1))
        return
    click.echo("%s over %s, evaluation s/gen within rounds (%d rounds of each layout; parts "
               "of about %g s, %d per round):" % ("-".join(CELLS[0]), "-".join(CELLS[1]),
                                                   turn, part_seconds, count))
    click.echo("| layout | ratio of | median (99% repeat range) | +- |")
    click.echo("| --- | --- | ---: | ---: |")
    for row in rows:
        click.echo("| %s | %ss | %.2fx (%.2f-%.2fx) | %.0f%% |" % (
            row["layout"], row["statistic"], row["median"], row["low"], row["high"],
            100 * row["half_width"]))
