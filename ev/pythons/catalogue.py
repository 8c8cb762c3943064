"""The interpreters ev can provide, as data: which Debian suite has each, where it lives in the
root, and what it needs.  One table, read by the names parser, the provisioner and ``list``.

The versions are what the suites served when the table was made (docs/pythons.md says when;
sid moves: a report prints what it ran, from ``probe``, never from this table)."""
import collections

Provided = collections.namedtuple("Provided", "name suite binary venv env")
# name: what a user types; suite: the Debian suite whose root has it; binary: the interpreter
# inside the root; venv: the venv it runs from (JIT on and off share one); env: its switches.

PROVIDED = (
    Provided("cpython3.13", "trixie", "/usr/bin/python3.13", "cpython3.13", {}),
    Provided("pypy7.3.19", "trixie", "/usr/bin/pypy3", "pypy7.3.19", {}),
    Provided("cpython3.14", "sid", "/usr/bin/python3.14", "cpython3.14", {"PYTHON_JIT": "0"}),
    Provided("cpython3.14-jit", "sid", "/usr/bin/python3.14", "cpython3.14", {"PYTHON_JIT": "1"}),
    Provided("cpython3.15", "sid", "/usr/bin/python3.15", "cpython3.15", {"PYTHON_JIT": "0"}),
    Provided("cpython3.15-jit", "sid", "/usr/bin/python3.15", "cpython3.15", {"PYTHON_JIT": "1"}),
    Provided("pypy8.0", "sid", "/usr/bin/pypy3", "pypy8.0", {}),
)

BY_NAME = {entry.name: entry for entry in PROVIDED}

# Debian packages per suite: the interpreters, their venv and headers (vmprof and numpy build
# from source where no wheel exists: PyPy 8.0's numpy needs g++); libunwind8: vmprof records
# native frames only when it can load libunwind, and on PyPy those are how it sees JIT code
# (without it, a PyPy profile has no JIT frame at all: traces cannot name a trace).
PACKAGES = {
    "trixie": ("python3.13", "python3.13-venv", "python3.13-dev", "pypy3", "pypy3-venv",
               "pypy3-dev", "gcc", "g++", "libc6-dev", "pkg-config", "libunwind8"),
    "sid": ("python3.14", "python3.14-venv", "python3.14-dev", "python3.15", "python3.15-venv",
            "python3.15-dev", "pypy3", "pypy3-venv", "pypy3-dev", "gcc", "g++", "libc6-dev",
            "pkg-config", "libunwind8",
            "linux-perf"),   # perf: traces.record --sampler perf (3.13+)
}

# What each venv gets (no matplotlib: it does not build on PyPy 8.0; the host draws the plots).
# setuptools: vmprof compiles with it on 3.12+, and the checkout's editable install needs it;
# pyperf: the benchmarks; py-spy: traces.record's default sampler on CPython (0.4.3 reads
# 3.14 and 3.15; on PyPy it is not used); pyperformance: the public programs the trace tools
# are checked on (ev bench sampler_field, the samplers' agreement test, PyPy's raytrace test).
# Changing this list reinstalls every root's venvs on the next add.
VENV_PACKAGES = ("numpy", "vmprof", "click", "pytest", "setuptools", "pyperf", "py-spy",
                 "pyperformance")

SUITES = tuple(PACKAGES)


def venvs_of(suite):
    """The venvs a suite's root holds, each once, with the interpreter that makes it."""
    seen = collections.OrderedDict()
    for entry in PROVIDED:
        if entry.suite == suite:
            seen.setdefault(entry.venv, entry.binary)
    return list(seen.items())


def names_of(suite):
    return [entry.name for entry in PROVIDED if entry.suite == suite]
