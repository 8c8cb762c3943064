"""Recording a run for traces/: a vmprof profile, PyPy's JIT log, or both, of any program
(traces.record) or of ev's evolution (ev.main --profile / --jit-log).

Both need their set-up before the interpreter starts (PYPYLOG is read at PyPy's start;
vmprof dlopens "libunwind.so", which Debian ships only as libunwind.so.8, and the loader reads
LD_LIBRARY_PATH at start), so the recorded program runs in a child process with the
environment prepared.  The parent also turns a crash of the child into a one-line error.
"""
import contextlib
import ctypes
import glob
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time

from traces import atomic, attach, samplers
from traces.project import meta_path, meta_text

CHILD_FLAG = "EV_RECORDING_CHILD"   # set in the child's environment (ev.main tests it)
JIT_LOG_CATEGORIES = "jit-log-opt,jit-backend-counts,jit-summary,jit-backend-addr"
SAMPLE_PERIOD = 0.001  # with real_time=True: ~1,000 samples/s (the SIGPROF timer caps near 250)


def is_pypy():
    return platform.python_implementation() == "PyPy"


def in_child():
    return os.environ.get(CHILD_FLAG) == "1"


def find_libunwind():
    """Path of the system's libunwind (e.g. /usr/lib/x86_64-linux-gnu/libunwind.so.8) or None."""
    patterns = ("/usr/lib/*/libunwind.so.8", "/usr/lib/libunwind.so.8", "/lib/*/libunwind.so.8")
    candidates = sorted(path for pattern in patterns for path in glob.glob(pattern))
    return candidates[0] if candidates else None


def libunwind_folder():
    """A folder holding a ``libunwind.so`` link to the system's libunwind, or None."""
    target = find_libunwind()
    if target is None:
        return None
    folder = os.path.join(tempfile.gettempdir(), "ev-libunwind-%d" % os.getuid())
    link = os.path.join(folder, "libunwind.so")
    try:
        os.makedirs(folder, exist_ok=True)
        if os.path.realpath(link) != os.path.realpath(target):
            if os.path.lexists(link):
                os.remove(link)
            os.symlink(target, link)
    except OSError:
        return None
    return folder


def child_environment(jit_log):
    env = dict(os.environ)
    env[CHILD_FLAG] = "1"
    if jit_log:
        env["PYPYLOG"] = "%s:%s" % (JIT_LOG_CATEGORIES, os.path.abspath(jit_log))
    folder = libunwind_folder()
    if folder:
        env["LD_LIBRARY_PATH"] = os.pathsep.join(
            [folder] + [p for p in env.get("LD_LIBRARY_PATH", "").split(os.pathsep) if p])
    return env


FORWARDED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


def run_recorded_child(command, jit_log, what="the recorded run", stderr=None, stdout=None,
                       pass_fds=(), targets=None):
    """Run ``command`` (a list) in a child set up for recording; return its exit code, or
    print one line and return 1 if it died of a signal.

    The child has a process group of its own, and the parent passes on Ctrl-C, SIGTERM and
    SIGHUP: each reaches the child exactly once, whether it was sent to the terminal's group
    or to the parent alone, and the child stops cleanly and keeps what it finished.
    ``targets``: a function of the child's pid giving the pids the signals go to instead
    (an out-of-process sampler passes them to the program it runs, so that the program
    stops and the sampler finishes its file); ``stderr``, ``stdout``, ``pass_fds``: as for
    Popen."""
    child = subprocess.Popen(command, env=child_environment(jit_log), preexec_fn=os.setpgrp,
                             stderr=stderr, stdout=stdout, pass_fds=pass_fds)

    def forward(signum, frame):
        for pid in (targets(child.pid) if targets else None) or [child.pid]:
            with contextlib.suppress(OSError):
                os.kill(pid, signum)

    previous = dict((signum, signal.signal(signum, forward)) for signum in FORWARDED_SIGNALS)
    try:
        code = child.wait()
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)
    if code < 0:
        sys.stderr.write("error: %s died of signal %s (a crash inside the profiler or a C "
                         "extension, or killed); what was written so far is kept\n"
                         % (what, signal_name(-code)))
        return 128 - code   # as a shell says it: a caller tells a crash by the status alone
    return code


def children_of(pid):
    """The pids of a process's children (Linux /proc), [] when they cannot be read."""
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as children:
            return [int(p) for p in children.read().split()]
    except (OSError, ValueError):
        return []


def signal_name(number):
    try:
        return signal.Signals(number).name
    except ValueError:
        return str(number)


def native_frames_available():
    """vmprof records native (C) frames only when it can dlopen("libunwind.so")."""
    try:
        ctypes.CDLL("libunwind.so")
    except OSError:
        return False
    return True


@contextlib.contextmanager
def vmprof_recording(path, report, lines=False, scope=""):
    """Profile the body with vmprof into ``path``; ``report(message)`` says how it recorded;
    ``lines``: also the line each frame was at (vmprof --lines); ``scope``: what part of the
    run is recorded, said after the path (ev.main: " from generation 43"), so that the log
    says what the profile covers.
    Also keeps the process's memory map beside the profile (``path + ".maps"``), so that the
    reader can name the library of native addresses that vmprof leaves unnamed on PyPy."""
    import vmprof
    native = native_frames_available()
    report("# profiling with vmprof into %s%s (real-time sampling, %s)" % (
        path, scope, "native frames on" if native else
        "no native frames: libunwind.so cannot be loaded (apt-get install libunwind8)"))
    with contextlib.suppress(FileNotFoundError):
        os.remove(path + ".meta.json")   # traces.record's description of an earlier recording
    with open(path, "w+b") as out:
        try:
            vmprof.enable(out.fileno(), period=SAMPLE_PERIOD, real_time=True, native=native,
                          lines=lines)
        except Exception as error:  # PyPy's _vmprof: "vmprof buffers full! disk full or ..."
            raise ProfileNotWritten(None, "vmprof could not start: %s%s"
                                    % (error, set_aside(path)), path)
        try:
            yield
        finally:
            mapped = read_memory_map()   # as it was while sampling; written once stopped,
            try:                         # so that its fsync is not sampled
                stop_vmprof(vmprof, path)
            finally:
                save_memory_map(path + ".maps", mapped)


@contextlib.contextmanager
def this_process(sampler, path, report, scope="", description=None,
                 rate=samplers.DEFAULT_RATE, native=False):
    """Record this process with ``sampler`` (traces.samplers) into ``path`` while the body
    runs: vmprof in process, py-spy or austin attached from outside (traces.attach);
    ``report(message)`` says how, ``scope`` what part of the run (as for vmprof_recording).
    Once the profile is whole, PATH.meta.json says what recorded it: ``description`` (a
    dict: the recorder's name, its project, categories of its own) with the sampler, rate,
    native frames, interpreter and seconds.  Raise traces.attach.NotRecorded (py-spy,
    austin) or ProfileNotWritten (vmprof), one line, when the sampler cannot start or
    finish."""
    with contextlib.suppress(FileNotFoundError):
        os.remove(meta_path(path))
    outside = sampler in samplers.OUTSIDE
    span = {}
    try:
        if outside:
            report("# profiling with %s into %s%s (from outside the process, %d samples/s, "
                   "%s)" % (sampler, path, scope, rate, "native frames on" if native else
                            "Python frames only"))
            with attach.outside_recording(sampler, path, rate, native):
                with timed(span):
                    yield
        else:
            with vmprof_recording(path, report, scope=scope):
                with timed(span):
                    yield
    finally:
        if os.path.exists(path):
            write_meta(path, dict(description or {}, sampler=sampler,
                                  rate=rate if outside else None,
                                  native=native if sampler == samplers.PY_SPY else
                                  sampler == samplers.VMPROF and native_frames_available(),
                                  seconds=round(span.get("seconds", 0.0), 3),
                                  interpreter=platform.python_implementation(),
                                  python=sys.executable,
                                  python_version=platform.python_version()))


@contextlib.contextmanager
def timed(span):
    """span["seconds"]: how long the body ran (the sampler's start and stop left out)."""
    began = time.perf_counter()
    try:
        yield
    finally:
        span["seconds"] = time.perf_counter() - began


def write_meta(path, meta):
    """PATH.meta.json; best effort (without it a reader takes the profile for ev's, with
    the sampler's nominal rate)."""
    with contextlib.suppress(OSError):
        atomic.write_text(meta_path(path), meta_text(meta))


class ProfileNotWritten(OSError):
    """vmprof could not finish the profile (a full disk): the run's other output is kept, and
    the recording child must leave with ``exit_child``: vmprof left half-disabled hangs the
    interpreter's shutdown (it spins in vmprof_register_virtual_function)."""


_vmprof_left_broken = []  # set when vmprof.disable() failed: see exit_child


def stop_vmprof(vmprof, path):
    """Stop vmprof.  On PyPy, vmprof.disable() reads the profile back with vmprof's Python
    reader: the JIT is switched off first, or that reader's loops would be compiled into the
    JIT log as if they were the program's."""
    if is_pypy():
        import pypyjit
        pypyjit.set_param("off")
    try:
        vmprof.disable()
    except Exception as error:  # vmprof wraps the OSError in a plain Exception
        _vmprof_left_broken.append(path)
        cause = error.__context__ if isinstance(error.__context__, OSError) else error
        reason = getattr(cause, "strerror", None) or str(cause)
        raise ProfileNotWritten(getattr(cause, "errno", None), reason + set_aside(path), path)


def set_aside(path):
    """Rename a cut profile to PATH.incomplete, so that it never passes for a whole one;
    return the words that say so."""
    try:
        os.replace(path, path + ".incomplete")
    except OSError:
        return ""
    return " (what was written is in %s.incomplete)" % path


def exit_child(status):
    """End the recording child.  Normally through the interpreter's shutdown (PyPy writes
    the JIT log's backend counts there); after vmprof failed to stop, at once, output
    flushed, since that shutdown would hang."""
    if _vmprof_left_broken:
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(status)
    sys.exit(status)


def read_memory_map():
    try:
        with open("/proc/self/maps") as maps:
            return maps.read()
    except OSError:
        return None


def save_memory_map(path, mapped):
    """Best effort: without it the reader names fewer native frames, and says so."""
    if mapped is None:
        return
    try:
        atomic.write_text(path, mapped)
    except OSError:
        pass
