"""PyPy: name the samples in libpypy's unnamed code by the stack that reached it.

Debian's libpypy is stripped: only its exported C-API (``PyPy*``) and a few entry points are
named; the interpreter, the GC and cpyext's internals are not, and no debug-symbol package is
reachable here (docs/reading-traces.md).  vmprof on PyPy records the native frames beneath the
innermost Python or JIT frame, so the caller of an unnamed function says what it is part of:

* beneath a named C-API function (``PyPyObject_CallFunctionObjArgs``): that function's own
  work, cpyext;
* beneath a C extension's code (numpy's ``PyArray_ToList``) with no named libpypy frame
  between: an extension enters libpypy only through the C-API (an exported function, or a
  slot function cpyext handed it), often by a jump that leaves no frame of the exported
  function: cpyext;
* beneath an interpreted Python frame (one vmprof wrote without JIT code under it), with no
  other native frame between: the interpreter (or tracer) running that function, and what it
  calls, built-in functions (sorting, searching) included: which of them, a stripped libpypy
  cannot say;
* libc's unnamed (local) functions, memset and memcpy, beneath cpyext's code: cpyext's;
* beneath JIT code, with nothing named between: a call the machine code makes into the runtime
  (cpyext's helpers, the GC's slow path, dicts, strings...).  vmprof records where the JIT
  block starts, not the call: these stay "PyPy runtime, unnamed".

A Python frame of PyPy's own app-level helpers (``space.appexec``: code named ``anonymous``
in ``<builtin>/?``) is named so.  The C-API emulates some functions with them
(``PyContextVar_Get``, which numpy 2 calls on every ufunc); when the JIT code that reached
the helper belongs to a trace whose only calls that can run Python code are cpyext's (the JIT
log says which), the helper and everything beneath it is that C-API call's: cpyext.
"""
import re

from traces.categories import CAPI, INTERPRETER, PYPY_RUNTIME
from traces.model import JIT, NATIVE, PY, Frame

APPEXEC_FILE = "<builtin>/"
APPEXEC_NAME = "PyPy's app-level helper (space.appexec)"
SYSTEM_LIBRARY = re.compile(r"^(libc[.-]|libm[.-]|ld-linux|libpthread|libdl[.-]|libunwind|"
                            r"libffi[.-])")
# Residual calls out of JIT code that can run Python code (call_may_force) but are cpyext's
# own or PyPy's bookkeeping: a trace whose other such calls are only these reaches app-level
# helpers only through a C function it calls.
CPYEXT_CALL = re.compile(r"ConstClass\((cpy_call_external|as_pyobj|from_ref|"
                         r"tuple_from_args_w|w_kwargs_from_args|_rawrefcount_perform)")
BOOKKEEPING_CALL = re.compile(r"ConstClass\((_ll_1_jit_force_virtual|CheckSignalAction|"
                              r"UserDelAction)")


def is_libpypy(frame):
    return frame.kind == NATIVE and "libpypy" in (frame.library or "")


def is_unnamed_libpypy(frame):
    return is_libpypy(frame) and frame.name.startswith("<")


def is_unnamed_system(frame):
    return (frame.kind == NATIVE and frame.name.startswith("<")
            and bool(SYSTEM_LIBRARY.match(frame.library or "")))


def append_once(named, frame):
    """Append a named frame unless the last one is the same: the interpreter's own frames
    (tens deep, in a generator or a recursion of built-ins) named alike would stack a tower
    of one name in a flame graph."""
    if not (named and named[-1].kind == frame.kind and named[-1].name == frame.name):
        named.append(frame)


def is_appexec(frame):
    return frame.kind == PY and frame.name == "anonymous" and (
        frame.filename or "").startswith(APPEXEC_FILE)


class RuntimeNamer(object):
    """Names a sample's unnamed libpypy frames (see the module's docstring); one per profile,
    so that each name is one Frame object.  ``cpyext_only``: a function of a JIT frame's name,
    True when the JIT log says its trace reaches Python code only through cpyext (None: no
    JIT log)."""

    def __init__(self, cpyext_only=None):
        self.frames = {}
        self.cpyext_only = cpyext_only
        self.weight = 0.0        # samples whose innermost frame this named

    def native(self, name, library, category):
        key = (NATIVE, name, library, category)
        found = self.frames.get(key)
        if found is None:
            found = self.frames[key] = Frame(NATIVE, name, library=library)
            found.category = category
        return found

    def as_cpyext(self, frame):
        """A Python or JIT frame running for a C-API call: its name, cpyext's category."""
        key = ("cpyext", frame.key())
        found = self.frames.get(key)
        if found is None:
            name = APPEXEC_NAME if is_appexec(frame) else frame.name
            found = self.frames[key] = Frame(frame.kind, name, frame.filename, frame.line,
                                             frame.library)
            found.category, found.where = CAPI, frame.where
        return found

    def __call__(self, frames, weight=1.0):
        if not any(is_unnamed_libpypy(f) or is_appexec(f) or is_unnamed_system(f)
                   for f in frames):
            return frames
        named, context, helper = [], None, False
        for index, frame in enumerate(frames):
            if frame.kind in (PY, JIT):
                helper = helper or (is_appexec(frame) and self.cpyext_helper(frames, index))
                if helper:
                    named.append(self.as_cpyext(frame))
                    context = (CPYEXT_HELPER, CAPI)
                elif frame.kind == PY:
                    named.append(frame)
                    context = ("interpreter, tracer or built-ins under %s" % frame.name,
                               INTERPRETER)
                else:
                    named.append(frame)
                    context = None
            elif is_unnamed_libpypy(frame) and context is not None:
                append_once(named, self.native("%s (%s)" % (context[0], frame.library),
                                               frame.library, context[1]))
            elif is_unnamed_system(frame) and context is not None and context[1] == CAPI:
                # libc's local functions (memset, memcpy: unnamed) that cpyext called
                append_once(named, self.native("%s (%s)" % (context[0], frame.library),
                                               frame.library, CAPI))
            else:
                if frame.kind == NATIVE:
                    context = self.native_context(frame, context)
                named.append(frame)
        if is_unnamed_libpypy(frames[-1]) and named[-1] is not frames[-1]:
            self.weight += weight
        return named

    def native_context(self, frame, context):
        """What unnamed libpypy code beneath the named native ``frame`` is."""
        if is_libpypy(frame):
            if frame.category == CAPI:
                return "cpyext: inside %s" % frame.name, CAPI
            return context
        if SYSTEM_LIBRARY.match(frame.library or ""):
            return context
        if "cffi" in (frame.library or "").lower():
            # a cffi module (PyPy's _sqlite3) enters libpypy by callbacks, not the C-API
            return "runtime called back from %s (cffi)" % frame.name, PYPY_RUNTIME
        return "cpyext: C-API called from %s" % frame.name, CAPI

    def cpyext_helper(self, frames, index):
        """An app-level helper reached from JIT code whose trace calls Python code only
        through cpyext."""
        if index == 0 or self.cpyext_only is None:
            return False
        caller = frames[index - 1]
        return caller.kind == JIT and bool(self.cpyext_only(caller.name))


CPYEXT_HELPER = "cpyext: the interpreter running a C-API helper"


def cpyext_only_traces(log):
    """A function of a JIT frame's name: True when that loop or bridge of the JIT log calls a
    C function through cpyext and makes no other call that can run Python code."""
    from traces.trace_names import trace_label
    verdicts = {}
    for trace in log.traces:
        calls = [op.args for op in trace.ops if op.name.startswith("call_may_force")]
        verdicts[trace_label(trace)] = bool(calls) and any(
            CPYEXT_CALL.match(a) for a in calls) and all(
            CPYEXT_CALL.match(a) or BOOKKEEPING_CALL.match(a) for a in calls)
    return verdicts.get
