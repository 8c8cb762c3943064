"""Running one cell's process: its output both on the terminal and in its log (as ``tee``
did), and Ctrl-C handed to it exactly once, so that ev.main still prints and records its
closing summary, and the matrix then stops starting new cells.

Children run in a session of their own: a Ctrl-C at the terminal reaches the matrix only, and
the matrix forwards it (also a SIGINT, SIGTERM or SIGHUP sent to the matrix alone)."""
import signal
import subprocess
import sys
import time

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


class Stops(object):
    """The signals received while the matrix ran, and the child to pass them to."""

    def __init__(self):
        self.received = None
        self.child = None
        self.previous = {}

    def __enter__(self):
        for signum in FORWARDED:
            self.previous[signum] = signal.signal(signum, self.handle)
        return self

    def __exit__(self, *exc):
        for signum, handler in self.previous.items():
            signal.signal(signum, handler)

    def handle(self, signum, frame):
        first = self.received is None
        self.received = self.received or signum
        if first and self.child is not None and self.child.poll() is None:
            self.child.send_signal(signum)

    @property
    def stopped(self):
        return self.received is not None

    def exit_status(self):
        return 128 + self.received if self.received else 0


def run(argv, env, cwd, log_path, stops, show=True):
    """Run ``argv``; its output goes to ``log_path`` (and the terminal when ``show``).
    Return (exit status, wall seconds)."""
    began = time.perf_counter()
    with open(log_path, "wb") as log:
        child = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        stops.child = child
        try:
            for line in iter(child.stdout.readline, b""):
                log.write(line)
                log.flush()
                if show:
                    sys.stdout.buffer.write(line)
                    sys.stdout.flush()
            status = child.wait()
        finally:
            stops.child = None
            if child.poll() is None:    # the matrix itself failed: leave no orphan behind
                child.kill()
                child.wait()
            child.stdout.close()
    return status, time.perf_counter() - began


def quiet(argv, env, cwd, timeout=300):
    """Run a short helper (availability checks); return (status, output)."""
    try:
        done = subprocess.run(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                              stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              timeout=timeout, universal_newlines=True,
                              start_new_session=True)   # Ctrl-C is the matrix's to handle
    except (OSError, subprocess.TimeoutExpired) as error:
        return 1, str(error).strip().splitlines()[0]
    return done.returncode, done.stdout.strip()
