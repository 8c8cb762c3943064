"""What a recording covers and what it cost come from records (ev.reporting.recordings): the
recorded run's printed output can be anything."""
import json
import random
import string

from conftest import run_module
from ev.reporting import recordings


def test_coverage_and_cost_are_read_from_the_recorded_runs_records(tmp_path):
    cell = "c1"
    timed = run_module("ev.main", "-n", 30, "-g", 4, "--seed", 3, "--results",
                       tmp_path / (cell + ".r1.jsonl"))
    recorded = run_module("ev.main", "-n", 30, "-g", 4, "--seed", 3, "--profile",
                          tmp_path / (cell + ".prof"), "--profile-from", 2, "--results",
                          tmp_path / (cell + ".recorded.jsonl"))
    assert timed.returncode == 0 and recorded.returncode == 0, recorded.stderr
    noise = "".join(random.choice(string.printable) for _ in range(2000))
    (tmp_path / (cell + ".recorded.log")).write_text(noise)   # printed lines carry no data
    found = recordings.profile_coverage(str(tmp_path), cell)
    assert found["covers"] == "generations 2-3 (recorded from --profile-from 2)"
    (tmp_path / "matrix.json").write_text(json.dumps({
        "format": "ev-matrix", "version": 1, "runs": [],
        "recordings": [{"cell": cell, "round": 1, "profile_from": 2}]}))
    found = recordings.profile_coverage(str(tmp_path), cell)
    assert found == {"profile_from": 2, "last": 3, "round": 1, "covers":
                     "generations 2-3: steady state, as the timed run of round 1 found it"}
    cost = recordings.recording_cost(str(tmp_path), cell)
    assert cost["recorded_median"] == recordings.timed_median(
        str(tmp_path / (cell + ".recorded.jsonl")))
    assert cost["recording_overhead"] == cost["recorded_median"] / cost["timed_median"]


def test_evs_c_evaluation_is_its_own_category_in_evs_profiles(tmp_path):
    """ev passes its category (the c cell's C) to traces where it records and reads: a real
    recording of the c cell by ev.main --profile (the interpreter's default sampler), read by
    traces.profile (as ev matrix --profile runs it) and by ev summary."""
    import pytest
    from ev.backends.c_build import PROFILE_CATEGORY
    from ev.backends.c_evaluation import NotBuilt, compiled_module
    try:
        compiled_module()
    except NotBuilt as error:
        pytest.skip(str(error))
    profile = tmp_path / "cell-c.prof"
    recorded = run_module("ev.main", "-n", 300, "-g", 30, "--seed", 3, "--creature", "c",
                          "--profile", profile, "--profile-from", 1)
    assert recorded.returncode == 0, recorded.stderr
    meta = json.loads((tmp_path / "cell-c.prof.meta.json").read_text())
    assert meta["categories"] == [PROFILE_CATEGORY.to_json()]
    result = json.loads(run_module("traces.profile", profile, "--json").stdout)
    shares = dict((c["category"], c["self"]) for c in result["categories"])
    # the C's samples carry ev's category, not an unnamed one: on PyPy this short run's share
    # of C was 27-33% over three recordings (the rest mostly the interpreter warming up), so
    # the bound is below that spread, and the unnamed categories must stay under it
    unnamed = shares.get("unknown native", 0) + shares.get("PyPy runtime, unnamed", 0)
    assert shares[PROFILE_CATEGORY.name] > max(0.15, unnamed), (result["sampler"], shares)
    (row,) = json.loads(run_module("ev.cli.trace_summary", tmp_path, "--json").stdout)["rows"]
    assert row["compiled C"] == shares[PROFILE_CATEGORY.name]
