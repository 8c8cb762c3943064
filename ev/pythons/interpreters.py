"""The interpreters a cross-interpreter benchmark runs by default (this one and the venvs'), and
how it reads what they print."""
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


VENVS = (("cpython", "EV_CPYTHON_PY"), ("pypy", "EV_PYPY_PY"))


def venv_python(kind):
    """The set-up's interpreter of ``kind`` ("cpython" or "pypy"), or EV_CPYTHON_PY /
    EV_PYPY_PY when set; None when it does not exist."""
    variable = dict(VENVS)[kind]
    candidate = os.environ.get(variable) or os.path.join(ROOT, ".venv", kind, "bin", "python")
    return candidate if os.path.exists(candidate) else None


def last_line(text, default="no output"):
    """The last line a child interpreter printed (its error, or its one-line JSON answer)."""
    return (text.strip().splitlines() or [default])[-1]


def default_interpreters():
    """sys.executable, then the CPython and PyPy venvs of the set-up (or EV_CPYTHON_PY /
    EV_PYPY_PY), each once."""
    found = [sys.executable]
    for kind, _ in VENVS:
        candidate = venv_python(kind)
        if candidate and os.path.realpath(candidate) not in map(os.path.realpath, found):
            found.append(candidate)
    return found
