"""ev report DIR --pyperf FILE: the rounds as a pyperf suite, read back by pyperf itself
(its loader and its compare_to), so that a reader can check ev's reading with pyperf."""
import json
import os

import pytest

from conftest import run_module
from matrix_folders import machine_state, write_matrix

pyperf = pytest.importorskip("pyperf")

NUMPY, UNROLLED = "cpython3.11-numpy", "pypy7.3.11-specialized"
WARMING = [0.3, 0.2, 0.011, 0.01, 0.012, 0.01, 0.01]     # steady from generation 2
UNROLLED_DRIFT = [1.0, 1.02, 0.99, 1.01, 1.0]              # round by round, the same in a and b


def folder_of(path, numpy_seconds):
    path.mkdir()
    write_matrix(path, {NUMPY: [[2.0] + [s] * 4 for s in numpy_seconds],
                        UNROLLED: [[s * f for s in WARMING]
                                   for f in UNROLLED_DRIFT[:len(numpy_seconds)]]},
                 rounds=len(numpy_seconds),
                 machine={"before": machine_state(0.2), "after": machine_state(0.9)})
    return path


def export(folder, target):
    result = run_module("ev.reporting.report", folder, "--no-plots", "--pyperf", target)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return pyperf.BenchmarkSuite.load(str(target))


def test_cells_rounds_warmups_and_values_map_onto_pyperf(tmp_path):
    folder = folder_of(tmp_path / "a", [1.0, 1.1, 0.9])
    suite = export(folder, tmp_path / "a.json")
    assert sorted(suite.get_benchmark_names()) == sorted([NUMPY, UNROLLED])
    numpy = suite.get_benchmark(NUMPY)
    # one value per round: the round's steady median
    assert [run.values for run in numpy.get_runs()] == [(1.0,), (1.1,), (0.9,)]
    assert [run.warmups for run in numpy.get_runs()] == [((1, 2.0),)] * 3
    unrolled = suite.get_benchmark(UNROLLED)
    (first, *_) = unrolled.get_runs()
    assert first.warmups == ((1, 0.3), (1, 0.2)) and first.values == (0.01,)
    assert unrolled.get_metadata()["python_implementation"] == "pypy"
    assert numpy.get_metadata()["cpu_count"] == 2
    assert numpy.get_unit() == "second" and numpy.median() == 1.0


def test_pyperf_compares_two_exported_runs(tmp_path):
    """A run whose numpy cell is 50% slower: pyperf's own test, over the rounds, calls it
    significant (the test needs samples of one size: a value per round gives that)."""
    export(folder_of(tmp_path / "a", [1.0, 1.1, 0.9, 1.05, 0.95]), tmp_path / "a.json")
    export(folder_of(tmp_path / "b", [1.5, 1.6, 1.4, 1.55, 1.45]), tmp_path / "b.json")
    result = run_module("pyperf", "compare_to", tmp_path / "a.json", tmp_path / "b.json")
    assert result.returncode == 0, result.stderr
    (line,) = [l for l in result.stdout.splitlines() if l.startswith(NUMPY + ":")]
    assert line.endswith("1.50x slower")
    # the unrolled cell did not change: pyperf hides it as not significant
    assert "not significant (1): %s" % UNROLLED in result.stdout


def test_bad_targets_are_one_line_errors(tmp_path):
    folder = folder_of(tmp_path / "a", [1.0, 1.1])
    for target, words in ((tmp_path / "x.json.gz", "not ending in .gz"),
                          (tmp_path / "no" / "such" / "x.json", "x.json")):
        result = run_module("ev.reporting.report", folder, "--no-plots", "--pyperf", target)
        assert result.returncode == 1 and words in result.stderr
        assert "Traceback" not in result.stderr and not os.path.exists(str(target))


def test_without_pyperf_it_says_how_to_get_it(tmp_path):
    folder = folder_of(tmp_path / "a", [1.0, 1.1])
    blocker = tmp_path / "blocker"
    blocker.mkdir()
    (blocker / "pyperf.py").write_text("raise ImportError('no pyperf here')\n")
    env = dict(os.environ, PYTHONPATH=str(blocker))
    result = run_module("ev.reporting.report", folder, "--no-plots", "--pyperf",
                        tmp_path / "a.json", env=env)
    assert result.returncode == 1 and "pyperf is not installed" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    # the report itself does not need pyperf
    assert run_module("ev.reporting.report", folder, "--json", env=env).returncode == 0
    json.loads(run_module("ev.reporting.report", folder, "--json", env=env).stdout)
