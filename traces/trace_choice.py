"""Which trace of a JIT log a report breaks down when none is named: the program's own.

The hottest loop of the program's own code; a program whose hot function has no loop of its
own (recursive fib) has only entry bridges and bridges in its code, so then its hottest trace
of any kind; PyPy's own loops (builtins, stdlib) only when the program has no trace at all.
Shared by the text report and the page, so that both fail, or not, on the same log."""
import glob
import json
import os

from traces.errors import InputError
from traces.project import META_SUFFIX
from traces.trace_names import is_user_code

ALL_KINDS = ("loop", "entry bridge", "bridge")


def choose_trace(log, name=None):
    """(trace, why it was chosen or None); InputError when the log has no trace to show."""
    if name is not None:
        return named_trace(log, name), None
    loops = log.hottest(("loop",))
    everything = log.hottest(ALL_KINDS)
    roots = project_roots(log.path)
    own_loops = [t for t in loops if is_user_code(t, roots)]
    if own_loops:
        return own_loops[0], None
    own = [t for t in everything if is_user_code(t, roots)]
    if own:
        return own[0], ("the program's own code has no loop in this log (a hot function "
                        "without a loop of its own: it is compiled as an entry bridge and "
                        "bridges): its hottest trace of any kind")
    if loops:
        return loops[0], ("no trace of the program's own code: the hottest loop, of PyPy's "
                          "own or library code")
    if everything:
        return everything[0], "no loop in this log: its hottest trace"
    raise InputError(log.path, "no compiled loop or bridge in this log (a JIT log needs the "
                               "jit-log-opt category: PYPYLOG=jit-log-opt,jit-backend-counts,"
                               "jit-summary:FILE)")


def project_roots(log_path):
    """The program's folders, as the recording that wrote this log says them (traces.record's
    PROFILE.meta.json beside it names the log), else ()."""
    if not log_path:
        return ()
    for path in glob.glob(os.path.join(glob.escape(os.path.dirname(os.path.abspath(log_path))),
                                       "*" + META_SUFFIX)):
        try:
            with open(path) as handle:
                meta = json.load(handle)
        except (OSError, ValueError):
            continue
        if isinstance(meta, dict) and meta.get("jit_log") == os.path.abspath(log_path) and \
                isinstance(meta.get("project"), list):
            return tuple(str(root) for root in meta["project"])
    return ()


def named_trace(log, name):
    """The hottest trace whose name, loop number or guard matches ``name``."""
    for trace in log.hottest(ALL_KINDS):
        if name in trace.name or name == str(trace.number) or name == trace.guard:
            return trace
    raise InputError(log.path, "no loop or bridge matches %r" % name)
