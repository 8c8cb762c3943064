"""The child process of traces.record: runs the program as ``python prog.py ARGS`` (or
``python -m module ARGS``) would, inside the recording.

The program sees its own sys.argv and sys.path[0] (its folder; the current folder with -m), not
this checkout's; its exit code is the child's.  An exception in the program prints its
traceback as Python would, after the profile is finished.
"""
import contextlib
import json
import os
import runpy
import signal
import sys
import traceback

from traces import recording


def main(config_text):
    config = json.loads(config_text)
    checkout = config["checkout"]
    if sys.path and sys.path[0] == checkout:
        del sys.path[0]
    for target, fd in enumerate(config.get("std_fds") or (), 1):
        with contextlib.suppress(OSError):   # under a sampler: the program's own stdout, stderr
            os.dup2(fd, target)
            os.close(fd)
    if config.get("pid_file"):   # under a sampler: traces.record stops us if it dies first
        with contextlib.suppress(OSError), open(config["pid_file"], "w") as out:
            out.write("%d\n" % os.getpid())
    status = run(config, StopSignals())
    if config.get("status"):
        write_status(config["status"], status)
    recording.exit_child(status)


def write_status(path, status):
    """The program's exit status, as a record for traces.record (an out-of-process sampler
    does not pass it on)."""
    with contextlib.suppress(OSError):
        with open(path + ".tmp", "w") as out:
            json.dump({"exit": status}, out)
        os.replace(path + ".tmp", path)


def run(config, signals):
    """The program's exit status."""
    script, module, args = config["script"], config["module"], config["args"]
    sys.argv = [script or module] + args
    sys.path[0:1] = [os.path.dirname(script) if script else os.getcwd()]
    profile = config["profile"] if config.get("sampler", "vmprof") == "vmprof" else None
    try:
        if profile:
            with recording.vmprof_recording(profile, quiet, lines=config["lines"]):
                return run_program(script, module, signals)
        return run_program(script, module, signals)
    except recording.ProfileNotWritten as error:
        sys.stderr.write("error: the profile could not be written: %s\n" % error)
        return 1


def run_program(script, module, signals):
    try:
        signals.arm()
        if script:
            runpy.run_path(script, run_name="__main__")
        else:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        return exit_status(stop.code)
    except KeyboardInterrupt as stop:   # Stopped, or the program's own re-raised Ctrl-C
        signum = getattr(stop, "signum", signal.SIGINT)
        sys.stderr.write("%s: the recording of what ran is kept.\n" % (
            "Interrupted" if signum == signal.SIGINT else
            "Stopped by %s" % signal.Signals(signum).name))
        return 128 + signum
    except BaseException as error:
        print_program_traceback(error)
        return 1
    finally:
        signals.disarm()
    return 0


def print_program_traceback(error):
    """The traceback as ``python prog.py`` would print it: the frames of this module and of
    runpy above the program's own are left out (all of them are kept if the program has
    none: then the error is ours)."""
    top = error.__traceback__
    while top is not None and is_recorder_frame(top.tb_frame.f_code.co_filename):
        top = top.tb_next
    traceback.print_exception(type(error), error, top or error.__traceback__)


def is_recorder_frame(filename):
    """A frame of traces.record's child or of runpy (``<frozen runpy>`` on CPython 3.11+)."""
    if filename == "<frozen runpy>":
        return True
    return os.path.abspath(filename) in (os.path.abspath(__file__),
                                         os.path.abspath(runpy.__file__))


class Stopped(KeyboardInterrupt):
    """SIGTERM or SIGHUP, raised like Ctrl-C so that the program unwinds and the profile is
    finished (a program that handles the signal itself keeps its own handler)."""

    def __init__(self, signum):
        KeyboardInterrupt.__init__(self)
        self.signum = signum


STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class StopSignals(object):
    """Ctrl-C, SIGTERM and SIGHUP (which traces.record passes on) stop the program by an
    exception, so that the profile is finished, even when the recording was started with them
    ignored (a background job).  One that comes while the recording starts waits until the
    program would start, and stops it there; while the profile is finished, they are ignored
    (kill -9 still ends everything)."""

    def __init__(self):
        self.pending = None
        self.set(self.defer)
        if hasattr(os, "register_at_fork"):
            os.register_at_fork(after_in_child=self.forget)

    def forget(self):
        """In a process the program forks (a multiprocessing pool's worker): the signals as
        Python sets them, not the recorder's -- a worker that turned the pool's SIGTERM into
        an exception would never stop, and the program would hang (pyperformance's
        concurrent_imap did)."""
        for signum in STOP_SIGNALS:
            handler = signal.getsignal(signum)
            if handler in (self.stop, self.defer):
                signal.signal(signum, signal.default_int_handler if signum == signal.SIGINT
                              else signal.SIG_DFL)

    def set(self, handler):
        for signum in STOP_SIGNALS:
            signal.signal(signum, handler)

    def defer(self, signum, frame):
        self.pending = self.pending or signum

    def stop(self, signum, frame):
        self.set(signal.SIG_IGN)
        raise Stopped(signum)

    def arm(self):
        """From here on a stop signal stops the program (at once if one came already)."""
        self.set(self.stop)
        if self.pending:
            self.stop(self.pending, None)

    def disarm(self):
        self.set(signal.SIG_IGN)


def exit_status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write("%s\n" % code)
    return 1


def quiet(message):
    """traces.record says what it wrote at the end; the program's own output stays its own."""
