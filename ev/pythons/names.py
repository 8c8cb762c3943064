"""Interpreters as data: ``cpython3.11,pypy7.3.11,cpython3.14-jit,/path/to/python,all,host``
turned into ev.pythons.interpreters.Interpreter values (label, how to run it, which Debian suite
provides it, what it said it is), and every wrong name refused in one line (InterpreterError)."""
import collections
import os
import sys

from ev.pythons import catalogue, probe, roots
from ev.pythons.interpreters import Interpreter, contract, label_of, venv_python

HOST_KINDS = ("cpython", "pypy")


class InterpreterError(ValueError):
    """A name or path ev cannot run; str() is one line for the user."""


class MissingInterpreter(Exception):
    """A well-named interpreter that cannot run here (no venv, no root); str() is one line."""


def provided(name):
    """The interpreter ``name`` of the catalogue (provisioned or not); its commands run from
    the checkout (mounted at /ev in its root)."""
    entry = catalogue.BY_NAME[name]
    return Interpreter(name, "/venvs/%s/bin/python" % entry.venv, entry.suite, dict(entry.env),
                       "%s root" % entry.suite, workdir=roots.CHECKOUT)


def host(kind):
    """The set-up's venv of ``kind`` (EV_CPYTHON_PY / EV_PYPY_PY, else .venv/KIND); when it
    is missing, an Interpreter labelled by the kind alone that says why (EV_PYPY_MISSING: the
    set-up's reason).  Run by hand without the set-up, this CPython stands for the CPython
    venv."""
    why = os.environ.get("EV_%s_MISSING" % kind.upper())   # the set-up's reason
    python = None if why else venv_python(kind)
    if python:
        return from_path(python, where="host")
    if not why and kind == "cpython" and sys.implementation.name == "cpython":
        return from_path(sys.executable, where="host")
    why = why or "no %s venv (.venv/%s): run ./run_all.sh, which sets it up" % (kind, kind)
    return Interpreter(kind, None, None, {}, "host", why_missing=why)


def host_interpreters():
    """The set-up's two venvs, each labelled by what it says it is (a missing one says why)."""
    return [host(kind) for kind in HOST_KINDS]


def executable(path):
    """``path`` (~ expanded) made absolute, when it is an executable file; InterpreterError
    saying what it is instead (no such file, a directory, not executable)."""
    expanded = os.path.expanduser(path)
    if not os.path.exists(expanded):
        raise InterpreterError("%s: no such file" % path)
    if os.path.isdir(expanded):
        raise InterpreterError("%s: is a directory, not a python" % path)
    if not os.access(expanded, os.X_OK):
        raise InterpreterError("%s: not executable" % path)
    return os.path.abspath(expanded)


def from_path(path, where="path"):
    """A python given by path: it must exist, be executable and answer as a Python."""
    python = executable(path)
    try:
        about = probe.describe_argv([python, "-c", probe.CODE], timeout=60)
    except probe.NotPython as error:
        said = str(error)
        raise InterpreterError(said if said.startswith(path) else "%s: %s" % (path, said))
    about = contract(about)
    return Interpreter(label_of(about), python, None, {}, where, about=about)


def looks_like_path(token):
    return os.sep in token or token.startswith((".", "~"))


def tokens(text):
    """The names of a comma-separated list, stripped; InterpreterError for an empty entry."""
    found = [token.strip() for token in (text or "").split(",")]
    if not any(found) or not all(found):
        raise InterpreterError("%r: give a comma-separated list of interpreters without empty "
                               "entries (%s)" % (text, known_names()))
    return found


def parse(text):
    """Interpreters from a comma-separated list (default: host), in order, each once, each
    asked what it is (``Interpreter.asked``).  Names: host (the two venvs), cpython / pypy (one
    of them), all, the catalogue's (cpython3.13 ... pypy8.0), the host venvs' labels
    (cpython3.11, pypy7.3.11), or a path to any python.  A missing host venv or an
    unprovisioned root is an interpreter that says why, not an error."""
    chosen = []
    for token in tokens("host" if text is None else text):
        chosen.extend(expand(token))
    return unique([asked(interpreter) for interpreter in chosen])


def asked(interpreter):
    """The interpreter asked what it is; a provided one is labelled by its answer
    (pypy8.0.1), the name it was given kept (pypy8.0)."""
    found = interpreter.asked()
    if found.suite is None or not found.about:
        return found
    return found._replace(label=label_of(found.about), name=interpreter.label)


def expand(token):
    if looks_like_path(token):
        return [from_path(token)]
    if token == "host":
        return host_interpreters()
    if token in HOST_KINDS:
        return [host(token)]
    if token == "all":
        return host_interpreters() + [provided(entry.name) for entry in catalogue.PROVIDED]
    if token in catalogue.BY_NAME:
        return [provided(token)]
    for interpreter in host_interpreters():
        if interpreter.label == token:
            return [interpreter]
    raise InterpreterError("unknown interpreter %r: %s" % (token, known_names()))


def help_text():
    """For an --interpreters option's --help."""
    return ("comma-separated: host (the set-up's CPython and PyPy venvs), all (host and every "
            "name below), a path to any python, or a name ev provides in a Debian root "
            "(python -m ev.pythons add SUITE): " + ", ".join(
                "%s (%s)" % (entry.name, entry.suite) for entry in catalogue.PROVIDED)
            + "; also cpython, pypy (one host venv).")


def known_names():
    return ("give a path to a python, host, all, or one of " +
            ", ".join(entry.name for entry in catalogue.PROVIDED))


def unique(interpreters):
    """Each interpreter once (the same executable path, root, settings and label: a symlink
    is another interpreter, as a venv's python is not its base's); two different ones with
    the same label get #2, #3 on it."""
    def key(i):
        return (i.python, i.suite, tuple(sorted(i.env.items())), i.label)
    seen, labels, kept = set(), collections.Counter(), []
    for interpreter in interpreters:
        if key(interpreter) in seen:
            continue
        seen.add(key(interpreter))
        labels[interpreter.label] += 1
        if labels[interpreter.label] > 1:
            interpreter = interpreter._replace(label="%s#%d" % (interpreter.label,
                                                                labels[interpreter.label]))
        kept.append(interpreter)
    return kept


def measured(paths, text):
    """The interpreters a cross-interpreter study measures, in the order given: (label,
    implementation, Interpreter) each.  ``paths`` (``--python PATH`` ...) replace ``text``
    (``--interpreters``).  Paths and the default ``host`` keep the short labels "cpython" /
    "pypy"; other names carry their version ("cpython3.14-jit"), so that several CPythons can
    sit in one table.  Host venvs that do not exist are left out (the set-up may have found
    no PyPy).  InterpreterError for a wrong name or path; MissingInterpreter when none is
    left, or one cannot run (an unprovisioned Debian root: its line says what to run)."""
    chosen = [from_path(path) for path in paths] if paths else parse(text)
    chosen = [i for i in chosen if i.where != "host" or i.python is not None]
    if not chosen:
        raise MissingInterpreter("host: the set-up's venvs (.venv/cpython, .venv/pypy) do not "
                                 "exist; run the set-up or give paths")
    missing = [i.missing() for i in chosen if i.missing()]
    if missing:
        raise MissingInterpreter(missing[0])
    short = bool(paths) or text == "host"
    return [(i.implementation if short else i.label, i.implementation, i) for i in chosen]

