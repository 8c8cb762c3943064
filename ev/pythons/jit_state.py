"""What CPython's JIT did in a run: run a module or script as ``python -m`` would, then say
whether the JIT was available and on, and the executors it attached: how many, their
micro-ops, their machine code, and the functions that hold most of them -- as a record in the
file ``--record FILE`` names (for programs: ``read_record``), and as one line on stderr for
people (``# JIT: ...``, ``summary``; stderr, so that the run's stdout is unchanged).

    PYTHON_JIT=1 python -m ev.pythons.jit_state --record jit.json -m ev.main -n 100 -g 3 --seed 42

The record is a JSON document of its own format (ev.common.formats): ``{"format":
"ev-jit-state", "version": 1, "jit": ..., "enabled": ..., "executors": ...}`` (``state``'s
keys).  History: 1 - the first (before it, the state was an ``EV-JIT {json}`` line on stderr
that callers had to find among the program's own lines).

Executors are visible on CPython 3.13+ (``_opcode.get_executor`` on ENTER_EXECUTOR
instructions).  CPython frees cold or invalidated executors as it runs, so a look at the end
alone would miss most: a thread looks every ``EV_JIT_EVERY`` seconds (default 2; each look costs
a walk over the live functions) and every executor seen at any look is counted once.  Still a
lower bound that varies from run to run (docs/pythons.md has what looks at the end alone
missed).  Executors
of this module's own code are left out.  PyPy: its tracing JIT is always on; what it compiled is in its JIT log (``--jit-log``)."""
import collections
import dis
import gc
import os
import runpy
import sys
import threading
import time

from ev.common import atomic
from ev.common.formats import Format

JIT_STATE = Format("ev-jit-state", 1, noun="a JIT state record (python -m ev.pythons.jit_state)")
USAGE = "usage: python -m ev.pythons.jit_state [--record FILE] (-m MODULE | SCRIPT) [ARGS...]"


def code_objects():
    """Every code object reachable from a live function (nested ones included)."""
    seen, stack = {}, [f.__code__ for f in gc.get_objects()
                       if type(f).__name__ == "function" and hasattr(f, "__code__")]
    while stack:
        code = stack.pop()
        if id(code) in seen:
            continue
        seen[id(code)] = code
        stack.extend(c for c in code.co_consts if hasattr(c, "co_code"))
    return list(seen.values())


def executors():
    """(function name, file:line, micro-ops, machine code bytes, valid) per attached executor."""
    opcode = dis.opmap.get("ENTER_EXECUTOR")
    try:
        import _opcode
        get = _opcode.get_executor
    except (ImportError, AttributeError):
        return None
    found = []
    for code in code_objects():
        if code.co_filename == __file__:
            continue
        raw = getattr(code, "_co_code_adaptive", b"")
        for offset in range(0, len(raw), 2):
            if raw[offset] != opcode:
                continue
            try:
                executor = get(code, offset)
            except (ValueError, RuntimeError):
                continue
            machine = executor.get_jit_code() if hasattr(executor, "get_jit_code") else None
            found.append(((id(code), offset, id(executor)),
                          code.co_qualname if hasattr(code, "co_qualname") else code.co_name,
                          "%s:%d" % (code.co_filename, code.co_firstlineno), len(executor),
                          len(machine or b""), executor.is_valid()))
    return found


SEEN = {}   # executor key -> its row, from every look


def look():
    for row in executors() or ():
        SEEN[row[0]] = row[1:]


def keep_looking(every):
    while True:
        time.sleep(every)
        look()


def state():
    """The JSON-able summary of this interpreter's JIT now."""
    if sys.implementation.name == "pypy":
        return {"jit": "PyPy tracing JIT, on", "executors": None}
    jit = getattr(sys, "_jit", None)
    if jit is None:
        return {"jit": "no JIT in this CPython (%s)" % sys.version.split()[0], "executors": None}
    about = {"jit": "available" if jit.is_available() else "not built in",
             "enabled": jit.is_enabled()}
    if jit.is_enabled() and executors() is not None:
        look()
        found = list(SEEN.values())
        per_function = collections.Counter()
        for name, where, uops, _, _ in found:
            per_function["%s (%s)" % (name, where)] += uops
        about.update(executors=len(found), valid=sum(1 for e in found if e[4]),
                     micro_ops=sum(e[2] for e in found), machine_code_bytes=sum(e[3] for e in found),
                     top_functions_by_micro_ops=per_function.most_common(5),
                     seen="at looks every %s s and at the end (a lower bound: CPython frees "
                     "executors it finds cold)" % os.environ.get("EV_JIT_EVERY", "2"))
    return about


def main(argv):
    """Run the program ``argv`` names; its exit status.  The JIT's state goes to the record
    file (``--record FILE``) and, in a line, to stderr."""
    record = None
    if argv[:1] == ["--record"] and len(argv) >= 2:
        record, argv = argv[1], argv[2:]
    if len(argv) >= 2 and argv[0] == "-m":
        sys.argv = [argv[1]] + argv[2:]
        run = lambda: runpy.run_module(argv[1], run_name="__main__", alter_sys=True)
    elif argv and not argv[0].startswith("-"):
        sys.argv = list(argv)
        run = lambda: runpy.run_path(argv[0], run_name="__main__")
    else:
        sys.exit(USAGE)
    jit = getattr(sys, "_jit", None)
    if jit is not None and jit.is_enabled():
        threading.Thread(target=keep_looking, args=(float(os.environ.get("EV_JIT_EVERY", "2")),),
                         daemon=True).start()
    status = 0
    try:
        run()
    except SystemExit as stop:
        status = stop.code
    finally:
        about = state()
        print("# JIT: " + summary(about), file=sys.stderr, flush=True)
        if record is not None and not write_record(record, about):
            status = status or 1
    return status


def write_record(path, about):
    """Write the state ``about`` to ``path`` as a JIT state record (whole or not at all);
    False, with a line on stderr, when it cannot be written."""
    try:
        atomic.write_text(path, JIT_STATE.dumps(about, indent=1) + "\n")
        return True
    except OSError as error:
        print("error: cannot write the JIT state record %s (%s)" % (
            path, error.strerror or error), file=sys.stderr, flush=True)
        return False


def read_record(path):
    """The state in a JIT state record (``state``'s keys); OSError when the file cannot be
    read, ev.common.formats.UnknownFormat (one line) when it is not such a record."""
    return JIT_STATE.load(path)


def summary(about):
    """One line for a report: what the JIT did."""
    if about is None:
        return "the JIT's work was not recorded"
    if about.get("executors") is None or not about.get("enabled", True):
        return about["jit"] + ("" if about.get("enabled", True) else ", off")
    top = about["top_functions_by_micro_ops"][:1]
    return ("JIT on: %d executors (%d micro-ops, %d KiB of machine code)%s; seen %s"
            % (about["executors"], about["micro_ops"], about["machine_code_bytes"] // 1024,
               ", most in %s" % top[0][0] if top else "", about["seen"]))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
