"""``ev bench sampler_field`` (``python -m benchmarks.sampler_field``): the study's command.

Its records, each named and versioned (ev.common.formats).  History: 1 - a line of
DIR/runs.jsonl is {"format": "ev-sampler-field-round", "version", "benchmark", "loops",
"round", "plain", "plain_exit", "load", "runs": [...]}; ``--json`` prints {"format":
"ev-sampler-field", "version", "rows": [those rounds]}.  Before they had names (ev before
2026-12-07) the same objects without "format" and "version", and ``--json`` the bare list."""
import os
import sys
import tempfile

import click

from ev.common import atomic
from ev.common.formats import object_format, rows_format
from ev.studies.sampler_field.cases import (LABELS, NAMED, SAMPLERS, benchmark_scripts,
                                            calibrate, round_of)
from ev.studies.sampler_field.report import table


FIELD = rows_format("ev-sampler-field")
RUN = object_format("ev-sampler-field-round", "runs")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--out", default=os.path.join("results", "sampler-field"), show_default=True,
              type=click.Path(file_okay=False), help="Folder of the records and the table.")
@click.option("--only", multiple=True, help="Only these benchmarks (repeatable).")
@click.option("--repeats", type=int, default=5, show_default=True,
              help="Rounds of each of the eight named benchmarks (the others: 1).")
@click.option("--samplers", "chosen", default=",".join(LABELS), show_default=True,
              help="Which, comma-separated (py-spy first: the others are compared with it).")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
def main(out, only, repeats, chosen, as_json):
    """Record pyperformance's benchmarks with every sampler; tabulate crashes, agreement and
    overhead."""
    try:
        scripts = benchmark_scripts()
    except ImportError:
        click.echo("error: pyperformance is not installed (pip install pyperformance)", err=True)
        sys.exit(1)
    if only:
        unknown = sorted(set(only) - set(scripts))
        if unknown:
            click.echo("error: not a benchmark that needs only pyperf: %s" % ", ".join(unknown),
                       err=True)
            sys.exit(2)
        scripts = dict((n, scripts[n]) for n in only)
    wanted = [label.strip() for label in chosen.split(",") if label.strip()]
    unknown = sorted(set(wanted) - set(LABELS))
    if unknown:
        click.echo("error: unknown sampler %s (one of: %s)" % (", ".join(unknown),
                                                              ", ".join(LABELS)), err=True)
        sys.exit(2)
    chosen = [entry for entry in SAMPLERS if entry[0] in wanted]
    os.makedirs(out, exist_ok=True)
    runs_path = os.path.join(out, "runs.jsonl")
    entries = []
    with tempfile.TemporaryDirectory(prefix="sampler-field-") as scratch:
        for name in sorted(scripts, key=lambda n: (n not in NAMED, n)):
            loops, problem = calibrate(scripts[name])
            if loops is None:
                click.echo("# %s: does not run here (%s)" % (name, problem), err=True)
                continue
            for number in range(repeats if name in NAMED else 1):
                entry = round_of(name, scripts[name], loops, scratch, number, chosen)
                entries.append(entry)
                with open(runs_path, "a") as records:
                    records.write(RUN.dumps(entry) + "\n")
                click.echo("# %s round %d: %s" % (name, number, ", ".join(
                    "%s %s" % (r["sampler"], "missing" if "missing" in r else
                               "CRASHED" if r["crashed"] else "FAILED" if r.get("failed")
                               else "x%.2f" % (r["overhead"] or 0))
                    for r in entry["runs"])), err=True)
    text = table(entries)
    atomic.write_text(os.path.join(out, "table.md"), text)
    click.echo(FIELD.dumps({"rows": entries}, indent=1) if as_json else text)

