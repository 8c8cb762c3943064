"""ev.main --profile-from N: the generations before N unrecorded, vmprof from N on, the
evolution unchanged; and what the readers say a recording covers (traces.coverage).  Real runs
on the interpreter under test (run this file on CPython and on PyPy)."""
import json
import os

import pytest

from conftest import run_module
from ev.cli.span import Span
from test_cli import fitness_lines
from test_traces import needs_pypy, pypy_python
from traces.profile_reader import read_profile


def test_a_span_splits_into_the_generations_before_and_from_a_generation():
    head, tail = Span(0, 10).split(4)
    assert (head.first, head.count, tail.first, tail.count) == (0, 4, 4, 6)
    head, tail = Span(5, 10).split(2)            # resumed past it: all of it recorded
    assert (head.count, tail.first, tail.count) == (0, 5, 10)
    head, tail = Span(0, None, seconds=3.0, minimum=5).split(7)
    assert (head.count, tail.first, tail.count, tail.seconds) == (7, 7, None, 3.0)
    assert not head.continues(7, []) and tail.continues(7, [0.1] * 7)
    assert not tail.continues(7, [1.0] * 7)       # the whole run's budget is spent
    assert (Span(0, 3).last, Span(4, 3).last, Span(0, None).last) == (2, 6, None)


def results_seconds(path):
    with open(str(path)) as lines:
        return {r["generation"]: r["seconds"] for r in map(json.loads, lines)
                if r["type"] == "generation"}


def test_profile_from_records_only_from_that_generation_and_evolves_the_same(tmp_path):
    args = ("-n", 60, "-g", 10, "--seed", 11)
    plain = run_module("ev.main", *args)
    whole = run_module("ev.main", *args, "--profile", tmp_path / "whole.prof")
    profile, results = tmp_path / "late.prof", tmp_path / "late.jsonl"
    late = run_module("ev.main", *args, "--profile", profile, "--profile-from", 8,
                      "--results", results)
    assert plain.returncode == whole.returncode == late.returncode == 0, late.stderr
    assert fitness_lines(late.stdout) == fitness_lines(plain.stdout)
    assert len(fitness_lines(late.stdout)) == 10
    lines = late.stdout.splitlines()
    said = next(i for i, line in enumerate(lines) if line.startswith("# profiling"))
    assert lines[said].startswith("# profiling with vmprof into %s from generation 8 ("
                                  % profile)
    assert lines[said - 1].startswith("Generation   7:")
    assert lines[said + 1].startswith("Generation   8:")
    seconds = results_seconds(results)
    head = sum(seconds[g] for g in range(8))
    tail = seconds[8] + seconds[9]
    recorded = read_profile(str(profile)).runtime_seconds
    everything = read_profile(str(tmp_path / "whole.prof")).runtime_seconds
    # vmprof ran for the last two generations only, not for the eight before them (what
    # starting and stopping vmprof cost is in both profiles)
    assert recorded >= 0.8 * tail
    assert recorded < everything - 0.5 * head


def test_a_whole_run_profile_says_it_starts_at_the_first_generation(tmp_path):
    profile = tmp_path / "whole.prof"
    result = run_module("ev.main", "-n", 12, "-g", 2, "--seed", 1, "--profile", profile)
    assert result.returncode == 0, result.stderr
    assert "# profiling with vmprof into %s from generation 0 (" % profile in result.stdout


@pytest.mark.parametrize("args, said", [
    (["-g", 3, "--profile-from", 3], "error: --profile-from 3: the run's last generation is 2 "
                                     "(generations 0-2), so nothing would be recorded"),
    (["-g", 3, "--profile-from", 1, "--no-profile"], "error: --profile-from goes with "
                                                     "--profile"),
])
def test_a_profile_that_would_be_empty_is_refused_before_anything_runs(tmp_path, args, said):
    profile, args = tmp_path / "never.prof", list(args)
    if "--no-profile" in args:
        args.remove("--no-profile")
    else:
        args += ["--profile", profile]
    result = run_module("ev.main", "-n", 12, "--seed", 1, *args)
    assert result.returncode == 2
    assert result.stderr.strip() == said and result.stdout == ""
    assert not os.path.exists(str(profile))


def test_a_run_that_ends_before_the_profile_starts_says_no_profile(tmp_path):
    profile = tmp_path / "never.prof"
    result = run_module("ev.main", "-n", 12, "--seed", 1, "-g", 50, "--seconds", 1e-6,
                        "--min-generations", 2, "--profile", profile, "--profile-from", 10)
    assert result.returncode == 1
    assert len(fitness_lines(result.stdout)) == 2
    assert ("error: the run ended before generation 10 (--profile-from): no profile was "
            "recorded") in result.stderr
    assert "Traceback" not in result.stderr and not os.path.exists(str(profile))


def recorded_folder(folder, cell, profile_from, entry):
    """A results folder as ev matrix --profile leaves a cell: the timed round's records, the
    recorded run's profile and log, and matrix.json's recordings entry (``entry``)."""
    timed = run_module("ev.main", "-n", 40, "-g", 4, "--seed", 3, "--results",
                       folder / (cell + ".r1.jsonl"))
    extra = ["--profile-from", profile_from] if profile_from else []
    recorded = run_module("ev.main", "-n", 40, "-g", 4, "--seed", 3, "--profile",
                          folder / (cell + ".prof"), *extra)
    assert timed.returncode == 0 and recorded.returncode == 0, recorded.stderr
    (folder / (cell + ".recorded.log")).write_text(recorded.stdout + recorded.stderr)
    if entry is not None:
        (folder / "matrix.json").write_text(json.dumps({"recordings": [entry]}))


@pytest.mark.parametrize("profile_from, entry, covers", [
    (2, {"cell": "c1", "round": 5, "profile_from": 2},
     "generations 2-3: steady state, as the timed run of round 5 found it"),
    (0, {"cell": "c1", "round": 1}, "the whole run, warm-up included (generations 0-3)"),
    (0, None, "the whole run, warm-up included (generations 0-3)"),
    (2, None, "generations 2-3 (recorded from --profile-from 2)"),
])
def test_the_summary_and_the_profile_text_say_which_generations_a_profile_covers(
        tmp_path, profile_from, entry, covers):
    recorded_folder(tmp_path, "c1", profile_from, entry)
    rows = json.loads(run_module("traces.summary", tmp_path, "--json").stdout)
    assert [row["profile_covers"] for row in rows] == [covers]
    text = run_module("traces.summary", tmp_path).stdout
    assert "- c1 (%s), profile: %s" % (rows[0]["python"], covers) in text
    profile_text = run_module("traces.profile", tmp_path / "c1.prof").stdout
    assert profile_text.splitlines()[1] == "covers " + covers


@needs_pypy
def test_a_jit_log_is_said_to_cover_the_whole_run_beside_a_late_profile(tmp_path):
    """PyPy reads PYPYLOG when it starts: the log holds the warm-up whatever --profile-from
    says, and the summary and traces.jitlog say so."""
    cell = tmp_path / "p1"
    result = run_module("ev.main", "-n", 30, "-g", 5, "--seed", 3, "--profile",
                        str(cell) + ".prof", "--profile-from", 3, "--jit-log",
                        str(cell) + ".jitlog", python=pypy_python())
    assert result.returncode == 0, result.stderr
    assert "from generation 3 (" in result.stdout
    (tmp_path / "p1.recorded.log").write_text(result.stdout + result.stderr)
    (row,) = json.loads(run_module("traces.summary", tmp_path, "--json").stdout)
    assert row["python"] == "pypy" and not row["problems"]
    assert row["profile_covers"] == "generations 3-4 (recorded from --profile-from 3)"
    assert row["jit_log_covers"].startswith("totals over the whole run, warm-up included")
    text = run_module("traces.summary", tmp_path).stdout
    assert "- p1 (pypy), JIT log: totals over the whole run, warm-up included" in text
    listing = run_module("traces.jitlog", str(cell) + ".jitlog").stdout
    assert "iterations and runs: totals over the whole run, warm-up included" in listing
