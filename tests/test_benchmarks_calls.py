"""benchmarks.calls on a tiny budget: it runs every case, and its decomposition is arithmetic."""
import json
import sys

import pytest

from benchmarks.call_cases import CASES, LOOP, PART, SEQUENCE, WHOLE, specialized_creature
from benchmarks.call_table import decomposition, markdown, with_net

TINY = ("--processes", 1, "--values", 1, "--min-time", 0.0001, "--warmups", 1)


def test_the_benchmark_times_every_case_in_this_interpreter(run):
    pytest.importorskip("pyperf")
    result = run("benchmarks.calls", "--python", sys.executable, "--json", *TINY)
    assert result.returncode == 0, result.stderr
    interpreter, = json.loads(result.stdout)["interpreters"]
    records = interpreter["records"]
    assert [(r["group"], r["name"]) for r in records] == [(c.group, c.name) for c in CASES]
    for record in records:
        assert record["ns"] > 0 if "ns" in record else record["unavailable"]
    numpy_run_step = next(d for d in interpreter["run_steps"] if d["group"] == "numpy run_step")
    assert len(numpy_run_step["statements"]) == 6
    assert numpy_run_step["whole_ns"] > 0
    assert "| numpy run_step |" in markdown([interpreter])


def test_the_c_extension_rows_time_real_c_api_functions():
    callee = pytest.importorskip("benchmarks._callee", reason="benchmarks.callee_build not run")
    marker = object()
    assert callee.no_args() is None
    assert callee.one_arg(marker) is marker
    assert callee.two_args(marker, 2) is marker
    with pytest.raises(TypeError):
        callee.two_args(marker)


def test_the_run_step_cases_compute_what_run_step_computes():
    """The statements, run in order, are the body of SpecializedCreature.run_step."""
    statements = [c.stmt for c in CASES if c.group == "specialized run_step"
                  and c.role == SEQUENCE]
    setup = next(c.setup for c in CASES if c.group == "specialized run_step")
    by_statements, by_method = {}, {}
    exec(setup + "\n" + statements[-1], by_statements)
    exec(setup + "\ninputs[1] = self.run_step(inputs)[0]", by_method)
    assert by_statements["inputs"] == by_method["inputs"]
    assert by_statements["self"].state0 == by_method["self"].state0 != specialized_creature().state0


def record(name, role, ns, index=None, group="g"):
    return {"group": group, "name": name, "role": role, "ns": ns, "index": index}


def test_parts_and_sequence_are_net_of_the_timing_loop():
    records = with_net([
        record("loop", LOOP, 10.0, group="calls"),
        record("whole", WHOLE, 110.0),
        record("the call", PART, 30.0),
        record("a", PART, 40.0, index=1), record("b", PART, 20.0, index=2),
        record("1-1", SEQUENCE, 50.0, index=1), record("1-2", SEQUENCE, 90.0, index=2)])
    found = decomposition(records, "g")
    assert found["whole_ns"] == 100.0
    assert found["parts_alone_ns"] == 20.0 + 30.0 + 10.0   # three loops taken off
    assert found["parts_over_whole"] == pytest.approx(0.6)
    assert not found["adds_up"]
    assert [s["in_sequence_ns"] for s in found["statements"]] == [40.0, 40.0]
    assert found["call_in_sequence_ns"] == 100.0 - 80.0


def test_within_20_percent_adds_up():
    records = with_net([record("whole", WHOLE, 100.0), record("the call", PART, 10.0),
                        record("a", PART, 71.0, index=1)])
    assert decomposition(records, "g")["adds_up"]
    records[1]["net_ns"] = 5.0
    assert not decomposition(records, "g")["adds_up"]


def test_an_interpreter_that_does_not_run_is_one_line(run):
    result = run("benchmarks.calls", "--python", "/nonexistent/python")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: cannot run /nonexistent/python: No such file or directory")
    assert "Traceback" not in result.stderr
