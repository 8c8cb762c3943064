"""Where a run's time goes by kind of native code (numpy, libc/libm, the interpreter, the
kernel), measured with ``perf record -g`` from outside the interpreter, so it sees what a
profiler inside it cannot: vmprof 0.6.0 records no native frames on CPython 3.12+, and a profile
from it charges numpy's C time to the Python line that called it (``vmprof_note``).

CPython 3.12+ runs with ``-X perf`` (its perf trampoline) so Python functions are named in perf's
own reports too.  Each sample's leaf frame gives the *self* share of a kind; a kind anywhere in
the sample's stack gives its *inclusive* share (numpy's inclusive share counts the interpreter
work numpy asks for, such as the floats ``tolist`` makes).  Frame-pointer stacks: a library built
without frame pointers can hide its callers, so inclusive shares are lower bounds.

    python -m ev.pythons.native_share cpython3.14 -- -m ev.main -n 200 -g 3 --seed 42 --no-specialized
"""
import argparse
import collections
import contextlib
import glob
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time

from ev.common import result_file
from ev.pythons import names, probe, roots
from ev.pythons.interpreters import ROOT

KINDS = (   # (kind, substrings of a shared object's path), first match wins
    ("numpy", ("/numpy/", "numpy.libs", "openblas", "_multiarray_umath")),
    ("libc/libm", ("/libc.so", "/libm.so", "/ld-linux", "libc-", "libm-")),
    ("interpreter", ("/python3", "libpython", "pypy", "libpypy")),
    ("Python frames or JIT code (perf map)", ("/perf-", "[JIT]")),
    ("kernel", ("[kernel", "[vdso]")),
    ("unnamed (JIT code or no map)", ("[unknown]", "//anon")),
)
OTHER = "other native"


def kind_of(dso):
    for kind, marks in KINDS:
        if any(mark in dso for mark in marks):
            return kind
    return OTHER


def vmprof_note(about):
    """What a vmprof profile of this interpreter cannot show, in one sentence (None: it can).
    ``about`` is probe.describe()'s answer."""
    if about["implementation"] == "cpython" and tuple(
            int(part) for part in about["version"].split(".")[:2]) >= (3, 12):
        return ("this profile has no native frames (vmprof 0.6 records none on CPython %s): C time "
                "(numpy, libc, the interpreter's own) is charged to the calling Python line; "
                "`python -m ev.pythons.native_share` measures it with perf" % about["version"])
    return None


def profile_note(native_samples, samples, about=None):
    """The same sentence, decided from a profile itself: samples recorded, none of them in a
    native frame (whatever the interpreter: the report need not know why)."""
    if samples and not native_samples:
        version = " %s" % about["version"] if about else ""
        return ("this profile has no native frames (its profiler recorded none on %s%s): C time "
                "(numpy, libc, the interpreter's own) is charged to the calling Python line; "
                "`python -m ev.pythons.native_share` measures it with perf"
                % ((about or {}).get("implementation", "this interpreter"), version))
    return None


def perf_flags(about):
    """-X perf where CPython has the trampoline (3.12+)."""
    if about["implementation"] == "cpython" and tuple(
            int(part) for part in about["version"].split(".")[:2]) >= (3, 12):
        return ["-X", "perf"]
    return []


def record(interpreter, args, data, frequency=999, about=None):
    """Run ``python ARGS`` under perf record; returns (exit status, seconds, about, window)."""
    if not shutil.which("perf"):
        raise RuntimeError("perf is missing: apt-get install linux-perf")
    about = about or probe.describe(interpreter)
    command = (["perf", "record", "-q", "-k", "CLOCK_MONOTONIC", "-F", str(frequency), "-g",
                "-o", data, "--"] + interpreter.argv(perf_flags(about) + list(args)))
    started = time.time()
    # The answer file is made in the checkout, which a Debian root sees too (at /ev).
    with result_file.answer_file(interpreter.environ(), ROOT, interpreter.path) as (path, env):
        done = subprocess.run(command, env=env, stdin=subprocess.DEVNULL)
        seconds = time.time() - started
        between = window(result_file.optional_answer(path))
    return done.returncode, seconds, about, between


@contextlib.contextmanager
def perf_maps_out_of(interpreter, since):
    """The run's perf maps (CPython's -X perf, PyPy's JIT) moved from the root's /tmp to the
    host's, where perf looks, for as long as the samples are read; removed afterwards."""
    moved = []
    if interpreter.suite:
        for perf_map in glob.glob(os.path.join(roots.root_of(interpreter.suite), "tmp",
                                               "perf-*.map")):
            if os.path.getmtime(perf_map) >= since - 1:
                target = os.path.join("/tmp", os.path.basename(perf_map))
                if not os.path.exists(target):
                    shutil.move(perf_map, target)
                    moved.append(target)
    try:
        yield
    finally:
        for target in moved:
            with contextlib.suppress(OSError):
                os.remove(target)


def window(answer):
    """(start, end) CLOCK_MONOTONIC seconds of the part of the run to attribute, when the
    program answered {"window": [start, end]} in the file ev.common.result_file names (``ev
    bench numpy_share --generations-only`` does: its timed generations only), else None."""
    found = answer.get("window") if isinstance(answer, dict) else None
    if (isinstance(found, list) and len(found) == 2
            and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in found)):
        return float(found[0]), float(found[1])
    return None


def samples(data, symfs=None, between=None):
    """Each sample's stack as a list of shared objects, leaf first (from ``perf script``);
    only samples taken ``between`` (start, end) CLOCK_MONOTONIC seconds when given."""
    for moment, stack in timed_samples(data, symfs):
        if between is None or between[0] <= moment <= between[1]:
            yield stack


def timed_samples(data, symfs=None):
    command = ["perf", "script", "-i", data, "-F", "comm,pid,time,ip,dso"]
    if symfs:
        command += ["--symfs", symfs]
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                          universal_newlines=True, errors="replace") as perf:
        stack, moment = [], None
        for line in perf.stdout:
            if line.startswith(("\t", " ")) and line.strip():
                dso = line.strip().partition(" ")[2].strip("()")
                stack.append(dso or "[unknown]")
                continue
            if stack:
                yield moment, stack
            stack, moment = [], header_time(line)
        if stack:
            yield moment, stack


def header_time(line):
    """The time of a ``perf script`` sample header ('comm pid 1234.567890: ')."""
    for word in line.split():
        if word.endswith(":"):
            try:
                return float(word[:-1])
            except ValueError:
                pass
    return None


def shares(stacks):
    """{kind: {"self": %, "inclusive": %}} and the number of samples."""
    own, anywhere, count = collections.Counter(), collections.Counter(), 0
    for stack in stacks:
        count += 1
        kinds = [kind_of(dso) for dso in stack]
        own[kinds[0]] += 1
        for kind in set(kinds):
            anywhere[kind] += 1
    table = {kind: {"self": round(100.0 * own[kind] / count, 1),
                    "inclusive": round(100.0 * anywhere[kind] / count, 1)}
             for kind in sorted(set(own) | set(anywhere), key=lambda k: -own[k])} if count else {}
    return table, count


def measure(interpreter, args, frequency=999, keep=None):
    """Record and attribute: a dict for a report (--json prints it)."""
    scratch = tempfile.mkdtemp(prefix="ev-perf-")
    data = keep or os.path.join(scratch, "perf.data")
    try:
        started = time.time()
        status, seconds, about, between = record(interpreter, args, data, frequency)
        symfs = roots.root_of(interpreter.suite) if interpreter.suite else None
        with perf_maps_out_of(interpreter, started):
            table, count = shares(samples(data, symfs, between))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
    native = sum(row["self"] for kind, row in table.items()
                 if kind in ("numpy", "libc/libm", OTHER))
    return {"interpreter": interpreter.label, "ran": probe.summary(about), "command": list(args),
            "exit_status": status, "seconds": round(seconds, 2), "samples": count,
            "window": "the program's window" if between else "the whole run (start-up included)",
            "frequency_hz": frequency, "kinds": table, "native_self_excluding_interpreter":
            round(native, 1), "vmprof_would_say": vmprof_note(about)}


def render(result):
    lines = ["%s (%s): %d samples at %d Hz in %s (run %.1f s, exit %d)" % (
        result["interpreter"], result["ran"], result["samples"], result["frequency_hz"],
        result["window"], result["seconds"], result["exit_status"]),
        "  %-34s %7s %10s" % ("kind of code", "self %", "inclusive %")]
    for kind, row in result["kinds"].items():
        lines.append("  %-34s %7.1f %10.1f" % (kind, row["self"], row["inclusive"]))
    lines.append("  native code outside the interpreter (self): %.1f%%"
                 % result["native_self_excluding_interpreter"])
    lines.append("  (inclusive: the kind anywhere in a sample's stack. libc and the interpreter "
                 "hold main() at the bottom of every whole stack: read it for numpy; the Python "
                 "frames' says how many stacks perf walked up to Python code)")
    if result["vmprof_would_say"]:
        lines.append("  vmprof on this interpreter: " + result["vmprof_would_say"])
    return "\n".join(lines)


def main(argv=None):
    parser = argparse.ArgumentParser(prog="python -m ev.pythons.native_share",
                                     description=__doc__.split("\n\n")[0])
    parser.add_argument("interpreters", help="as --interpreters: names or paths, comma-separated")
    parser.add_argument("args", nargs=argparse.REMAINDER, help="-- then the python arguments")
    parser.add_argument("-F", "--frequency", type=int, default=999)
    parser.add_argument("--json", action="store_true")
    options = parser.parse_args(argv)
    args = options.args[1:] if options.args[:1] == ["--"] else options.args
    if not args:
        parser.error("give the python arguments after --")
    try:
        chosen = names.parse(options.interpreters)
        results = []
        for interpreter in chosen:
            if interpreter.missing():
                raise names.InterpreterError(interpreter.missing())
            results.append(measure(interpreter, args, options.frequency))
    except (names.InterpreterError, probe.NotPython, RuntimeError) as error:
        sys.exit("native_share: error: %s" % error)
    except KeyboardInterrupt:
        sys.exit("native_share: interrupted")
    print(json.dumps(results, indent=1) if options.json else "\n".join(map(render, results)))


if __name__ == "__main__":
    main()
