"""Asking an interpreter what it is: implementation, versions, JIT state.  A report prints
these, never the name it was asked for (sid's versions move)."""
import json
import subprocess

# Runs in the interpreter asked; Python 3.6+ and PyPy alike.
CODE = r'''
import json, platform, sys
jit = getattr(sys, "_jit", None)
about = {"implementation": sys.implementation.name, "python": platform.python_version(),
         "executable": sys.executable}
if about["implementation"] == "pypy":
    about["version"] = "%d.%d.%d" % tuple(sys.pypy_version_info[:3])
    try:
        import pypyjit
        about["jit"] = {"available": True, "enabled": True}
    except ImportError:
        about["jit"] = {"available": False, "enabled": False}
else:
    about["version"] = platform.python_version()
    about["jit"] = {"available": bool(jit and jit.is_available()),
                    "enabled": bool(jit and jit.is_enabled())}
print(json.dumps(about))
'''


class NotPython(Exception):
    """The command is not a Python ev can run; the message is one line."""


def describe(interpreter, timeout=120):
    """{implementation, version, python, executable, jit: {available, enabled}} of a runnable
    interpreter (anything with ``argv(args)`` and ``environ()``)."""
    return describe_argv(interpreter.argv(["-c", CODE]), interpreter.environ(), timeout)


def describe_argv(argv, env=None, timeout=120):
    try:
        done = subprocess.run(argv, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=timeout, universal_newlines=True)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise NotPython("%s: %s" % (argv[-3] if len(argv) > 2 else argv[0], one_line(error)))
    lines = done.stdout.strip().splitlines()
    try:
        about = json.loads(lines[-1])
        about["implementation"], about["version"]
    except (IndexError, ValueError, KeyError, TypeError):
        said = (done.stderr.strip().splitlines() or ["exit %d" % done.returncode])[-1]
        raise NotPython("not a Python interpreter ev can ask (%s)" % said[:160])
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


def one_line(error):
    return str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
