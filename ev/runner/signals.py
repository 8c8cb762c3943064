"""Signals and exit statuses, in one place: Ctrl-C (SIGINT), SIGTERM and SIGHUP received by
the runner are forwarded once to the child that is running, and the runner then starts
nothing new; its exit status is 128 + the signal's number (130, 143, 129), as a shell's."""
import signal

FORWARDED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
STOPPED = tuple(128 + signum for signum in FORWARDED)     # 130, 143, 129


def exit_status(returncode):
    """A child's exit status as a shell says it: killed by signal N is 128 + N."""
    return 128 - returncode if returncode < 0 else returncode


def stopped_by_signal(status):
    """Whether an exit status says the process was stopped by the user (Ctrl-C, kill)."""
    return status in STOPPED


class Stops(object):
    """The signal received while the runner ran (the first one), and the child to pass it
    to.  A context manager: the handlers are the runner's inside it only."""

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
        """The runner's own exit status: 128 + the signal received, 0 when none was."""
        return 128 + self.received if self.received else 0
