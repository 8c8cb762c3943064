"""Asking an interpreter what it is: implementation, versions, JIT state.  A report prints
these, never the name it was asked for (sid's versions move).

The question is a few lines of Python run with ``-c`` (the interpreter asked need not have ev
installed); the answer comes back in a file its parent names (ev.common.result_file), never
parsed from what the interpreter printed."""
from ev.common import result_file

# Runs in the interpreter asked; Python 3.6+ and PyPy alike.  It writes what result_file.ask
# reads: the document of result_file.RESULT, atomically, to the file EV_RESULT_FILE names.
CODE = r'''
import json, os, platform, sys
jit = getattr(sys, "_jit", None)
about = {"implementation": sys.implementation.name, "python": platform.python_version(),
         "executable": sys.executable}
if about["implementation"] == "pypy":
    about["version"] = "%%d.%%d.%%d" %% tuple(sys.pypy_version_info[:3])
    try:
        import pypyjit
        about["jit"] = {"available": True, "enabled": True}
    except ImportError:
        about["jit"] = {"available": False, "enabled": False}
else:
    about["version"] = platform.python_version()
    about["jit"] = {"available": bool(jit and jit.is_available()),
                    "enabled": bool(jit and jit.is_enabled())}
text = json.dumps({"format": %r, "version": %d, "result": about})
path = os.environ.get(%r)
if path:
    with open(path + ".part", "w") as out:
        out.write(text)
    os.replace(path + ".part", path)
else:
    print(text)
''' % (result_file.RESULT.name, result_file.RESULT.version, result_file.VARIABLE)


class NotPython(Exception):
    """The command is not a Python ev can run; the message is one line."""


def describe(interpreter, timeout=120):
    """{implementation, version, python, executable, jit: {available, enabled}} of a runnable
    interpreter (an ev.pythons Interpreter: in a Debian root, the answer's file is made in
    the checkout, which the root sees)."""
    inside = getattr(interpreter, "suite", None) is not None
    return describe_argv(interpreter.argv(["-c", CODE]), interpreter.environ(), timeout,
                         folder=interpreter.workdir if inside else None,
                         seen_as=interpreter.path if inside else None)


def describe_argv(argv, env=None, timeout=120, folder=None, seen_as=None):
    """describe() of the command ``argv`` (``python -c CODE``); see result_file.ask for
    ``folder`` and ``seen_as``."""
    try:
        about = result_file.ask(argv, env, folder=folder, seen_as=seen_as,
                                timeout=timeout).result
        about["implementation"], about["version"]
    except result_file.CannotStart as error:
        raise NotPython("%s: %s" % (argv[-3] if len(argv) > 2 else argv[0],
                                    str(error).split(": ", 1)[-1]))
    except result_file.ChildFailed as error:
        raise NotPython("not a Python interpreter ev can ask: %s" % str(error)[:160])
    except (KeyError, TypeError):
        raise NotPython("not a Python interpreter ev can ask: its answer names no "
                        "implementation and version")
    return about


def label(about):
    """The cell's name for what ran: cpython3.14, cpython3.14-jit, pypy7.3.19."""
    if about["implementation"] == "pypy":
        return "pypy" + about["version"]
    major_minor = ".".join(about["version"].split(".")[:2])
    return "%s%s%s" % (about["implementation"], major_minor,
                       "-jit" if about["jit"]["enabled"] else "")


def summary(about):
    """One line for a report: 'CPython 3.14.10, JIT on' / 'PyPy 8.0.1 (Python 3.11.17)'."""
    if about["implementation"] == "pypy":
        return "PyPy %s (Python %s)" % (about["version"], about["python"])
    jit = about["jit"]
    state = "JIT on" if jit["enabled"] else ("JIT off" if jit["available"] else "no JIT")
    name = "CPython" if about["implementation"] == "cpython" else about["implementation"]
    return "%s %s, %s" % (name, about["version"], state)
