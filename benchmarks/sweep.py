"""python -m benchmarks.sweep: where unrolling stops paying, per interpreter.

Measures the cost of one run_step call, numpy creature against generated unrolled code, for
controllers with 2 inputs, 1 output and 1..K state variables (matrices up to (K+1) x (K+2)),
on every available interpreter (one after another, each in its own process), and reports the
crossover: the smallest matrix from which numpy is faster.
"""
import json
import os
import subprocess
import sys
import time

import click

from ev.common import atomic
from ev.store.records import interpreter as current_interpreter
from ev.model.creature_base import Shape
from ev.pythons.interpreters import default_interpreters, last_line
from ev.common.stats import median

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
ROUNDS = 5


def stable_creature(creature_class, shape, rng):
    """Coefficients scaled by 1/cols: the state stays bounded however long it runs."""
    scale = 1.0 / shape.cols
    matrix = [rng.uniform(-1.0, 1.0) * scale for _ in range(shape.rows * shape.cols)]
    constant = [rng.uniform(-1.0, 1.0) * scale for _ in range(shape.rows)]
    return creature_class(matrix, constant, shape)


def ns_per_call(creature, budget):
    """Median over ROUNDS of the time of one run_step call, after a warm-up of a quarter of
    the budget (which also lets PyPy's JIT compile the loop)."""
    run_step = creature.run_step
    inputs = [3.0, 5.0]
    calls, start = 0, time.perf_counter()
    while time.perf_counter() - start < budget / 4 or calls < 2000:
        run_step(inputs)
        calls += 1
    per_round = max(100, int(calls * 3 / ROUNDS))  # ~3/4 of the budget over all rounds
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        for _ in range(per_round):
            run_step(inputs)
        timings.append((time.perf_counter() - start) / per_round * 1e9)
    return median(timings)


def measure(max_state_vars, budget):
    """Records for this interpreter (the worker's job)."""
    from ev.model.creature import Creature
    from ev.common.rng import Rng
    from specialized.generator import creature_class_for
    rng = Rng(1)
    interpreter = current_interpreter()
    for state_vars in range(1, max_state_vars + 1):
        shape = Shape(2, 1, state_vars)
        for variant, cls in (("numpy", Creature), ("unrolled", creature_class_for(shape))):
            yield {"implementation": interpreter["implementation"],
                   "version": interpreter["version"],
                   "variant": variant, "state_vars": state_vars, "rows": shape.rows,
                   "cols": shape.cols, "size": shape.rows * shape.cols,
                   "ns_per_call": ns_per_call(stable_creature(cls, shape, rng), budget)}


def run_worker(python, max_state_vars, budget):
    command = [python, "-m", "benchmarks.sweep", "--worker",
               "--max-state-vars", str(max_state_vars), "--budget", str(budget)]
    done = subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True)
    if done.returncode != 0:
        raise click.ClickException("%s failed: %s" % (python, last_line(done.stderr)))
    try:
        found = [json.loads(line) for line in done.stdout.splitlines() if line.startswith("{")]
    except ValueError:
        found = []
    if not found:
        raise click.ClickException("%s measured nothing (is it a Python with this project "
                                   "installed?)" % python)
    return found


def crossovers(records):
    """Per interpreter: the smallest matrix size from which numpy beats unrolled code at every
    larger size measured, or None."""
    result = {}
    for implementation in sorted(set(r["implementation"] for r in records)):
        pairs = {}
        for r in records:
            if r["implementation"] == implementation:
                pairs.setdefault(r["size"], {})[r["variant"]] = r["ns_per_call"]
        sizes = sorted(s for s in pairs if len(pairs[s]) == 2)
        crossing = None
        for size in reversed(sizes):
            if pairs[size]["numpy"] < pairs[size]["unrolled"]:
                crossing = size
            else:
                break
        result[implementation] = crossing
    return result


def plot(records, path):
    """ns per call against matrix size, log-log; each point labelled with its state-variable
    count, each interpreter's crossover (numpy faster from there on) marked."""
    from ev.reporting.plots import matplotlib, plt, save
    fig, ax = plt.subplots(figsize=(9, 5.5))
    colours = {"cpython": "tab:blue", "pypy": "tab:orange"}
    for key in sorted(set((r["implementation"], r["variant"]) for r in records)):
        points = sorted((r["size"], r["ns_per_call"], r["state_vars"]) for r in records
                        if (r["implementation"], r["variant"]) == key)
        ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", markersize=3,
                color=colours.get(key[0]), linestyle="-" if key[1] == "unrolled" else "--",
                label="%s %s" % key)
        if key[1] == "unrolled":
            for size, ns, state_vars in points:
                ax.annotate(str(state_vars), (size, ns), textcoords="offset points",
                            xytext=(0, 6), fontsize=7, ha="center", color="dimgray")
    for implementation, size in sorted(crossovers(records).items()):
        if size:
            ax.axvline(size, color=colours.get(implementation), linestyle=":", linewidth=1.2)
            ax.text(size, ax.get_ylim()[1], " %s crossover:\n numpy faster from %d" % (
                implementation, size), fontsize=8, va="top", color=colours.get(implementation))
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: "%d" % x))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("matrix size: rows x cols = multiply-adds per call (small numbers over the "
                  "unrolled points: state variables)")
    ax.set_ylabel("ns per run_step call (log)")
    ax.set_title("numpy vs unrolled run_step, by controller size")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    save(fig, path)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--max-state-vars", type=click.IntRange(1, 62), default=32, show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for sweep.jsonl and sweep.png [default: results/sweep-<time>].")
@click.option("--budget", type=click.FloatRange(min=0.0), default=0.1, show_default=True,
              help="Seconds per measurement (per shape, variant and interpreter).")
@click.option("--python", "pythons", multiple=True,
              help="Interpreter to measure (repeatable) [default: this one and the project's "
                   "other venv].")
@click.option("--worker", is_flag=True, hidden=True)
def main(max_state_vars, out, budget, pythons, worker):
    """Measure run_step per call, numpy vs unrolled, across controller sizes."""
    if worker:
        for record in measure(max_state_vars, budget):
            click.echo(json.dumps(record))
        return
    out = out or os.path.join("results", "sweep-" + time.strftime("%Y%m%d-%H%M%S"))
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as error:
        raise click.ClickException("cannot create %s: %s" % (out, error.strerror or error))
    records = []
    for python in pythons or default_interpreters():
        click.echo("measuring with %s ..." % python)
        records.extend(run_worker(python, max_state_vars, budget))
    try:
        atomic.write_text(os.path.join(out, "sweep.jsonl"),
                          "".join(json.dumps(record) + "\n" for record in records))
        plot(records, os.path.join(out, "sweep.png"))
    except OSError as error:
        raise click.ClickException(atomic.describe(error))
    click.echo(table(records))
    for implementation, size in sorted(crossovers(records).items()):
        click.echo("crossover on %s: %s" % (implementation, (
            "numpy is faster from %d multiply-adds per call on" % size) if size else
            "unrolled code is faster at every size measured"))
    click.echo("records and plot in %s" % out)


def table(records):
    keys = sorted(set((r["implementation"], r["variant"]) for r in records))
    lines = ["%10s %6s" % ("state_vars", "size") + "".join("%18s" % ("%s %s" % k) for k in keys)]
    for state_vars in sorted(set(r["state_vars"] for r in records)):
        row = dict(((r["implementation"], r["variant"]), r) for r in records
                   if r["state_vars"] == state_vars)
        size = next(iter(row.values()))["size"]
        lines.append("%10d %6d" % (state_vars, size) + "".join(
            "%15.0f ns" % row[k]["ns_per_call"] if k in row else "%18s" % "-" for k in keys))
    return "\n".join(lines)


if __name__ == "__main__":
    main()
