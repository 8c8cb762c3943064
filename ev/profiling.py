"""Recording a run for traces/: a vmprof profile, PyPy's JIT log, or both.

Both need their set-up before the interpreter starts (PYPYLOG is read at PyPy's start;
vmprof dlopens "libunwind.so", which Debian ships only as libunwind.so.8, and the loader reads
LD_LIBRARY_PATH at start), so ev.main runs the recorded evolution in a child process with the
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

CHILD_FLAG = "EV_RECORDING_CHILD"
JIT_LOG_CATEGORIES = "jit-log-opt,jit-backend-counts,jit-summary"
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


def run_recorded_child(argv, jit_log):
    """Run ``python -m ev.main argv`` in a child set up for recording; return its exit code,
    or print one line and return 1 if it died of a signal."""
    command = [sys.executable, "-m", "ev.main"] + list(argv)
    # Ctrl-C reaches the child, which stops cleanly; the parent just waits for it.  (A handler,
    # not SIG_IGN: an ignored signal would stay ignored in the child across exec.)
    previous = signal.signal(signal.SIGINT, lambda signum, frame: None)
    try:
        code = subprocess.call(command, env=child_environment(jit_log))
    finally:
        signal.signal(signal.SIGINT, previous)
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = str(-code)
        sys.stderr.write("error: the recorded run died of signal %s (a crash inside the "
                         "profiler or a C extension); records written so far are kept\n" % name)
        return 1
    return code


def native_frames_available():
    """vmprof records native (C) frames only when it can dlopen("libunwind.so")."""
    try:
        ctypes.CDLL("libunwind.so")
    except OSError:
        return False
    return True


@contextlib.contextmanager
def vmprof_recording(path, report):
    """Profile the body with vmprof into ``path``; ``report(message)`` says how it recorded.
    Also keeps the process's memory map beside the profile (``path + ".maps"``), so that the
    reader can name the library of native addresses that vmprof leaves unnamed on PyPy."""
    import vmprof
    native = native_frames_available()
    report("# profiling with vmprof into %s (real-time sampling, %s)" % (
        path, "native frames on" if native else
        "no native frames: libunwind.so cannot be loaded (apt-get install libunwind8)"))
    with open(path, "w+b") as out:
        vmprof.enable(out.fileno(), period=SAMPLE_PERIOD, real_time=True, native=native)
        try:
            yield
        finally:
            save_memory_map(path + ".maps")
            vmprof.disable()


def save_memory_map(path):
    try:
        with open("/proc/self/maps") as maps, open(path, "w") as out:
            out.write(maps.read())
    except OSError:
        pass
