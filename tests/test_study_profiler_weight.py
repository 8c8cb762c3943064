"""The profiler_weight study (ev bench profiler_weight) on a tiny budget: every mode runs, and the ratios are arithmetic."""
import json

import pytest

import sys

from ev.studies.profiler_weight.cases import why_not
from ev.studies.profiler_weight.model import distortions, with_overheads
from ev.studies.profiler_weight.report import markdown
from ev.pythons.interpreters import ROOT, venv_python


def test_a_cell_runs_plain_under_vmprof_and_under_cprofile(run):
    if venv_python("cpython") is None:
        pytest.skip("no CPython venv (run the set-up)")
    result = run("ev.studies.profiler_weight", "--cells", "cpython-specialized", "-n", 6,
                 "-g", 2, "--json")
    assert result.returncode == 0, result.stderr
    row, = json.loads(result.stdout)["cells"]
    for mode in ("plain", "vmprof", "cProfile"):
        assert row[mode]["seconds_per_generation"] > 0, row[mode]
    assert row["cProfile"]["overhead"] == pytest.approx(
        row["cProfile"]["seconds_per_generation"] / row["plain"]["seconds_per_generation"])


def timed(plain, vmprof, cprofile):
    return {"plain": {"seconds_per_generation": plain},
            "vmprof": {"seconds_per_generation": vmprof},
            "cProfile": {"seconds_per_generation": cprofile}}


def test_the_distortion_is_the_numpy_over_specialized_ratio_in_each_mode():
    rows = [with_overheads(dict(timed(2.0, 2.2, 8.0), cell="cpython-numpy")),
            with_overheads(dict(timed(1.0, 1.0, 2.0), cell="cpython-specialized")),
            {"cell": "pypy-numpy", "not_run": "no interpreter (run the set-up)"}]
    assert rows[0]["cProfile"]["overhead"] == 4.0
    found, = distortions(rows)
    assert found == {"interpreter": "cpython", "numpy_over_specialized": {
        "plain": 2.0, "vmprof": 2.2, "cProfile": 4.0}}
    table = markdown(rows, [found])
    assert "| pypy-numpy | not run: no interpreter (run the set-up) |" in table
    assert "| cpython | 2.00 | 2.20 | 4.00 |" in table


def test_an_unknown_cell_is_one_line(run):
    result = run("ev.studies.profiler_weight", "--cells", "cpython-fortran")
    assert result.returncode == 2
    assert "unknown cell cpython-fortran" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_cell_that_cannot_run_is_not_available(tmp_path, monkeypatch):
    """The probe asks the interpreter itself: a numba that fails to import (as a half-done
    install does) makes the numba cell "not available", with the interpreter's reason."""
    (tmp_path / "numba.py").write_text("raise ImportError('a broken numba')\n")
    monkeypatch.setenv("PYTHONPATH", "%s:%s" % (tmp_path, ROOT))
    why = why_not(sys.executable, "numba")
    assert why.startswith("not available: ") and ("broken" in why or "PyPy" in why), why
    assert why_not(sys.executable, "specialized") is None
    assert why_not(sys.executable, "fortran").startswith("not available: exit status 2: usage:")
