"""The one model of an interpreter ev runs (``Interpreter``: the matrix's cells, the
provisioned Debian roots, the benchmarks and the report all use it), and where the set-up's
two venvs are.  Names and paths become Interpreters in ev.pythons.names."""
import collections
import os
import subprocess
import sys

from ev.pythons import probe as probing, roots

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


VENVS = (("cpython", "EV_CPYTHON_PY"), ("pypy", "EV_PYPY_PY"))


def venv_python(kind):
    """The set-up's interpreter of ``kind`` ("cpython" or "pypy"), or EV_CPYTHON_PY /
    EV_PYPY_PY when set; None when it does not exist."""
    variable = dict(VENVS)[kind]
    candidate = os.environ.get(variable) or os.path.join(ROOT, ".venv", kind, "bin", "python")
    return candidate if os.path.exists(candidate) else None


def default_interpreters():
    """sys.executable, then the CPython and PyPy venvs of the set-up (or EV_CPYTHON_PY /
    EV_PYPY_PY), each once."""
    found = [sys.executable]
    for kind, _ in VENVS:
        candidate = venv_python(kind)
        if candidate and os.path.realpath(candidate) not in map(os.path.realpath, found):
            found.append(candidate)
    return found


IMPLEMENTATIONS = {"cpython": "CPython", "pypy": "PyPy"}


class Interpreter(collections.namedtuple(
        "Interpreter", "label python suite env where about why_missing name workdir",
        defaults=(None, None, None, None))):
    """One interpreter ev can run, or one that says why it cannot.

    label: the cells' prefix ("cpython3.11", "pypy7.3.11", "cpython3.14-jit"); python: its
    executable (a host path, or a path inside the suite's root; None when there is none);
    suite: the Debian suite whose root runs it, None on the host; env: variables it runs with
    (PYTHON_JIT=1); where: "host", "path" or "SUITE root", for messages; about: what it said it
    is (matrix.json's interpreter object, ``contract``), None when not asked or it cannot run;
    why_missing: one line when it cannot run; name: what the user called it when that differs
    from the label (pypy8.0 for pypy8.0.1); workdir: the directory its commands run from
    (None: the current one), mapped into the root."""

    def argv(self, args=(), cwd=None):
        """The whole command that runs ``python ARGS`` (in a root: through unshare + chroot, the
        checkout at /ev, the working directory mapped there)."""
        args = [str(arg) for arg in args]
        if self.suite is None:
            return [self.python] + args
        return (roots.enter_prefix(self.suite, self.env, cwd or self.workdir)
                + [self.python] + args)

    def run(self, args, cwd=None, **options):
        """subprocess.run of ``python ARGS`` from ``cwd`` (in a root: mapped to /ev/...)."""
        return subprocess.run(self.argv(args, cwd), env=self.environ(), cwd=cwd, **options)

    def display(self, args=()):
        """The command as a user reads it (a root's chroot prefix said in words)."""
        command = " ".join([str(self.python)] + [str(arg) for arg in args])
        settings = " ".join("%s=%s" % item for item in sorted(self.env.items()))
        where = "in the Debian root %s: " % self.root if self.root else ""
        return where + (settings + " " if settings else "") + command

    def environ(self, base=None):
        """The environment to start it with (os.environ plus its own variables)."""
        merged = dict(os.environ if base is None else base)
        merged.update(self.env)
        return merged

    def path(self, host_path):
        """A host file's path as this interpreter sees it: itself on the host, /ev/... in a
        root (ValueError for a path outside the checkout, which a root cannot see)."""
        return host_path if self.suite is None else roots.inside_path(host_path)

    @property
    def inside(self):
        """How a host path reads inside its root (ev.pythons.roots.inside_path), or None on
        the host."""
        return None if self.suite is None else roots.inside_path

    @property
    def root(self):
        return None if self.suite is None else roots.root_of(self.suite)

    def missing(self):
        """None, or one line saying why it cannot run (and what to run to have it)."""
        if self.why_missing:
            return self.why_missing
        if self.suite is None or roots.is_ready(self.suite):
            return None
        return "%s is not provisioned: run `python -m ev.pythons add %s`" % (self.label,
                                                                              self.suite)

    @property
    def implementation(self):
        """"cpython" or "pypy": what it said it is, else what its label says."""
        if self.about:
            return self.about["implementation"].lower()
        return "pypy" if self.label.startswith("pypy") else "cpython"

    def asked(self):
        """This interpreter with ``about`` filled in (asked once, by running it), or with
        ``why_missing`` when it cannot run or does not answer as a Python."""
        if self.about or self.missing():
            return self._replace(why_missing=self.missing())
        try:
            about = contract(probing.describe(self))
        except probing.NotPython as error:
            return self._replace(why_missing="%s: %s" % (self.label, error))
        return self._replace(about=about)

    def record(self):
        """matrix.json's interpreter object."""
        about = dict(self.about or {"implementation": None, "version": None,
                                    "python_version": None, "jit": None,
                                    "executable": self.python})
        about.update(label=self.label, root=self.root)
        if self.missing():
            about["missing"] = self.missing()
        return about


def contract(about):
    """ev.pythons.probe's answer as matrix.json's interpreter object (implementation
    "CPython"/"PyPy", version, python_version, jit: True/False, None where CPython has no JIT,
    executable)."""
    jit = about["jit"]
    return {"implementation": IMPLEMENTATIONS.get(about["implementation"],
                                                  about["implementation"]),
            "version": about["version"], "python_version": about["python"],
            "jit": jit["enabled"] if jit["available"] or about["implementation"] == "pypy"
            else None,
            "executable": about["executable"]}


def label_of(about):
    """cpython3.11, cpython3.14-jit, pypy7.3.11 of matrix.json's interpreter object
    (ev.pythons.probe.label's rule)."""
    return probing.label({
        "implementation": about["implementation"].lower(), "version": about["version"],
        "jit": {"enabled": bool(about.get("jit"))}})
