"""Interpreters as data: ``cpython3.11,pypy7.3.11,cpython3.14-jit,/path/to/python,all,host``
turned into Interpreter values (label, how to run it, which Debian suite provides it), and every
wrong name refused in one line (InterpreterError)."""
import collections
import os
import subprocess

from ev.pythons import catalogue, probe, roots
from ev.pythons.interpreters import venv_python

HOST_KINDS = ("cpython", "pypy")


class InterpreterError(ValueError):
    """A name or path ev cannot run; str() is one line for the user."""


class Interpreter(collections.namedtuple("Interpreter", "label python suite env where")):
    """One runnable interpreter.  label: the cell's name ("cpython3.14-jit"); python: its
    executable (a host path, or a path inside the suite's root); suite: the Debian suite whose
    root runs it, None for the host; env: variables it runs with (PYTHON_JIT); where: host/path/
    the root, for messages."""

    def argv(self, args=(), cwd=None):
        """The whole command that runs ``python ARGS`` (in the root: through unshare + chroot,
        the checkout at /ev, the working directory ``cwd`` (default: this one) mapped there)."""
        if self.suite is None:
            return [self.python] + list(args)
        return roots.enter_prefix(self.suite, self.env, cwd) + [self.python] + list(args)

    def run(self, args, cwd=None, **options):
        """subprocess.run of ``python ARGS`` from ``cwd`` (in a root: mapped to /ev/...)."""
        return subprocess.run(self.argv(args, cwd), env=self.environ(), cwd=cwd, **options)

    def path(self, host_path):
        """A host file's path as this interpreter sees it: itself on the host, /ev/... in a root
        (ValueError for a path outside the checkout, which a root cannot see)."""
        if self.suite is None:
            return host_path
        return roots.inside_path(host_path)

    def environ(self, base=None):
        """The environment to start it with (os.environ plus its own variables)."""
        merged = dict(os.environ if base is None else base)
        merged.update(self.env)
        return merged

    @property
    def ready(self):
        return self.suite is None or roots.is_ready(self.suite)

    def missing(self):
        """None, or one line saying what to run to have it."""
        if self.ready:
            return None
        return "%s is not provisioned: run `python -m ev.pythons add %s`" % (self.label, self.suite)


def provided(name):
    """The interpreter ``name`` of the catalogue (provisioned or not)."""
    entry = catalogue.BY_NAME[name]
    return Interpreter(name, "/venvs/%s/bin/python" % entry.venv, entry.suite, dict(entry.env),
                       "%s root" % entry.suite)


def host_interpreters():
    """The set-up's two venvs (.venv/cpython, .venv/pypy, or EV_CPYTHON_PY / EV_PYPY_PY), each
    labelled by what it says it is."""
    found = []
    for kind in HOST_KINDS:
        python = venv_python(kind)
        if python:
            found.append(from_path(python, where="host"))
    if not found:
        raise InterpreterError("host: the set-up's venvs (.venv/cpython, .venv/pypy) do not exist; "
                               "run the set-up or give paths")
    return found


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
        raise InterpreterError("%s: %s" % (path, error))
    return Interpreter(probe.label(about), python, None, {}, where)


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
    """Interpreters from a comma-separated list, in order, each once.  Names: host, all, the
    catalogue's (cpython3.13 ... pypy8.0), the host venvs' labels (cpython3.11, pypy7.3.11),
    or a path to any python."""
    chosen = []
    for token in tokens(text):
        chosen.extend(expand(token))
    return unique(chosen)


def expand(token):
    if looks_like_path(token):
        return [from_path(token)]
    if token == "host":
        return host_interpreters()
    if token == "all":
        return host_interpreters() + [provided(entry.name) for entry in catalogue.PROVIDED]
    if token in catalogue.BY_NAME:
        return [provided(token)]
    if token.startswith(HOST_KINDS):
        for interpreter in host_or_none():
            if interpreter.label == token:
                return [interpreter]
    raise InterpreterError("unknown interpreter %r: %s" % (token, known_names()))


def host_or_none():
    try:
        return host_interpreters()
    except InterpreterError:
        return []


def help_text():
    """For an --interpreters option's --help."""
    return ("comma-separated: host (the set-up's CPython and PyPy venvs), all (host and every "
            "name below), a path to any python, or a name ev provides in a Debian root "
            "(python -m ev.pythons add SUITE): " + ", ".join(
                "%s (%s)" % (entry.name, entry.suite) for entry in catalogue.PROVIDED))


def known_names():
    return ("give a path to a python, host, all, or one of " +
            ", ".join(entry.name for entry in catalogue.PROVIDED))


def unique(interpreters, key=None):
    """Each interpreter once (the same ``key``: by default the same executable, suite and
    settings); two different ones with the same label get #2, #3 on it.  Works on any
    namedtuple with a ``label``."""
    key = key or (lambda i: (i.python, i.suite, tuple(sorted(i.env.items()))))
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
