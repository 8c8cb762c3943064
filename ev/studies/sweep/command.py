"""``ev bench sweep`` (``python -m benchmarks.sweep``): the study's command."""
import os
import time

import click

from ev.common import atomic, result_file
from ev.common.stats import REPEAT_RULE
from ev.store.records import machine
from ev.studies.interpreter_options import chosen_interpreters, rounds_and_interpreters
from ev.studies.sweep import report, sweep_file
from ev.studies.sweep.cases import CHUNKS, measure, run_rounds
from ev.studies.sweep.model import combine


def make_folder(out):
    out = out or os.path.join("results", "sweep-" + time.strftime("%Y%m%d-%H%M%S"))
    try:
        os.makedirs(out, exist_ok=True)
    except OSError as error:
        raise click.ClickException("cannot create %s: %s" % (out, error.strerror or error))
    return out


def write_and_print(records, out, head=None):
    """Write sweep.jsonl (unless ``head`` is None: a file read back) and sweep.png into
    ``out``; print the table and the crossovers."""
    try:
        if head is not None:
            atomic.write_text(os.path.join(out, "sweep.jsonl"),
                              sweep_file.dumps(head, records))
        report.plot(records, os.path.join(out, "sweep.png"))
    except OSError as error:
        raise click.ClickException(atomic.describe(error))
    rounds = max(r.get("rounds", 1) for r in records)
    click.echo("ns per run_step call: median of %d round%s%s" % (
        rounds, "" if rounds == 1 else "s", " (its 99% repeat range)" if rounds > 1 else ""))
    click.echo(report.table(records))
    for line in report.conclusions(records):
        click.echo(line)
    click.echo("records and plot in %s" % out)


def report_file(path, out):
    """Print and plot a sweep.jsonl measured earlier (either format)."""
    try:
        _, records = sweep_file.read(path)
    except OSError as error:
        raise click.ClickException("cannot read %s: %s" % (path, error.strerror or error))
    except sweep_file.BadSweepFile as error:
        raise click.ClickException(str(error))
    write_and_print(records, make_folder(out or os.path.dirname(os.path.abspath(path))))


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--max-state-vars", type=click.IntRange(1, 62), default=32, show_default=True)
@click.option("--out", type=click.Path(file_okay=False), default=None,
              help="Folder for sweep.jsonl and sweep.png [default: results/sweep-<time>].")
@click.option("--budget", type=click.FloatRange(min=0.0), default=0.1, show_default=True,
              help="Seconds per measurement (per shape, variant, interpreter and round).")
@rounds_and_interpreters(rounds=5)
@click.option("--report", "earlier", type=click.Path(dir_okay=False), default=None,
              help="Print and plot a sweep.jsonl measured earlier (any format) instead of "
                   "measuring; the plot goes to --out or beside the file.")
@click.option("--worker", is_flag=True, hidden=True)
def main(max_state_vars, out, budget, rounds, pythons, interpreters, earlier, worker):
    """Measure run_step per call, numpy vs unrolled, across controller sizes."""
    if worker:
        result_file.answer(list(measure(max_state_vars, budget)))
        return
    if earlier:
        report_file(earlier, out)
        return
    chosen = chosen_interpreters(pythons, interpreters)
    out = make_folder(out)
    by_round, order = run_rounds(chosen, rounds, max_state_vars, budget)
    head = sweep_file.header(rounds, budget, max_state_vars, CHUNKS, order, REPEAT_RULE,
                             machine(), time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()))
    write_and_print(combine(by_round), out, head)

