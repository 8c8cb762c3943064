"""The scaling study (ev bench scaling, issue 28): a tiny run gives every table, and Amdahl's arithmetic."""
import json
import math
import platform

from conftest import run_module

from ev.studies.scaling.model import cores_needed


def test_amdahl_cores_to_match():
    assert cores_needed(1.0, 0.1, 0.2) == 9           # 0.1 + 0.9 / 9 = 0.2
    assert cores_needed(1.0, 0.1, 0.18) == 12         # 0.1 + 0.9 / 11 > 0.18 >= 0.1 + 0.9 / 12
    assert cores_needed(0.5, 0.1, 0.6) == 1           # one core is already faster
    assert math.isinf(cores_needed(1.0, 0.3, 0.2))    # the serial part alone is slower


def test_a_tiny_scaling_run_measures_every_mode_and_the_shipping():
    cell = "%s-specialized" % platform.python_implementation().lower()
    result = run_module("ev.studies.scaling", "--populations", "12,20", "-g", "2",
                        "--rounds", "1", "--cells", cell, "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert [(r["cell"], r["population"]) for r in report["efficiency"]] == [
        (cell, 12), (cell, 20)]
    for row in report["efficiency"]:
        assert row["serial"][0] > 0 and row["workers_2"][0] > 0
        assert 0 < row["efficiency_2"][0] < 2
    shipped = report["shipping"]
    assert {s["population"] for s in shipped} == {12, 20}
    assert all(s["bytes_out"] > 8 * 4 * s["creatures"] and s["seconds"] for s in shipped)
    assert report["cores_to_match"] == []     # needs both CPython + numpy and PyPy


def test_bad_populations_are_one_line_usage_errors():
    for bad in ("many", "2", ""):
        result = run_module("ev.studies.scaling", "--populations", bad)
        assert result.returncode == 2 and "Traceback" not in result.stderr
