"""How a trace of a JIT log is named and placed for people: a bridge by the loop and guard it
leaves, how often it runs per iteration of that loop, whether a loop is the program's own code.
Shared by the text report (traces.jitlog) and the page (traces.jitlog_html)."""
import os
import re


BUILTIN_LOOP = re.compile(r"^\((\w+): no get_printable_location\)")


OBJECT_AT = re.compile(r"<([\w.]+) object at 0x[0-9a-f]+>")
LONG_LIST = re.compile(r"\[([^\]]{40})[^\]]{8,}\]")


def readable(name):
    """PyPy's log names a loop of its own code without a source position '(unpack_into: no
    get_printable_location)': say what it is instead.  Its built-ins' loops carry their
    state ('re RegularSearch at 5 [15, 4, 0, 2, 4294967295, ...]', '<AsciiSetStrategy
    object at 0x7f2240953a60>'): kept short, without addresses."""
    found = BUILTIN_LOOP.match(name or "")
    if found:
        return "PyPy's own %s loop (a built-in's, no Python source)%s" % (
            found.group(1), name[found.end():])
    if not name:
        return name
    return LONG_LIST.sub(lambda m: "[%s ...]" % m.group(1), OBJECT_AT.sub(r"<\1>", name))


def trace_name(trace):
    """'fly;ev/model/fitness.py:35-45 …' for loops; for a bridge, where it leaves:
    'bridge from loop 51 (fly) at ev/model/quadcopter.py:34 guard_false'."""
    if trace.kind != "bridge":
        return readable(trace.name)
    if trace.origin is None:
        return "%s (its guard is not in the log)" % trace.name
    parent, guard = trace.origin
    root = trace.root
    where = guard.position
    line = ("%s:%s" % (short_path(where.filename), where.lineno) if where and where.filename
            else "(no source position: %s)" % no_position_reason(root))
    via = "" if parent is root else " via a bridge"
    return "bridge from loop %s (%s)%s at %s %s" % (
        root.number, loop_function(root), via, line, guard.name)


def no_position_reason(root):
    """Why an op has no source position: PyPy's own loops are RPython code compiled into
    PyPy (a builtin's loop: 'unpackiterable [dict_keyiterator]'), with no Python bytecode to
    point at; otherwise the log lacks the debug_merge_points (a log cut short)."""
    if root is not None and ";" not in (root.name or ""):
        found = BUILTIN_LOOP.match(root.name or "")
        return "in PyPy's own %s, not Python code" % (
            found.group(1) if found else root.name.split(" ", 1)[0])
    return "the log has no debug_merge_point before it"


def loop_function(trace):
    return readable(trace.name.split(";", 1)[0]) if trace.kind != "bridge" else "bridge"


def per_loop_iteration(trace):
    """A bridge's runs per iteration of the loop it leaves (None when not counted)."""
    if trace.kind != "bridge" or trace.origin is None:
        return None
    root = trace.root
    if not trace.iterations or not root.iterations:
        return None
    return float(trace.iterations) / root.iterations


def is_user_code(trace, roots=()):
    """A trace of the program's own code: under one of ``roots`` (the project's folders, when
    the recording says them), else not PyPy's builtins, stdlib or site-packages; a loop or
    entry bridge by its name, a bridge by the first source position in it (else by the loop it
    leaves)."""
    filename = source_file(trace)
    if filename and any(filename.startswith(root.rstrip(os.sep) + os.sep) for root in roots):
        return True   # a program kept in a venv's site-packages (pyperformance's benchmarks)
    return bool(filename) and not (filename.startswith("<") or "site-packages" in filename
                                   or "dist-packages" in filename or "/lib/pypy" in filename
                                   or "/lib/python" in filename)


def source_file(trace):
    if trace.kind != "bridge":
        return trace.name.split(";", 1)[1].rsplit(":", 1)[0] if ";" in trace.name else None
    position = next((op.position for op in trace.ops if op.position), None)
    if position is not None:
        return position.filename
    root = trace.root
    return None if root is trace else source_file(root)


def short_path(filename):
    if not filename:
        return "(no source position)"
    cwd = os.getcwd() + os.sep
    return filename[len(cwd):] if filename.startswith(cwd) else filename


def clip(text, width):
    """``text`` cut to ``width`` characters, the cut marked with an ellipsis."""
    return text if len(text) <= width else text[:width - 1] + "\u2026"


def trace_label(trace):
    """'loop 6 heavy (prog.py:31)', 'bridge from loop 6 (heavy) at prog.py:33 guard_false'
    (file names without their folders: the report names the program's files once)."""
    if trace.kind == "bridge":
        if trace.origin is None:
            return "bridge out of guard %s (its guard is not in the log)" % trace.guard
        root, (_, guard) = trace.root, trace.origin
        where = guard.position
        line = ("%s:%s" % (os.path.basename(where.filename), where.lineno)
                if where is not None else "(no source position)")
        return "bridge from %s %s (%s) at %s %s" % (
            root.kind, root.number, readable(root.name.split(";", 1)[0]), line, guard.name)
    function, _, where = trace.name.partition(";")
    if not where:
        return "%s %d %s" % (trace.kind, trace.number, readable(function))
    filename, _, lines = where.split("~", 1)[0].rpartition(":")
    return "%s %d %s (%s:%s)" % (trace.kind, trace.number, function,
                                 os.path.basename(filename), lines.split("-", 1)[0])
