"""Recording ev's own evolution for traces/ (ev.main --profile / --jit-log).

The set-up lives in traces.recording, shared with ``python -m traces.record`` (any program):
the child process with libunwind on LD_LIBRARY_PATH and PYPYLOG set, vmprof with real-time
sampling and the memory map kept beside the profile, the JIT off before vmprof reads back,
signals passed on, a crash in one line.  Here: only what is ev's, the child's command.
"""
import sys

from traces import recording
from traces.recording import (exit_child, in_child, is_pypy, signal_name,
                              vmprof_recording)

__all__ = ["exit_child", "in_child", "is_pypy", "run_recorded_child", "signal_name",
           "vmprof_recording"]


def run_recorded_child(argv, jit_log):
    """Run ``python -m ev.main argv`` in a child set up for recording; return its exit code,
    or print one line and return 1 if it died of a signal."""
    command = [sys.executable, "-m", "ev.main"] + list(argv)
    return recording.run_recorded_child(command, jit_log, what="the recorded run")
