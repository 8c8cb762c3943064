"""The numpy_share study (ev bench numpy_share): its arithmetic on a split known by
construction, a tiny run's row, and the window of its timed generations handed to a parent in
the answer file (ev.common.result_file), not printed."""
import json
import sys

import pytest

from ev.common import result_file
from ev.studies.numpy_share.command import NUMPY_SHARE
from ev.studies.numpy_share.model import share_row


def test_the_share_is_calls_times_the_numpy_part_over_the_generation():
    # 200 calls a timed generation (the first generation's 5 are left out), 1.5 us of numpy
    # statements in a 2 us run_step, 1 ms a generation: 30% numpy, 40% run_step.
    row = share_row(0.001, [0.004, 0.001, 0.001], [5, 100, 300], 2e-6, 0.5e-6)
    assert row["run_step_calls_per_gen"] == 200
    assert row["numpy_statements_share_pct"] == 30.0 and row["run_step_share_pct"] == 40.0
    assert row["run_step_whole_us"] == 2.0 and row["run_step_glue_us"] == 0.5


@pytest.mark.skipif(hasattr(sys, "pypy_version_info"),
                    reason="its timeit of numpy statements (2 x 10^6 calls through cpyext) "
                           "takes half a minute on PyPy")
def test_a_tiny_run_prints_one_row(run):
    done = run("ev.studies.numpy_share", "-n", 8, "-g", 2)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.strip().splitlines()
    assert len(lines) == 1
    row = NUMPY_SHARE.read(json.loads(lines[0]))
    assert (row["format"], row["version"]) == ("ev-numpy-share", 1)
    assert row["run_step_calls_per_gen"] > 0 and len(row["generation_seconds"]) == 2
    assert 0 < row["numpy_statements_share_pct"] <= row["run_step_share_pct"]


def test_the_window_of_the_timed_generations_is_an_answer_not_a_line(run):
    asked = result_file.ask([sys.executable, "-m", "ev.studies.numpy_share", "-n", 8, "-g",
                             3, "--generations-only"])
    start, end = asked.result["window"]
    assert start < end
    assert "EV-WINDOW" not in asked.stdout and len(asked.stdout.strip().splitlines()) == 1
    by_hand = run("ev.studies.numpy_share", "-n", 8, "-g", 2, "--generations-only")
    assert by_hand.returncode == 0 and "window" not in by_hand.stdout
    assert NUMPY_SHARE.read(json.loads(by_hand.stdout))["s_per_gen"] > 0
