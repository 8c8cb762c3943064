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
from traces.jit_attribution import JitMap
from traces.trace_names import trace_label

PERF_EVENT = ("-e", "cpu-clock", "-F", "499", "--call-graph", "dwarf,4096")
PERIOD_SECONDS = 1.0 / 499
SCRIPT_FIELDS = "pid,ip,dso"
LINE = re.compile(r"^\s*(\d+)\s+([0-9a-f]+)\s+\((.*)\)\s*$")
BROKEN = 0xfffffffffffff000   # perf's address for a frame it could not unwind to
HEADER = re.compile(r"^\s*(\d+)\s*$")   # the pid, right-aligned
FRAME = re.compile(r"^\s+([0-9a-f]+)\s+\((.*)\)\s*$")


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


def read_samples(path):
    """[(pid, [(address, dso)] innermost first)] from ``perf script -F pid,ip,dso``: one line
    per sample, or with call chains (recorded with --call-graph) a line with the pid and one
    line per frame.  Addresses in libraries are offsets in them; in anonymous memory (the
    JIT's code) absolute."""
    samples, current = [], None
    try:
        with open(path) as script:
            for line in script:
                single = LINE.match(line)
                if single and not line.startswith("\t"):   # frames are tab-indented
                    pid, ip, dso = single.groups()
                    samples.append((int(pid), [(int(ip, 16), dso)]))
                    current = None
                    continue
                header = HEADER.match(line)
                if header:
                    current = (int(header.group(1)), [])
                    samples.append(current)
                    continue
                frame = FRAME.match(line)
                if frame and current is not None and frame.group(2) != "inlined":
                    current[1].append((int(frame.group(1), 16), frame.group(2)))
    except OSError as error:
        raise InputError(path, error.strerror or str(error))
    return [s for s in samples if s[1]]


def is_anonymous(dso):
    """Code perf found no file for: the JIT's (PyPy writes no perf map; perf names the
    memory /tmp/perf-PID.map or [unknown])."""
    return dso.startswith("/tmp/perf-") or dso in ("unknown", "[unknown]", "//anon")


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


BENEATH = (("cpyext", "cpyext (C-API crossing and conversion)"),
           ("alloc", "allocation & GC"), ("natives", "native libraries"),
           ("call", "runtime called from JIT code"), ("jit", "JIT code"))


def beneath(op, leaf_dso):
    """What a sample beneath a call out of JIT code was doing, by the call (the op at the
    return address) and where the sample was: cpyext when the call is a C-API crossing (and
    the sample in libpypy), native libraries when it reached one (numpy through cpyext, libc,
    libm), allocation & GC for the allocation ops' slow path, else the runtime function the
    JIT called."""
    from traces.opclasses import classify
    cls = classify(op.name, op.args) if op is not None else None
    library = os.path.basename(leaf_dso)
    if not library.startswith("libpypy") and not library.startswith("[kernel"):
        return "natives"
    if cls == "cpyext":
        return "cpyext"
    if cls == "alloc" or (op is not None and "malloc" in op.args):
        return "alloc"
    return "call"


def per_line(log, perf_text_path):
    """{"functions": {function: {"samples": n, "lines": {line: {part: n}}}}, "traces":
    [(trace label, n)], "unlocated": n, "jit": n, "elsewhere": {dso: n}, "samples": n}:
    each sample is charged to the JIT code it ran in, or to the call out of JIT code it ran
    beneath (the innermost frame of its call chain in JIT code: the op at that return
    address), by part (BENEATH); samples with no JIT code on their chain go to ``elsewhere``
    by the library they ran in."""
    locator = CodeLocator(log)
    functions = collections.defaultdict(lambda: collections.defaultdict(collections.Counter))
    traces, elsewhere = collections.Counter(), collections.Counter()
    unlocated = jit = total = broken = 0
    for _pid, frames in read_samples(perf_text_path):
        total += 1
        found, depth = None, None
        for index, (address, dso) in enumerate(frames):
            if is_anonymous(dso):
                found = locator.locate(address if index == 0 else address - 1)
                if found is not None:
                    depth = index
                    break
        if found is None:
            if is_anonymous(frames[0][1]) and frames[0][0] < BROKEN:
                unlocated += 1
            elif frames[-1][0] >= BROKEN:
                broken += 1
            else:
                elsewhere[os.path.basename(frames[0][1])] += 1
            continue
        jit += 1
        trace, op, chain = found
        traces[trace_label(trace)] += 1
        part = "jit" if depth == 0 else beneath(op, frames[0][1])
        if op is None or not chain:
            functions["(%s)" % trace_label(trace)][None][part] += 1
            continue
        name, filename, first = chain[-1]
        line = op.position.lineno if op.position and op.position.function == name else None
        functions["%s (%s:%s)" % (name, filename, first)][line][part] += 1
    return {"functions": dict((f, {"samples": sum(sum(c.values()) for c in lines.values()),
                                   "lines": dict(lines)})
                              for f, lines in functions.items()),
            "traces": traces.most_common(), "unlocated": unlocated, "jit": jit,
            "elsewhere": dict(elsewhere), "samples": total, "period": PERIOD_SECONDS,
            "broken": broken}


FUNCTION = re.compile(r"^(.*) \((.*):(\d+)\)$")   # per_line's "name (file:first line)"


def function_parts(label):
    """(name, file, first line) of a per_line result's function label; None for a trace's
    own ops ('(loop 3 ...)')."""
    match = FUNCTION.match(label)
    return (match.group(1), match.group(2), int(match.group(3))) if match else None


def line_seconds(result):
    """{(file, line): {part: seconds}} of a per_line result, for the page."""
    times = collections.defaultdict(collections.Counter)
    for function, row in result["functions"].items():
        parts = function_parts(function)
        if parts is None:
            continue
        for line, counts in row["lines"].items():
            for part, n in counts.items():
                times[(parts[1], line)][part] += n * result["period"]
    return dict(times)


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


def render(result, top=8, lines=8):
    period = result["period"]
    out = ["%s: %d perf samples (%.2f s of CPU at one per %.1f ms): %d in JIT code or beneath "
           "a call out of it, %d in JIT code the log does not locate, %d whose call chain perf "
           "could not unwind to JIT code or to the program's start (not placed), %d with no "
           "JIT code on the chain (interpreter, tracer, start-up: %s)" % (
               result["perf"], result["samples"], result["samples"] * period, 1000 * period,
               result["jit"], result["unlocated"], result["broken"],
               sum(result["elsewhere"].values()),
               ", ".join("%s %d" % kv for kv in sorted(result["elsewhere"].items(),
                                                       key=lambda kv: -kv[1])[:4]))]
    parts = [p for p, _ in BENEATH]
    out += ["", "by function (the innermost function at the sampled instruction or call, "
            "inlined or not) and source line, seconds:",
            "%8s " % "total" + " ".join("%8s" % p for p in parts) + "  function / line"]
    ranked = sorted(result["functions"].items(), key=lambda kv: -kv[1]["samples"])
    for function, row in ranked[:top]:
        sums = collections.Counter()
        for counts in row["lines"].values():
            sums.update(counts)
        out.append("%8.2f " % (row["samples"] * period) + " ".join(
            "%8.2f" % (sums[p] * period) for p in parts) + "  " + function)
        ordered = sorted(row["lines"].items(), key=lambda kv: -sum(kv[1].values()))
        for line, counts in ordered[:lines]:
            out.append("%8.2f " % (sum(counts.values()) * period) + " ".join(
                "%8.2f" % (counts[p] * period) for p in parts) + "    line %s" % (
                    "? (no source position)" if line is None else line))
    out += ["", "parts: " + "; ".join("%s = %s" % kv for kv in BENEATH), "", "by trace:"]
    total = float(result["jit"]) or 1.0
    out += ["%6.1f%%  %s" % (100 * n / total, name) for name, n in result["traces"][:top]]
    return "\n".join(out)


@click.command(context_settings={"help_option_names": ["-h", "--help"],
                                 "ignore_unknown_options": True,
                                 "allow_interspersed_args": False})
@click.option("--out", "stem", help="Record into STEM.jitlog and STEM.perf [default: "
                                    "PROGRAM-perf, beside traces.record's PROGRAM.jitlog].")
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
        # PROGRAM-perf: traces.record's PROGRAM.jitlog belongs to its profile, never overwritten
        stem = stem or os.path.splitext(os.path.basename(command[0]))[0] + "-perf"
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
