"""The calls study (ev bench calls) on a tiny budget: it runs every case, and its decomposition is arithmetic."""
import json
import re
import sys

import pytest

from ev.studies.calls.cases import CASES, LOOP, PART, SEQUENCE, WHOLE, specialized_creature
from ev.studies.calls.model import decomposition, with_net
from ev.studies.calls.report import markdown, with_spread

TINY = ("--processes", 1, "--values", 2, "--min-time", 0.0001, "--warmups", 1)


def test_the_benchmark_times_every_case_in_this_interpreter(run):
    pytest.importorskip("pyperf")
    result = run("ev.studies.calls", "--python", sys.executable, "--json", *TINY)
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
    callee = pytest.importorskip("ev.studies.calls._callee",
                                 reason="ev.studies.calls.callee_build not run")
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
    result = run("ev.studies.calls", "--python", "/nonexistent/python")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "Error: cannot run /nonexistent/python: No such file or directory")
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("values", [1, 0, -3])
def test_settings_that_cannot_give_a_spread_are_refused_in_one_line(run, values):
    result = run("ev.studies.calls", "--python", sys.executable, "--values", values)
    assert result.returncode == 2, result.stderr
    assert result.stderr.strip() == (
        "Error: --values %d cannot give a spread (each median needs at least two values per "
        "worker process to go with it): use --values 2 or more" % values)
    assert result.stdout == ""


def test_a_saved_output_made_without_a_spread_is_refused(run, tmp_path):
    saved = tmp_path / "calls.json"
    saved.write_text(json.dumps({"pyperf_options": ["--processes", "1", "--values", "1"],
                                 "interpreters": []}))
    result = run("ev.studies.calls", "--report", saved)
    assert result.returncode == 2
    assert "--values 1 cannot give a spread" in result.stderr
    assert "Traceback" not in result.stderr


def spread(name, role, ns, mad, index=None):
    return dict(record(name, role, ns, index), mad_ns=mad)


def test_a_negative_difference_is_said_to_be_noise_never_printed_as_a_cost():
    assert with_spread(-40.0, 20.0) == "≈ 0 ± 20.0"
    assert with_spread(-43254.0, 100.0) == "not measurable (noise: 43,254 ns below 0, spread 100.0)"
    assert with_spread(12.0, 3.0) == "12.0 ± 3.00"
    records = with_net([
        spread("loop", LOOP, 10.0, 1.0), spread("whole", WHOLE, 110.0, 2.0),
        spread("the call", PART, 30.0, 2.0),
        spread("a", PART, 40.0, 2.0, index=1), spread("b", PART, 60.0, 2.0, index=2),
        spread("1-1", SEQUENCE, 90.0, 2.0, index=1), spread("1-2", SEQUENCE, 50.0, 2.0, index=2)])
    for row in records:
        row["group"] = "g" if row["role"] != LOOP else "calls"
    table = markdown([{"label": "X", "records": records}])
    assert "not measurable (noise: 40.0 ns below 0" in table    # statement 2 in sequence
    assert not re.search(r"[-−]\s*\d", table)                   # no negative figure anywhere


def test_add_up_is_claimed_only_when_the_spread_allows_it():
    def verdict(mad):
        records = with_net([spread("whole", WHOLE, 100.0, mad), spread("the call", PART, 10.0, mad),
                            spread("a", PART, 80.0, mad, index=1)])
        return decomposition(records, "g")
    assert verdict(1.0)["adds_up"] is True                 # 90% +- 2%
    wide = verdict(30.0)                                    # 90% +- ~50%
    assert wide["adds_up"] is None
    sentence = markdown([{"label": "X", "records": with_net([
        spread("whole", WHOLE, 100.0, 30.0), spread("the call", PART, 10.0, 30.0),
        spread("a", PART, 80.0, 30.0, index=1)])}])
    assert "the spread is too wide to tell whether they add up" in sentence
    assert "they add up (within" not in sentence
