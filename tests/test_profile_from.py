"""ev.main --profile-from N: the generations before N unrecorded, vmprof from N on, the
evolution unchanged; and what the readers say a recording covers (ev.reporting.recordings).  Real runs
on the interpreter under test (run this file on CPython and on PyPy)."""
import json
import os
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_module
from ev.cli.span import Span
from test_cli import fitness_lines
from test_traces import IS_PYPY, needs_pypy, pypy_python
from traces.vmprof_file import read_state


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


def run_timing_lines(args):
    """Run ``python -m ev.main args`` unbuffered; (its stdout lines, when each arrived, the
    return code, its stderr)."""
    child = subprocess.Popen([sys.executable, "-m", "ev.main"] + [str(a) for a in args],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                             universal_newlines=True, env=dict(os.environ, PYTHONUNBUFFERED="1"))
    lines, arrived = [], []
    for line in child.stdout:
        arrived.append(time.time())
        lines.append(line.rstrip("\n"))
    error = child.stderr.read()
    return lines, arrived, child.wait(timeout=300), error


SAMPLERS_HERE = ["vmprof"] if IS_PYPY else ["py-spy", "vmprof"]


@pytest.mark.parametrize("sampler", SAMPLERS_HERE)
def test_profile_from_records_only_from_that_generation_and_evolves_the_same(tmp_path,
                                                                            sampler):
    args = ("-n", 60, "-g", 10, "--seed", 11)
    plain = run_module("ev.main", *args)
    assert plain.returncode == 0, plain.stderr
    started = {}
    for name, more in (("whole", ()), ("late", ("--profile-from", 8))):
        profile = tmp_path / (name + ".prof")
        lines, arrived, code, error = run_timing_lines(
            args + ("--profile", profile, "--sampler", sampler) + more)
        assert code == 0, error
        assert fitness_lines("\n".join(lines)) == fitness_lines(plain.stdout)
        assert len(fitness_lines("\n".join(lines))) == 10
        said = next(i for i, line in enumerate(lines) if line.startswith("# profiling"))
        first = next(i for i, line in enumerate(lines) if line.startswith("Generation   0:"))
        meta = json.loads((tmp_path / (name + ".prof.meta.json")).read_text())
        assert (meta["recorded_by"], meta["sampler"]) == ("ev.main", sampler)
        started[name] = lines, said, meta
        if sampler == "vmprof":
            # vmprof's own clock (the start marker it writes when enabled) against the
            # moment generation 0's line reached us: one-sided, within one run (two
            # processes' timings differ too much to compare: CI saw it)
            stats = read_state(str(profile))[1]
            started[name] += (stats.start_time.timestamp() - arrived[first],)
    lines, said, meta = started["late"][:3]
    assert lines[said].startswith("# profiling with %s into %s from generation 8 ("
                                  % (sampler, tmp_path / "late.prof"))
    assert lines[said - 1].startswith("Generation   7:")
    assert lines[said + 1].startswith("Generation   8:")
    whole_lines, whole_said, whole_meta = started["whole"][:3]
    assert whole_lines[whole_said].startswith("# profiling with %s into %s from generation 0 ("
                                              % (sampler, tmp_path / "whole.prof"))
    # what the profile covers is the generations it says: their seconds, not the run's
    recorded = sum(float(line.split("[")[-1].split()[0]) for line in lines[said + 1:]
                   if line.startswith("Generation"))
    shown = sum(line.startswith("Generation") for line in lines[said + 1:])
    # each generation's seconds are printed to 0.01 s: their sum is within 0.005 s a line
    assert recorded - 0.005 * shown <= meta["seconds"] < recorded + 0.5, (recorded, meta)
    assert meta["seconds"] < 0.7 * whole_meta["seconds"], (meta, whole_meta)
    if sampler == "vmprof":
        assert started["late"][3] > 0, "vmprof started before generation 0 had finished"
        assert started["whole"][3] < 0, "a whole-run profile started after generation 0"
    else:   # read as a user would, whatever recorded it
        from traces.profile import analyse
        from traces.profile_reader import read_profile
        result = analyse(read_profile(str(tmp_path / "late.prof")))
        assert result["sampler"] == "py-spy" and result["samples"] > 20, result["samples"]
        assert any("rates" in row["function"] for row in result["top_self"][:3])


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
        (folder / "matrix.json").write_text(json.dumps({"format": "ev-matrix", "version": 1,
                                                        "runs": [], "recordings": [entry]}))


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
    rows = json.loads(run_module("ev.cli.trace_summary", tmp_path, "--json").stdout)["rows"]
    assert [row["profile_covers"] for row in rows] == [covers]
    text = run_module("ev.cli.trace_summary", tmp_path).stdout
    assert "- c1 (%s), profile: %s" % (rows[0]["python"], covers) in text
    from ev.cli.profile_cells import profile_args          # what the matrix's recording runs
    args = profile_args(str(tmp_path), "c1")
    assert args[args.index("--covers") + 1] == covers
    profile_text = run_module(*args[1:]).stdout
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
    (row,) = json.loads(run_module("ev.cli.trace_summary", tmp_path, "--json").stdout)["rows"]
    assert row["python"] == "pypy" and not row["problems"]
    assert row["profile_covers"] == "generations 3-4 (recorded from --profile-from 3)"
    assert row["jit_log_covers"].startswith("totals over the whole run, warm-up included")
    text = run_module("ev.cli.trace_summary", tmp_path).stdout
    assert "- p1 (pypy), JIT log: totals over the whole run, warm-up included" in text
    listing = run_module("traces.jitlog", str(cell) + ".jitlog").stdout
    assert "iterations and runs: totals over the whole run, warm-up included" in listing


@pytest.mark.skipif(IS_PYPY, reason="py-spy, CPython's default, reads CPython only")
def test_a_missing_py_spy_is_one_line_naming_what_to_install(tmp_path):
    env = dict(os.environ, TRACES_PY_SPY=str(tmp_path / "no-such-py-spy"))
    result = run_module("ev.main", "-n", 10, "-g", 2, "--profile", tmp_path / "x.prof",
                        env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "pip install py-spy" in result.stderr and "--sampler vmprof" in result.stderr
    assert not any(p.name.startswith("x.prof") for p in tmp_path.iterdir())
    helped = " ".join(run_module("ev.main", "--help", env=env).stdout.split())
    assert "Default here: none here: py-spy is not installed" in helped, helped


@pytest.mark.skipif(IS_PYPY, reason="py-spy, CPython's default, reads CPython only")
def test_ptrace_not_permitted_is_one_line_and_nothing_passes_for_whole(tmp_path):
    """py-spy refused to read the run (a container without CAP_SYS_PTRACE), simulated by a
    py-spy that says what the real one says and fails."""
    fake = tmp_path / "py-spy"
    fake.write_text("#!/bin/sh\necho 'Error: Permission Denied: Try running again with "
                    "elevated permissions' >&2\nexit 1\n")
    fake.chmod(0o755)
    profile = tmp_path / "x.prof"
    result = run_module("ev.main", "-n", 10, "-g", 3, "--profile", profile,
                        "--profile-from", 1, env=dict(os.environ, TRACES_PY_SPY=str(fake)))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "ptrace not permitted" in errors[0], result.stderr
    assert "--sampler vmprof" in errors[0]
    assert not profile.exists() and not os.path.exists(str(profile) + ".meta.json")


def test_sampler_goes_with_profile(tmp_path):
    result = run_module("ev.main", "-n", 10, "-g", 1, "--sampler", "vmprof")
    assert result.returncode == 2 and "--sampler goes with --profile" in result.stderr
