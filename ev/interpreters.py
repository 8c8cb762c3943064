"""The interpreters a cross-interpreter benchmark runs by default: this one and the venvs'."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def default_interpreters():
    """sys.executable, then the CPython and PyPy venvs of the set-up (or EV_CPYTHON_PY /
    EV_PYPY_PY), each once."""
    found = [sys.executable]
    for name, venv in (("EV_CPYTHON_PY", "cpython"), ("EV_PYPY_PY", "pypy")):
        candidate = os.environ.get(name) or os.path.join(ROOT, ".venv", venv, "bin", "python")
        if os.path.exists(candidate) and os.path.realpath(candidate) not in map(
                os.path.realpath, found):
            found.append(candidate)
    return found
