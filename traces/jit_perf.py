"""PyPy: time per source line of JIT code, from ``perf``'s exact instruction addresses.

vmprof keeps, for a sample in JIT code, only the start of the loop's or bridge's code, so it
cannot say which line ran.  ``perf record -e cpu-clock`` (a software event: it works where
hardware counters are not offered, as on most VMs) keeps the interrupted instruction's address.
The JIT log of the same run locates it: the block it falls in (``jit-backend-addr``) is a loop
or bridge, and the op whose offset ('+N:', counted from the block's start) is the last one at
or before it is the operation running; its debug_merge_point gives the source line and the
chain of inlined functions.  ``python -m traces.jit_perf -- prog.py ARGS`` (run with PyPy)
records both, into STEM.jitlog and STEM.perf (``perf script``'s lines: pid, instruction address, the code's
file), and prints JIT time per function and line.
"""
import bisect
import collections
import os
import re
import shutil
import subprocess

import click

from traces.errors import InputError
from traces.jit_attribution import JitMap, trace_label

PERF_EVENT = ("-e", "cpu-clock", "-F", "999")
SCRIPT_FIELDS = "pid,ip,dso"
LINE = re.compile(r"^\s*(\d+)\s+([0-9a-f]+)\s+\((.*)\)\s*$")


def perf_path(profile_path):
    return profile_path + ".perf"


def perf_command(data_path):
    """The prefix that runs a command under perf; None when perf is not installed."""
    perf = shutil.which("perf")
    if perf is None:
        return None
    return [perf, "record", "-q"] + list(PERF_EVENT) + ["-o", data_path, "--"]


def write_script(data_path, out_path):
    """Turn perf.data into the text this module reads (so that reading needs no perf), and
    remove perf.data; return an error sentence or None."""
    perf = shutil.which("perf")
    try:
        with open(out_path + ".tmp", "w") as out:
            done = subprocess.run([perf, "script", "-i", data_path, "-F", SCRIPT_FIELDS],
                                  stdout=out, stderr=subprocess.PIPE,
                                  universal_newlines=True)
        if done.returncode != 0:
            return "perf script failed: %s" % (done.stderr.strip().splitlines() or ["?"])[-1]
        os.replace(out_path + ".tmp", out_path)
    except OSError as error:
        return str(error)
    finally:
        for path in (data_path, out_path + ".tmp"):
            if os.path.exists(path):
                os.remove(path)
    return None


def read_addresses(path):
    """Counter of (pid, address) for the samples in anonymous memory (JIT code) and the
    number of samples elsewhere, by dso."""
    jit, elsewhere = collections.Counter(), collections.Counter()
    try:
        with open(path) as script:
            for line in script:
                match = LINE.match(line)
                if match is None:
                    continue
                pid, ip, dso = match.groups()
                if dso.startswith("/tmp/perf-") or dso in ("unknown", "[unknown]", "//anon"):
                    jit[(int(pid), int(ip, 16))] += 1
                else:
                    elsewhere[os.path.basename(dso)] += 1
    except OSError as error:
        raise InputError(path, error.strerror or str(error))
    return jit, elsewhere


class CodeLocator(object):
    """Address -> (trace, op, chain) through the JIT log's code ranges and op offsets."""

    def __init__(self, log):
        self.jit_map = JitMap(log)
        ranges = sorted((t.code.block, t.code.end, t) for t in log.traces if t.code)
        self.starts = [r[0] for r in ranges]
        self.ranges = ranges

    def locate(self, address):
        i = bisect.bisect_right(self.starts, address) - 1
        if i < 0:
            return None
        block, end, trace = self.ranges[i]
        if address >= end:
            return None
        offset = address - block
        chosen = None
        for index, op in enumerate(trace.ops):
            if op.offset is not None and op.offset <= offset:
                chosen = index
        if chosen is None:    # the trace's prologue: charged to its first operation
            chosen = next((i for i, op in enumerate(trace.ops) if op.offset is not None), None)
            if chosen is None:
                return trace, None, ()
        chains = self.jit_map.chains_of(trace)
        return trace, trace.ops[chosen], chains[chosen]


def per_line(log, perf_text_path):
    """{"functions": {function label: {"samples": n, "lines": [(line, n)]}}, "traces":
    [(trace label, n)], "unlocated": n, "jit": n, "elsewhere": {dso: n}} from one run's
    perf samples and JIT log."""
    jit, elsewhere = read_addresses(perf_text_path)
    locator = CodeLocator(log)
    functions = collections.defaultdict(collections.Counter)
    traces = collections.Counter()
    unlocated = 0
    for (_pid, address), n in jit.items():
        found = locator.locate(address)
        if found is None:
            unlocated += n
            continue
        trace, op, chain = found
        traces[trace_label(trace)] += n
        if op is None or not chain:
            functions["(%s, before its first operation)" % trace_label(trace)][None] += n
            continue
        name, filename, first = chain[-1]
        line = op.position.lineno if op.position and op.position.function == name else None
        functions["%s (%s:%s)" % (name, filename, first)][line] += n
    return {"functions": dict((f, {"samples": sum(c.values()),
                                   "lines": sorted(c.items(), key=lambda kv: -kv[1])})
                              for f, c in functions.items()),
            "traces": traces.most_common(), "unlocated": unlocated,
            "jit": sum(jit.values()), "elsewhere": dict(elsewhere)}


def record(command, stem, python):
    """Run ``python command...`` under perf with the JIT log on; write STEM.jitlog and
    STEM.perf; return the program's exit code."""
    from traces.recording import JIT_LOG_CATEGORIES
    data = stem + ".perf.data"
    prefix = perf_command(data)
    if prefix is None:
        raise click.ClickException("perf is not installed (Debian: apt-get install "
                                   "linux-perf)")
    env = dict(os.environ, PYPYLOG="%s:%s" % (JIT_LOG_CATEGORIES, os.path.abspath(
        stem + ".jitlog")))
    try:
        code = subprocess.call(prefix + [python] + list(command), env=env)
    except KeyboardInterrupt:
        code = 130
    if not os.path.exists(data):
        raise click.ClickException("perf wrote no samples (perf_event_paranoid? run "
                                   "'sysctl kernel.perf_event_paranoid=1' as root)")
    problem = write_script(data, perf_path(stem))
    if problem:
        raise click.ClickException(problem)
    return code


def render(result, top=8, lines=6):
    out = ["%s: %d perf samples in JIT code (%d not located in the log), %d elsewhere" % (
        result["perf"], result["jit"], result["unlocated"], sum(result["elsewhere"].values()))]
    out += ["", "JIT code by function (the innermost function running at the sampled "
            "instruction, inlined or not) and line:"]
    ranked = sorted(result["functions"].items(), key=lambda kv: -kv[1]["samples"])
    total = float(result["jit"]) or 1.0
    for function, row in ranked[:top]:
        out.append("%6.1f%%  %s" % (100 * row["samples"] / total, function))
        out.append("         " + ", ".join(
            "line %s %.1f%%" % ("?" if line is None else line, 100 * n / total)
            for line, n in row["lines"][:lines]))
    out += ["", "by trace:"]
    out += ["%6.1f%%  %s" % (100 * n / total, name) for name, n in result["traces"][:top]]
    return "\n".join(out)


@click.command(context_settings={"help_option_names": ["-h", "--help"],
                                 "ignore_unknown_options": True,
                                 "allow_interspersed_args": False})
@click.option("--out", "stem", help="Record into STEM.jitlog and STEM.perf [default: the "
                                    "program's name].")
@click.option("--read", "stem_to_read", help="Read STEM.jitlog and STEM.perf, recorded before.")
@click.option("--json", "as_json", is_flag=True)
@click.argument("command", nargs=-1, type=click.UNPROCESSED)
def main(stem, stem_to_read, as_json, command):
    """PyPy: JIT time per function and source line from perf (python -m traces.jit_perf --
    prog.py ARGS, run with the PyPy to measure)."""
    import json
    import platform
    import sys
    from traces.jitlog_reader import read_jitlog
    if not stem_to_read:
        if not command:
            raise click.UsageError("give a program (-- prog.py ARGS) or --read STEM")
        if platform.python_implementation() != "PyPy":
            raise click.UsageError("run this with PyPy: it records PyPy's JIT")
        stem = stem or os.path.splitext(os.path.basename(command[0]))[0]
        code = record(command, stem, sys.executable)
        if code != 0:
            click.echo("the program exited with %d; its recording is read" % code, err=True)
        stem_to_read = stem
    try:
        log = read_jitlog(stem_to_read + ".jitlog")
        if not log.has_addresses:
            raise InputError(log.path, "no jit-backend-addr section: the log cannot locate "
                                       "machine code (record with this command)")
        result = per_line(log, perf_path(stem_to_read))
    except InputError as error:
        click.echo("error: %s" % error, err=True)
        sys.exit(1)
    result["perf"] = perf_path(stem_to_read)
    click.echo(json.dumps(result, indent=1) if as_json else render(result))


if __name__ == "__main__":
    main()
