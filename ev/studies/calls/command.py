"""``ev bench calls`` (``python -m benchmarks.calls``): what one call costs, and one numpy
run_step statement by statement.

For each interpreter (this one and the set-up's venvs, or --python PATH ...), pyperf times
every case of ``cases`` in fresh worker processes (``timer``); this command reads pyperf's
results and prints ns per call, per interpreter, side by side, net of the timing loop, and
whether each run_step's statements add up to the whole.
"""
import json
import os
import tempfile

import click

from ev.studies.calls.cases import CASES
from ev.studies.calls.model import decompositions, with_net
from ev.studies.calls.report import markdown
from ev.studies.calls.timer import benchmark_name
from ev.common.formats import UnknownFormat, object_format
from ev.pythons.interpreters import ROOT, default_interpreters
from ev.common import result_file

# The --json document (read back by --report).  History: 1 - {"format", "version",
# "pyperf_options", "interpreters"}; before it had a name (6b10243) the same object without
# the first two.
CALLS = object_format("ev-calls", "interpreters")


def failed(python, error):
    """A child's ChildFailed as the command's one-line error, naming the interpreter once."""
    if isinstance(error, result_file.CannotStart):
        return click.ClickException(str(error))
    return click.ClickException("%s: %s" % (python, error))


def unavailable_here(python):
    """{case name: why} of the cases ``python`` cannot run (the ``timer`` child's answer,
    ev.common.result_file)."""
    try:
        return result_file.ask([python, "-m", "ev.studies.calls.timer", "--unavailable"],
                               cwd=ROOT).result
    except result_file.ChildFailed as error:
        if "No module named 'pyperf'" in error.output:
            raise click.ClickException("%s has no pyperf (the set-up installs it: "
                                       "pip install pyperf)" % python)
        raise failed(python, error)


def time_cases(python, pyperf_options):
    """pyperf's suite of every available case, run in ``python``; (label, records)."""
    import pyperf
    unavailable = unavailable_here(python)
    with tempfile.TemporaryDirectory(prefix="ev-calls-") as scratch:
        suite_path = os.path.join(scratch, "suite.json")
        try:
            result_file.run_captured([python, "-m", "ev.studies.calls.timer", "--quiet",
                                      "-o", suite_path] + pyperf_options, cwd=ROOT)
        except result_file.ChildFailed as error:
            raise failed(python, error)
        suite = pyperf.BenchmarkSuite.load(suite_path)
    timed = dict((bench.get_name(), bench) for bench in suite.get_benchmarks())
    records = []
    for case in CASES:
        name = benchmark_name(case)
        record = {"group": case.group, "name": case.name, "role": case.role, "index": case.index,
                  "statement": case.stmt}
        if name in timed:
            record.update(ns=timed[name].median() * 1e9, mad_ns=mad_ns(timed[name]),
                          values=len(timed[name].get_values()))
        else:
            record["unavailable"] = unavailable.get(name, "not timed")
        records.append(record)
    return interpreter_label(suite), with_net(records)


def mad_ns(bench):
    """The median absolute deviation of the values, in ns: the spread that goes with a median
    (these machines' outliers blow a standard deviation up); None from a single value, which
    has no spread (main refuses settings that give one)."""
    return bench.median_abs_dev() * 1e9 if len(bench.get_values()) > 1 else None


class Refused(click.ClickException):
    """A setting that cannot give a figure with its spread: one line, exit 2."""
    exit_code = 2


def values_per_process(options):
    """--values in a list of pyperf options (pyperf's default, 3, when absent)."""
    options = [str(option) for option in options]
    return int(options[options.index("--values") + 1]) if "--values" in options else 3


def refuse_spreadless(values):
    """Each case's spread is the median absolute deviation of its values; a worker process's
    first value after warm-up is not comparable with another process's, so a spread needs at
    least two values per process."""
    if values < 2:
        raise Refused("--values %d cannot give a spread (each median needs at least two values "
                      "per worker process to go with it): use --values 2 or more" % values)


def interpreter_label(suite):
    """"CPython 3.11.7" or "PyPy 7.3.11", from pyperf's metadata."""
    version = suite.get_benchmarks()[0].get_metadata().get("python_version", "")
    words = version.split()
    if words[:1] == ["PyPy"]:
        return " ".join(words[:2])
    return "CPython " + words[0] if words else "python"


def read_saved(stream):
    """The interpreters' results of a --json output; a one-line error for anything else."""
    try:
        saved = CALLS.read(json.load(stream), stream.name)
        results = saved["interpreters"]
        values = values_per_process(saved.get("pyperf_options", []))
        results = [dict(r, records=with_net(r["records"])) for r in results]
    except UnknownFormat as error:
        raise click.ClickException(str(error))
    except (ValueError, KeyError, TypeError, AttributeError, IndexError):
        raise click.ClickException("%s is not an ev bench calls --json output" % stream.name)
    refuse_spreadless(values)
    return results


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--python", "pythons", multiple=True,
              help="An interpreter to measure (repeatable); default: this one and the "
                   "set-up's CPython and PyPy venvs.")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
@click.option("--report", "saved", type=click.File(), default=None,
              help="Print the tables of a saved --json output instead of timing.")
@click.option("--processes", type=click.IntRange(1), default=3, show_default=True,
              help="pyperf worker processes per case.")
@click.option("--values", type=int, default=5, show_default=True,
              help="pyperf values per worker process (at least 2: a spread needs them).")
@click.option("--min-time", type=click.FloatRange(min=0.0001), default=0.05,
              show_default=True, help="pyperf's minimum seconds per value.")
@click.option("--warmups", type=click.IntRange(0), default=None,
              help="Warm-up values per process (default: pyperf's; calibrated on PyPy).")
def main(pythons, as_json, saved, processes, values, min_time, warmups):
    """Per-call costs in ns, each interpreter side by side (pyperf: separate processes,
    calibrated loops, PyPy-aware warm-up).  About 10 minutes for two interpreters."""
    if saved is not None:
        click.echo(markdown(read_saved(saved)))
        return
    refuse_spreadless(values)
    try:
        import pyperf  # noqa: F401 (the results are read with it)
    except ImportError:
        raise click.ClickException("pyperf is not installed here (the set-up installs it: "
                                   "pip install pyperf)")
    options = ["--processes", str(processes), "--values", str(values),
               "--min-time", repr(min_time)]
    if warmups is not None:
        options += ["--warmups", str(warmups)]
    results = []
    for python in pythons or default_interpreters():
        if not as_json:
            click.echo("timing with %s ..." % python, err=True)
        label, records = time_cases(python, options)
        results.append({"python": python, "label": label, "records": records,
                        "run_steps": decompositions(records)})
    if as_json:
        click.echo(CALLS.dumps({"pyperf_options": options, "interpreters": results}, indent=1))
    else:
        click.echo(markdown(results))

