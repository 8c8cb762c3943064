"""Which sampler records a program, by interpreter: the choice, and what each needs.

- py-spy (out of process, PyPI's ``py-spy``): reads the program's memory from outside, so it
  cannot crash it; names Python functions by qualified name and, with ``--native`` (not the
  default: it doubles the wall time and over-weights start-up), the C functions they call
  (libpython's, extensions', libc's), not the eval loop's own work.  CPython only (no PyPy support,
  py-spy#484).  The default on CPython.
- austin (out of process, PyPI's ``austin-dist``): does not pause the program; Python frames
  only.  A second, independent sampler on CPython (the tests check one against the other).
- perf (Linux's ``perf``, out of process, from the kernel; CPython 3.13+ with ``-X perf_jit``):
  the one that names native frames beside Python ones on CPython 3.12+ (the interpreter's
  exported functions, numpy's, libc's).  DWARF unwinding copies 32 KB of stack per sample:
  the dearest of the out-of-process samplers (measured in docs/own-program.md).  Only when
  asked.  Debian: ``apt-get install linux-perf``.
- profiling.sampling (CPython 3.15's own sampler, in the standard library; out of process):
  nothing to install; names Python functions by qualified name with their line and marks the
  garbage collector running (``<GC>``); it names no C function (its ``--native`` marks only
  where C code called Python again).  Only when asked (traces.sampling_stacks).
- vmprof (in process, a signal handler): the one that sees PyPy's JIT code, the default on
  PyPy.  On CPython 3.11 its handler can kill the program (vmprof 0.6.0: SIGSEGV in
  ``sigprof_handler`` -> ``unsafe_PyThreadState_GetInterpreterFrame`` during a call through
  ``slot_nb_subtract``; pyperformance's raytrace, chaos and float every time): only when asked.

The measurements behind the choice are in docs/own-program.md.
"""
import errno
import os
import platform
import re
import shutil
import subprocess
import sys

from traces import perf_stacks, sampling_stacks

PY_SPY, AUSTIN, VMPROF, PERF = "py-spy", "austin", "vmprof", "perf"
STDLIB = sampling_stacks.NAME   # "profiling.sampling"
AUSTIN_START_SECONDS = 5
SAMPLERS = (PY_SPY, AUSTIN, PERF, STDLIB, VMPROF)
DEFAULT_RATE = 250   # samples/s of py-spy and austin: py-spy --native pauses the program per sample
OUTSIDE = (PY_SPY, AUSTIN, PERF, STDLIB)   # out of process: they start the program as their child
ATTACHABLE = (PY_SPY, AUSTIN)      # ... and can attach to a running one (traces.attach)
BINARY_ENV = {PY_SPY: "TRACES_PY_SPY", AUSTIN: "TRACES_AUSTIN",
              PERF: "TRACES_PERF"}   # tests point them elsewhere
INSTALL = {PY_SPY: "pip install py-spy",
           AUSTIN: "pip install 'austin-dist==3.7.0' (4.0 needs glibc 2.38)",
           PERF: "apt-get install linux-perf (Debian; the linux-tools package elsewhere)"}

VMPROF_CRASH = ("in process; on CPython its signal handler can kill the program (vmprof 0.6.0 "
                "on 3.11: SIGSEGV in sigprof_handler, e.g. pyperformance's raytrace, chaos, "
                "float)")
DESCRIPTIONS = {
    PY_SPY: "out of process (cannot crash the program); CPython only; with --native (up to "
            "3.13) names the C functions the program calls, not the eval loop's own work",
    AUSTIN: "out of process, does not pause the program; CPython only (austin 3.7: up to "
            "3.13); Python frames only",
    PERF: "Linux perf, out of process; CPython 3.13+ (-X perf_jit): names native frames "
          "beside Python ones, no line numbers; the dearest (DWARF unwinding)",
    STDLIB: "CPython 3.15's own, in the standard library: out of process, nothing to install; "
            "Python frames, and the garbage collector as <GC>; no C function named",
    VMPROF: "sees PyPy's JIT code; " + VMPROF_CRASH + "; on 3.14 and 3.15 none of 56 "
            "recordings crashed, but it records few native frames there",
}


class NoSampler(Exception):
    """The sampler asked for (or the default) cannot run here: one line saying what to
    install or what to use instead."""


def is_pypy():
    return platform.python_implementation() == "PyPy"


def binary(sampler):
    """The sampler's executable: $TRACES_PY_SPY / $TRACES_AUSTIN / $TRACES_PERF, else the one
    installed beside this interpreter (pip puts it in the venv's bin), else the first on PATH;
    or None."""
    variable = BINARY_ENV[sampler]
    if variable in os.environ:
        path = os.environ[variable]
        return path if os.path.isfile(path) and os.access(path, os.X_OK) else None
    beside = os.path.join(os.path.dirname(sys.executable), sampler)
    if os.path.isfile(beside) and os.access(beside, os.X_OK):
        return beside
    return shutil.which(sampler)


def command(sampler, output, rate, native, program=None, pid=None):
    """The command line that records ``program`` (a list), or the running process ``pid``,
    into ``output``."""
    if sampler == PERF:   # pid: not offered (traces.attach takes py-spy and austin)
        return perf_stacks.record_command(binary(PERF), output, rate, program)
    if sampler == STDLIB:  # program: [python, the start-up script, its config]
        return sampling_stacks.record_command(sys.executable, output, rate, program)
    if sampler == PY_SPY:
        return [binary(PY_SPY), "record", "--format", "raw", "--full-filenames",
                "--rate", str(rate), "--output", output] + (
                    ["--native"] if native else []) + (
                    ["--pid", str(pid)] if pid else ["--"] + program)
    # --timeout: how long austin waits for the new process to show it is Python (its default,
    # 100 ms, is shorter than a venv's start on a loaded machine: "not a Python process")
    return [binary(AUSTIN), "--interval", "%dus" % (1000000 // rate), "--timeout", "%ds"
            % AUSTIN_START_SECONDS, "--output", output] + (
                ["--pid", str(pid)] if pid else program)


def write_error(said):
    """The errno of a failed write a sampler reported ("File too large (os error 27)"), or
    None."""
    found = re.search(r"\(os error (\d+)\)", said)
    number = int(found.group(1)) if found else None
    return number if number in (errno.EFBIG, errno.ENOSPC, errno.EDQUOT, errno.EROFS,
                                errno.EACCES, errno.EIO) else None


def problem_from(sampler, said, code):
    """One line from what an out-of-process sampler printed when it failed."""
    lines = [line.replace("py-spy>", "").strip() for line in said.splitlines()]
    lines = [line for line in lines if line and not line.startswith(
        ("Sampling process", "You can use", "#"))]
    if sampler == PERF:   # perf: "Error:" alone, then what went wrong over several lines
        told = [line for line in lines if line != "Error:"]
        text = told[0][:300] if told else "no samples written (exit status %s)" % code
        if re.search(r"perf_event_paranoid|ermission|CAP_PERFMON|CAP_SYS_ADMIN", said):
            return ("perf may not sample here (%s): run as root, or lower "
                    "/proc/sys/kernel/perf_event_paranoid (in a container: --cap-add PERFMON); "
                    "or use the default py-spy" % text)
        return "perf failed: %s" % text
    errors = [line for line in lines if line.startswith("Error:")]   # py-spy's, then a backtrace
    if errors:
        lines = [errors[0][len("Error:"):].strip()]
    text = " ".join(lines)[:300] or "no samples written (exit status %s)" % code
    if re.search(r"ermission|not permitted|EPERM|ptrace", text):
        return ("%s may not read the program's memory here (ptrace not permitted: in a "
                "container, run it with --cap-add SYS_PTRACE; or see "
                "/proc/sys/kernel/yama/ptrace_scope): %s.  Record with --sampler vmprof "
                "instead (%s)" % (sampler, text, VMPROF_CRASH))
    return "%s failed: %s" % (sampler, text)


def stdlib_missing():
    """Why profiling.sampling cannot record under this CPython (one line), or None."""
    if sys.version_info < (3, 15):
        return ("profiling.sampling is CPython 3.15's (this is %d.%d): use the default py-spy"
                % sys.version_info[:2])
    try:
        import profiling.sampling.binary_reader  # noqa: F401
    except ImportError as error:
        return "profiling.sampling cannot be imported here (%s): use the default py-spy" % error
    return None


def has_vmprof():
    try:
        import vmprof  # noqa: F401
    except ImportError:
        return False
    return True


def austin_version(path):
    """austin's version ("3.7.0"), "" when it does not say."""
    try:
        said = subprocess.run([path, "-V"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              universal_newlines=True, errors="replace", timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    found = re.search(r"(\d+\.\d+\.\d+)", said)
    return found.group(1) if found else ""


def missing(sampler):
    """Why ``sampler`` cannot record under this interpreter (one line), or None."""
    if sampler in OUTSIDE:
        if is_pypy():
            return "%s does not read PyPy's stacks: use --sampler vmprof" % sampler
        if sampler == AUSTIN and sys.version_info >= (3, 14) and binary(AUSTIN) \
                and austin_version(binary(AUSTIN)).startswith("3."):
            return ("austin %s cannot launch CPython %d.%d (it says 'Cannot launch the given "
                    "command'): use the default py-spy, or --sampler perf"
                    % ((austin_version(binary(AUSTIN)),) + sys.version_info[:2]))
        if sampler == STDLIB:
            return stdlib_missing()
        if sampler == PERF and binary(PERF) is None:
            return "perf is not installed: %s (or the default py-spy)" % INSTALL[PERF]
        if sampler == PERF and sys.version_info < (3, 13):
            return ("perf names Python frames on CPython 3.13+ (-X perf_jit); this is %d.%d: "
                    "use the default py-spy" % sys.version_info[:2])
        if binary(sampler) is None:
            return ("%s is not installed for %s: %s (or --sampler vmprof, %s)"
                    % (sampler, sys.executable, INSTALL[sampler], VMPROF_CRASH))
        return None
    if sampler == VMPROF:
        return None if has_vmprof() else "vmprof is not installed: pip install vmprof"
    return "unknown sampler %s (one of: %s)" % (sampler, ", ".join(SAMPLERS))


def native_problem(sampler):
    """Why ``sampler``'s native frames cannot be trusted under this interpreter, or None.
    py-spy 0.4.3 --native on Debian's CPython 3.14.10 and 3.15.2 (built without frame
    pointers): every sample's innermost frame is one and the same address in libc (99-100%
    of a loop's samples "in libc"); 3.12 and 3.13 are not measured."""
    if sampler == STDLIB:
        return ("profiling.sampling names no C function (its --native marks only where C code "
                "called Python again): use --sampler perf to name native frames")
    if sampler == PY_SPY and not is_pypy() and sys.version_info >= (3, 14):
        return ("py-spy --native is not trustworthy on CPython %d.%d (measured on 3.14 and "
                "3.15: every sample ends at one libc address): use --sampler perf to name "
                "native frames" % sys.version_info[:2])
    return None


def default_sampler():
    """(sampler, why) for this interpreter; raise NoSampler when its safe sampler is missing
    (an in-process sampler that can kill the program is never taken instead)."""
    if is_pypy():
        return VMPROF, "PyPy: vmprof is the sampler that sees JIT code (py-spy cannot read PyPy)"
    problem = missing(PY_SPY)
    if problem:
        raise NoSampler(problem)
    return PY_SPY, ("CPython: py-spy samples from outside the process, so it cannot crash "
                    "the program, as vmprof can")


DEFAULTS = ("py-spy on CPython (3.11, 3.14 and 3.15 measured: from outside, no crash in any "
            "recording, the cheapest; perf, which also names native frames on 3.13+, costs "
            "about twice as much; austin 3.7 cannot launch 3.14+), vmprof on PyPy (the one "
            "sampler that sees JIT code)")


def describe_default():
    """The default here and why, for --help (a missing py-spy said, not raised)."""
    try:
        sampler, why = default_sampler()
    except NoSampler as problem:
        return "none here: %s" % problem
    return "%s (%s)" % (sampler, why)


def choose(asked):
    """The sampler to record with: ``asked`` (a name or None for the default) checked;
    raise NoSampler with one line when it cannot run."""
    if asked is None:
        return default_sampler()[0]
    problem = missing(asked)
    if problem:
        raise NoSampler(problem)
    return asked
