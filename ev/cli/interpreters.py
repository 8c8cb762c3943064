"""The interpreters a matrix run measures, as data: ``--interpreters host,/path/to/python``.

The matrix needs little from an interpreter, and this module says exactly what (the
``Interpreter`` below): a label for its cells, the command that runs ``python ARGS`` and the
environment to run it in, what it is (implementation, versions, JIT), how a host path reads
from inside it, and why it cannot run when it cannot.  ``host`` (the set-up's two venvs) and
plain paths are resolved here; any other name is handed to ev.pythons' catalogue
(``ev.pythons.names``: cpython3.14-jit, pypy8.0, all, ...), so the provider of Debian roots
plugs in without the matrix knowing about roots.  How a list is split, which paths are
pythons and how duplicates are named are ev.pythons.names' rules, used here."""
import collections
import os
import sys

from ev.pythons import names as pythons_names
from ev.pythons import probe as pythons_probe
from ev.pythons.interpreters import venv_python
from ev.pythons.names import HOST_KINDS, InterpreterError, looks_like_path  # noqa: F401


class Interpreter(collections.namedtuple(
        "Interpreter", "label python env about root why_missing prefix inside name",
        defaults=(None,))):
    """One interpreter of the matrix.

    label: the cells' prefix ("cpython3.11", "pypy7.3.11", "cpython3.14-jit"); python: its
    executable; env: variables it runs with (PYTHON_JIT=1); about: what it said it is (the
    contract's interpreter object, without the label), None when it cannot run; root: the
    Debian root it runs in, or None; why_missing: one line when it cannot run, else None;
    prefix: the argv before the python (chroot and the like), or (); inside: a function
    mapping a host path to the path the interpreter sees (None: the same path); name: what
    the user called it when that differs from the label (pypy8.0 for pypy8.0.1), usable in
    --cells too."""

    def argv(self, args=()):
        return list(self.prefix) + [self.python] + [str(arg) for arg in args]

    def display(self, args=()):
        """The command as a user reads it (a root's chroot prefix said in words)."""
        command = " ".join([self.python] + [str(arg) for arg in args])
        settings = " ".join("%s=%s" % item for item in sorted(self.env.items()))
        where = "in the Debian root %s: " % self.root if self.root else ""
        return where + (settings + " " if settings else "") + command

    def environ(self, base=None):
        merged = dict(os.environ if base is None else base)
        merged.update(self.env)
        return merged

    def path(self, host_path):
        """``host_path`` as this interpreter sees it."""
        return self.inside(host_path) if self.inside else host_path

    @property
    def implementation(self):
        if self.about:
            return self.about["implementation"].lower()
        return "pypy" if self.label.startswith("pypy") else "cpython"

    def record(self):
        """The contract's interpreter object for matrix.json."""
        about = dict(self.about or {"implementation": None, "version": None,
                                    "python_version": None, "jit": None,
                                    "executable": self.python})
        about.update(label=self.label, root=self.root)
        if self.why_missing:
            about["missing"] = self.why_missing
        return about


def probe(python, env=None, prefix=()):
    """What ``python`` says it is, as matrix.json's interpreter object (implementation
    "CPython"/"PyPy", version, python_version, jit: True/False, None where CPython has no
    JIT, executable), asked the way ev.pythons asks every interpreter (ev.pythons.probe);
    InterpreterError when it does not answer as a Python."""
    argv = list(prefix) + [python, "-c", pythons_probe.CODE]
    try:
        about = pythons_probe.describe_argv(argv, dict(os.environ, **(env or {})))
    except pythons_probe.NotPython as error:
        said = str(error)
        raise InterpreterError(said if said.startswith(python) else "%s: %s" % (python, said))
    jit = about["jit"]
    return {"implementation": IMPLEMENTATIONS.get(about["implementation"],
                                                  about["implementation"]),
            "version": about["version"], "python_version": about["python"],
            "jit": jit["enabled"] if jit["available"] or about["implementation"] == "pypy"
            else None,
            "executable": about["executable"]}


IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy"}


def label_of(about):
    """cpython3.11, cpython3.14-jit, pypy7.3.11 (ev.pythons.probe.label's rule)."""
    return pythons_probe.label({
        "implementation": about["implementation"].lower(), "version": about["version"],
        "jit": {"enabled": bool(about.get("jit"))}})


def from_path(path):
    """A python given by path: it must exist, be executable and answer as a Python."""
    python = pythons_names.executable(path)
    about = probe(python)
    return Interpreter(label_of(about), python, {}, about, None, None, (), None)


def host(kind):
    """The set-up's venv of ``kind`` (EV_CPYTHON_PY / EV_PYPY_PY, else .venv/KIND); when it
    is missing, an Interpreter labelled by the kind alone that says why (EV_PYPY_MISSING: the
    set-up's reason)."""
    why = os.environ.get("EV_%s_MISSING" % kind.upper())   # the set-up's reason
    python = None if why else venv_python(kind)
    if python:
        return from_path(python)
    if not why and kind == "cpython" and sys.implementation.name == "cpython":
        return from_path(sys.executable)    # ev matrix run by hand, without the set-up
    why = why or "no %s venv (.venv/%s): run ./run_all.sh, which sets it up" % (kind, kind)
    return Interpreter(kind, None, {}, None, None, why, (), None)


def host_interpreters():
    return [host(kind) for kind in HOST_KINDS]


def help_text():
    """What --interpreters takes, for --help."""
    return pythons_names.help_text() + "; also cpython, pypy (one host venv)."


def from_provider(token, names=pythons_names):
    """An interpreter named by ev.pythons (cpython3.14-jit, pypy8.0, all...), adapted."""
    try:
        found = names.expand(token)
    except ValueError as error:   # names.InterpreterError
        raise InterpreterError(str(error))
    return [adapt(interpreter, names.roots) for interpreter in found]


def adapt(provided, roots):
    """ev.pythons' Interpreter (label, python, suite, env, argv, missing) as the matrix's;
    ``roots``: where its suite's root is (root_of), how a host path reads inside
    (inside_path), and the checkout it mounts (CHECKOUT)."""
    if getattr(provided, "suite", None) is None:
        return from_path(provided.python)
    why = provided.missing()
    prefix = provided.argv([], cwd=roots.CHECKOUT)[:-1]   # cells run from the checkout
    about = None if why else probe(provided.python, provided.env, prefix)
    return Interpreter(provided.label if why else label_of(about), provided.python,
                       dict(provided.env), about, roots.root_of(provided.suite), why, prefix,
                       roots.inside_path, provided.label)


def parse(text):
    """Interpreters from a comma-separated list, in order, each once: ``host`` (the two
    venvs), ``cpython`` / ``pypy`` (one of them), a host venv's label (cpython3.11), a path
    to a python, or a name ev.pythons provides.  A missing host venv is an interpreter that
    says why (its cells are reported as not run), not an error."""
    chosen = []
    for token in pythons_names.tokens(text or "host"):
        chosen.extend(expand(token))
    return pythons_names.unique(chosen, key=lambda interpreter: (
        interpreter.python and os.path.realpath(interpreter.python), interpreter.root,
        tuple(sorted(interpreter.env.items())), interpreter.label))


def expand(token):
    if looks_like_path(token):
        return [from_path(token)]
    if token == "host":
        return host_interpreters()
    if token in HOST_KINDS:
        return [host(token)]
    for interpreter in host_interpreters():
        if interpreter.label == token:
            return [interpreter]
    return from_provider(token)
