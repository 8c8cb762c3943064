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
