import json
import os
import re
import signal
import subprocess
import sys

import pytest

from conftest import ROOT, run_module

GENERATION_LINE = re.compile(
    r"^Generation +(\d+): min = +([\d.]+) avg = +([\d.]+) max = +([\d.]+)  "
    r"\[population = (\d+)\]  \[([\d.]+) secs\]$")


def generation_lines(stdout):
    return [GENERATION_LINE.match(line) for line in stdout.splitlines()
            if line.startswith("Generation")]


def fitness_lines(stdout):
    """What two runs with the same seed must print alike: each line without its seconds."""
    return [m.groups()[:5] for m in generation_lines(stdout)]


def test_prints_one_line_per_generation(run):
    result = run("ev.main", "-n", 12, "-g", 3, "--seed", 1)
    assert result.returncode == 0, result.stderr
    lines = generation_lines(result.stdout)
    assert [int(m.group(1)) for m in lines] == [0, 1, 2]
    assert all(m.group(5) == "12" for m in lines)
    assert "median" in result.stdout


@pytest.mark.parametrize("args", [
    ["--population", "3"], ["-g", "-1"], ["--bogus"], ["-n", "many"],
    ["--results", "/nonexistent-dir/x.jsonl"], ["--save-best", "/"],
    ["--no-specialized", "--creature", "specialized"], ["--seed", "-7"],
])
def test_bad_values_are_usage_errors_without_traceback(run, args):
    result = run("ev.main", "-g", 1, *args)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert "Error" in result.stderr


def test_results_and_best_creature_are_written(run, tmp_path):
    results, best = tmp_path / "r.jsonl", tmp_path / "best.json"
    result = run("ev.main", "-n", 10, "-g", 2, "--seed", 5, "--no-specialized",
                 "--results", results, "--save-best", best)
    assert result.returncode == 0, result.stderr
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert [r["type"] for r in records] == ["run", "generation", "generation", "end"]
    run_record = records[0]
    assert run_record["variant"] == "numpy" and run_record["seed"] == 5
    assert run_record["implementation"] in ("cpython", "pypy")
    assert run_record["numpy"]
    gen = records[2]
    assert gen["generation"] == 1 and gen["population"] == 10 and gen["seconds"] > 0
    assert gen["min"] <= gen["avg"] <= gen["max"]
    saved = json.loads(best.read_text())
    assert saved["kind"] == "numpy"
    assert saved["fitness"] == pytest.approx(gen["min"])

    shown = run("ev.reporting.show", best, "--plot", tmp_path / "flight.png")
    assert shown.returncode == 0, shown.stderr
    total = float(re.search(r"total fitness ([\d.]+)", shown.stdout).group(1))
    assert total == pytest.approx(saved["fitness"], abs=0.01)
    assert (tmp_path / "flight.png").read_bytes()[:4] == b"\x89PNG"


def test_show_rejects_a_file_that_is_not_a_creature(run, tmp_path):
    bogus = tmp_path / "x.json"
    bogus.write_text("{\"nope\": 1}")
    result = run("ev.reporting.show", bogus)
    assert result.returncode == 1
    assert "not a saved creature" in result.stderr and "Traceback" not in result.stderr


def test_ctrl_c_stops_cleanly_saves_best_and_exits_130(tmp_path):
    best, results = tmp_path / "best.json", tmp_path / "r.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-u", "-m", "ev.main", "-n", "30", "--seed", "2",
         "--save-best", str(best), "--results", str(results)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    first = proc.stdout.readline()
    while not first.startswith("Generation"):
        first = proc.stdout.readline()
    second = proc.stdout.readline()
    assert second.startswith("Generation")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130
    assert "Traceback" not in err
    assert "Interrupted" in err and "median" in err
    assert json.loads(best.read_text())["fitness"] is not None
    lines = results.read_text().splitlines()
    assert len(lines) >= 3 and all(json.loads(line) for line in lines)


def other_interpreters():
    found = []
    for name in ("EV_CPYTHON_PY", "EV_PYPY_PY"):
        path = os.environ.get(name)
        if path and os.path.exists(path):
            found.append(path)
    return found


@pytest.mark.skipif(len(other_interpreters()) < 2,
                    reason="needs EV_CPYTHON_PY and EV_PYPY_PY (set by run_tests.sh)")
@pytest.mark.parametrize("variant", ["specialized", "numpy"])
def test_same_seed_prints_the_same_fitness_on_cpython_and_pypy(variant):
    outputs = []
    for python in other_interpreters():
        result = run_module("ev.main", "-n", 20, "-g", 4, "--seed", 77, "--creature", variant,
                            python=python)
        assert result.returncode == 0, result.stderr
        outputs.append(fitness_lines(result.stdout))
    cpython, pypy = outputs
    assert len(cpython) == len(pypy) == 4
    if variant == "specialized":
        assert cpython == pypy
    else:
        for a, b in zip(cpython, pypy):
            assert [float(x) for x in a] == pytest.approx([float(x) for x in b], rel=1e-9)


def test_ctrl_c_during_a_recorded_run_stops_the_child_and_keeps_the_profile(tmp_path):
    from traces.profile_reader import read_profile
    profile = tmp_path / "run.prof"
    # Ctrl-C in a terminal signals the whole foreground process group: parent and child.
    proc = subprocess.Popen(
        [sys.executable, "-m", "ev.main", "-n", "20", "--seed", "2", "--profile", str(profile)],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
        start_new_session=True)
    line = proc.stdout.readline()
    while not line.startswith("Generation"):
        line = proc.stdout.readline()
    os.killpg(proc.pid, signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Traceback" not in err and "Interrupted" in err
    assert read_profile(str(profile)).samples
