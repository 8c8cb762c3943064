"""PyPy: time per source line of JIT code, from ``perf``'s exact instruction addresses.

vmprof keeps, for a sample in JIT code, only the start of the loop's or bridge's code, so it
cannot say which line ran.  ``perf record -e cpu-clock`` (a software event: it works where
hardware counters are not offered, as on most VMs) keeps the interrupted instruction's address.
The JIT log of the same run locates it: the block it falls in (``jit-backend-addr``) is a loop
or bridge, and the op whose offset ('+N:', counted from the block's start) is the last one at
or before it is the operation running; its debug_merge_point gives the source line and the
chain of inlined functions.  traces.record --perf records this beside the profile
(PROFILE.perf: ``perf script``'s lines: pid, instruction address, the code's file).
"""
import bisect
import collections
import os
import re
import shutil
import subprocess

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
