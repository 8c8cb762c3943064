import os
import signal
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))

# Tests send Ctrl-C (SIGINT) to the processes they start.  A suite started in the background
# (nohup, a runner's background job) gets SIGINT ignored, and an ignored signal is inherited
# across exec: bash could not trap it and Python would not turn it into KeyboardInterrupt, so
# those tests would fail for the runner's sake.  A handler of our own is not inherited: the
# children start with the default, as from a terminal.
if signal.getsignal(signal.SIGINT) == signal.SIG_IGN:
    signal.signal(signal.SIGINT, signal.default_int_handler)


def processes_naming(text):
    """PIDs of the processes whose command line contains ``text`` (read from /proc: a minimal
    Debian has no procps)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(os.path.join("/proc", pid, "cmdline"), "rb") as cmdline:
                if text.encode() in cmdline.read().replace(b"\0", b" "):
                    found.append(int(pid))
        except (OSError, ValueError):
            continue
    return found


def children_of(parent):
    """PIDs of ``parent``'s child processes (read from /proc)."""
    found = []
    for pid in filter(str.isdigit, os.listdir("/proc")):
        try:
            with open(os.path.join("/proc", pid, "stat")) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        if fields[1] == str(parent):
            found.append(int(pid))
    return found


def run_module(module, *args, **kwargs):
    """Run ``python -m module args`` with this interpreter; return the CompletedProcess."""
    python = kwargs.pop("python", sys.executable)
    return subprocess.run([python, "-m", module] + [str(a) for a in args], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=kwargs.pop("timeout", 300), **kwargs)


@pytest.fixture
def run():
    return run_module
