"""Recording ev's own evolution for traces/ (ev.main --profile / --jit-log).

The set-up lives in traces, shared with ``python -m traces.record`` (any program): the choice
of sampler by interpreter (traces.samplers: py-spy from outside the process on CPython, vmprof
on PyPy, where it sees JIT code), the child process with libunwind on LD_LIBRARY_PATH and
PYPYLOG set, the sampler attached for a part of the run (traces.recording.this_process), signals
passed on, a crash in one line.  Here: only what is ev's, the child's command and what ev
writes beside its profiles (its own category, the c cell's C: traces names none of ev's).
"""
import sys

import click

from ev.backends.c_build import PROFILE_CATEGORY
from traces import recording as traces_recording, samplers
from traces.recording import exit_child, in_child, is_pypy, signal_name

__all__ = ["exit_child", "in_child", "is_pypy", "run_recorded_child", "signal_name",
           "recording", "choose_sampler", "sampler_help", "SAMPLERS"]

# ev records itself from inside (traces.attach): perf records a program from its start only
SAMPLERS = tuple(name for name in samplers.SAMPLERS if name != samplers.PERF)
# py-spy with native frames: ev's reports split the time by what runs it (numpy's C, the c
# cell's C, libc); without them C time counts as its Python caller.  The recorded run is never
# timed (its cost is reported beside it: ev.reporting.recordings.recording_cost).
# Not on CPython 3.14+: there py-spy --native puts every sample at one libc address
# (traces.samplers.native_problem), and ev's report would read "100% libc".
NATIVE = samplers.native_problem(samplers.PY_SPY) is None
DESCRIPTION = {"recorded_by": "ev.main", "categories": [PROFILE_CATEGORY.to_json()]}


def sampler_help():
    return ("With --profile: what records the run, as for traces.record: %s.  Default here: "
            "%s." % ("; ".join("%s: %s" % (name, samplers.DESCRIPTIONS[name])
                               for name in SAMPLERS), samplers.describe_default()))


def choose_sampler(asked):
    """The sampler to record with (``asked``, or this interpreter's default), or None after
    one line saying what to install or use instead."""
    try:
        return samplers.choose(asked)
    except samplers.NoSampler as problem:
        click.echo("error: --profile: %s" % problem, err=True)
        return None


def recording(sampler, path, report, scope=""):
    """The context that records this process into ``path`` (traces.recording.this_process),
    with ev's description beside the profile."""
    return traces_recording.this_process(sampler or samplers.choose(None), path, report,
                                         scope=scope, description=DESCRIPTION, native=NATIVE)


def run_recorded_child(argv, jit_log):
    """Run ``python -m ev.main argv`` in a child set up for recording; return its exit code,
    or print one line and return 1 if it died of a signal."""
    command = [sys.executable, "-m", "ev.main"] + list(argv)
    return traces_recording.run_recorded_child(command, jit_log, what="the recorded run")
