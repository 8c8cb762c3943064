import json
import os
import re
import subprocess

import pytest

from conftest import ROOT


def write_cell(folder, name, implementation, variant, seconds, best, seed=42, population=10):
    with open(os.path.join(folder, name + ".jsonl"), "w") as out:
        out.write(json.dumps({"type": "run", "implementation": implementation,
                              "version": "3.x", "variant": variant, "seed": seed,
                              "population": population}) + "\n")
        for generation, (secs, fitness) in enumerate(zip(seconds, best)):
            out.write(json.dumps({"type": "generation", "generation": generation,
                                  "seconds": secs, "min": fitness, "avg": fitness + 1,
                                  "max": fitness + 2}) + "\n")


@pytest.fixture
def folder(tmp_path):
    write_cell(str(tmp_path), "cpython-numpy", "cpython", "numpy",
               [5.0, 2.0, 3.0, 4.0], [100.0, 90.0, 80.0, 70.0])
    write_cell(str(tmp_path), "pypy-specialized", "pypy", "specialized",
               [1.0, 0.02, 0.04, 0.03], [100.0, 90.0, 80.0, 70.0])
    return tmp_path


def test_table_has_medians_without_the_first_generation_and_speedups(run, folder):
    result = run("ev.reporting.report", folder, "--json")
    assert result.returncode == 0, result.stderr
    rows = dict((r["cell"], r) for r in json.loads(result.stdout)["rows"])
    numpy, fast = rows["cpython-numpy"], rows["pypy-specialized"]
    assert numpy["median_seconds"] == 3.0 and numpy["first_seconds"] == 5.0
    assert (numpy["min_seconds"], numpy["max_seconds"]) == (2.0, 4.0)
    assert fast["median_seconds"] == 0.03
    assert fast["speedup"] == pytest.approx(100.0)
    assert fast["final_best_fitness"] == 70.0 and fast["same_work"] is True


def test_markdown_report_and_plots_are_written(run, folder):
    result = run("ev.reporting.report", folder)
    assert result.returncode == 0, result.stderr
    text = (folder / "report.md").read_text()
    assert "| cpython-numpy |" in text and "| 100x" in text
    assert "6.15" in text and "~34" in text  # the article's figures, as it gave them
    assert text.startswith("Population 10, 4 generations per cell, seed 42.")
    assert "(speedup.png)" in text and "What the numbers say" in text
    for png in ("seconds_per_generation.png", "speedup.png"):
        assert (folder / png).read_bytes()[:4] == b"\x89PNG"


def test_cells_that_did_different_work_are_flagged(run, folder):
    write_cell(str(folder), "cpython-specialized", "cpython", "specialized",
               [1.0, 1.0], [100.0, 91.0])
    rows = dict((r["cell"], r) for r in json.loads(run("ev.reporting.report", folder, "--json").stdout)["rows"])
    assert rows["cpython-specialized"]["same_work"] is False
    assert "NO: different results" in run("ev.reporting.report", folder, "--no-plots").stdout


def test_a_corrupt_line_is_reported_and_the_rest_still_counts(run, folder):
    with open(str(folder / "cpython-numpy.jsonl"), "a") as out:
        out.write('{"type": "generation", "generation": 4, "seco')
    result = run("ev.reporting.report", folder, "--json")
    assert result.returncode == 0
    assert "cpython-numpy.jsonl:6" in result.stderr and "Traceback" not in result.stderr
    assert len(json.loads(result.stdout)["rows"]) == 2


def test_an_empty_folder_is_a_one_line_error(run, tmp_path):
    result = run("ev.reporting.report", tmp_path)
    assert result.returncode == 1 and "no results" in result.stderr
    assert "Traceback" not in result.stderr


def run_all(*args, **env):
    environment = dict(os.environ, **env)
    return subprocess.run(["bash", os.path.join(ROOT, "run_all.sh")] + list(args), cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, env=environment, timeout=600)


@pytest.mark.parametrize("args", [["--bogus"], ["--cells", "cpython-nothing"],
                                  ["--population", "many"]])
def test_run_all_rejects_bad_options(args):
    result = run_all(*args)
    assert result.returncode == 2 and "run_all.sh:" in result.stderr


def test_run_all_marks_a_missing_interpreter_not_run_and_still_reports(tmp_path):
    if not os.path.exists(os.path.join(ROOT, ".venv", "cpython", "bin", "python")):
        pytest.skip("needs the CPython venv that run_tests.sh sets up")
    out = tmp_path / "matrix"
    result = run_all("--population", "8", "--generations", "2", "--seed", "3", "--out", str(out),
                     "--cells", "cpython-specialized,pypy-specialized", "--rounds", "1",
                     EV_PYPY="/nonexistent/pypy3", EV_NO_INSTALL="1")
    assert result.returncode == 0, result.stderr[-2000:]
    report = (out / "report.md").read_text()
    assert re.search(r"\| cpython[0-9.]*-specialized \|", report)
    assert "| pypy-specialized | not run:" in report
    with open(str(out / "matrix.json")) as matrix:
        ran = [cell["cell"] for cell in json.load(matrix)["cells"] if cell["status"] == "run"]
    assert ran[0].startswith("cpython") and ran[0].endswith("-specialized")
    records = [json.loads(line) for line in (out / (ran[0] + ".r1.jsonl")).read_text().splitlines()]
    assert [r["type"] for r in records] == ["run", "generation", "generation", "end"]
    assert "ev.main --creature specialized" in (out / "commands.txt").read_text()


def test_records_missing_fields_are_reported_not_fatal(run, folder):
    with open(str(folder / "pypy-specialized.jsonl"), "a") as out:
        out.write('{"type": "generation", "generation": 4}\n')
        out.write('[1, 2]\n')
    result = run("ev.reporting.report", folder, "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "generation record without seconds, min, avg, max" in result.stderr
    assert "pypy-specialized.jsonl:7: not a run, generation or end record" in result.stderr


def test_every_cell_is_measured_against_the_c_cell(run, tmp_path):
    """Real runs of the c and specialized cells: the report's distances and GA shares are
    the arithmetic of the records' seconds and evaluation_seconds."""
    from test_native import c_module
    c_module()
    for variant in ("c", "specialized"):
        result = run("ev.main", "--creature", variant, "-n", 24, "-g", 4, "--seed", 3,
                     "--results", tmp_path / (variant + ".jsonl"))
        assert result.returncode == 0, result.stderr
    result = run("ev.reporting.report", tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    rows = dict((r["cell"], r) for r in json.loads(result.stdout)["rows"])
    c, python = rows["c"], rows[[name for name in rows if name != "c"][0]]

    def generations(name):
        with open(str(tmp_path / (name + ".jsonl"))) as records:
            return [r for r in map(json.loads, records) if r["type"] == "generation"]
    steady = generations("specialized")[1:]
    evaluation = sorted(g["evaluation_seconds"] for g in steady)[1]   # median of three
    shares = sorted((g["seconds"] - g["evaluation_seconds"]) / g["seconds"] for g in steady)
    assert python["median_evaluation_seconds"] == evaluation
    assert python["ga_share"] == pytest.approx(shares[1])
    assert 0.0 < python["ga_share"] < 1.0
    assert c["vs_c"] == 1.0 and c["evaluation_vs_c"] == 1.0

    def steady_mean(name, row):     # a ratio within a round is of the cells' steady means
        numbers = set(row["steady_generations"][0])
        found = [g["evaluation_seconds"] for g in generations(name) if g["generation"] in numbers]
        assert len(found) >= 3
        return sum(found) / len(found)
    assert python["evaluation_vs_c"] == pytest.approx(steady_mean("specialized", python)
                                                      / steady_mean("c", c))
    assert python["same_work"] is True and c["same_work"] is True


def test_the_ga_share_is_also_given_for_each_half_of_a_run(run, tmp_path):
    """A real run of 7 generations: shares over generations 1-3 and 4-6, in the JSON and in
    the report's sentence."""
    from test_native import c_module
    c_module()
    for variant in ("c", "specialized"):
        result = run("ev.main", "--creature", variant, "-n", 24, "-g", 7, "--seed", 3,
                     "--results", tmp_path / (variant + ".jsonl"))
        assert result.returncode == 0, result.stderr
    with open(str(tmp_path / "specialized.jsonl")) as records:
        steady = [r for r in map(json.loads, records) if r["type"] == "generation"][1:]
    shares = [(g["seconds"] - g["evaluation_seconds"]) / g["seconds"] for g in steady]
    result = run("ev.reporting.report", tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    row = [r for r in json.loads(result.stdout)["rows"] if r["cell"] != "c"][0]
    (first, early), (later, late) = row["ga_share_halves"]
    assert (first, later) == (1, 4)
    assert early == pytest.approx(sorted(shares[:3])[1])
    assert late == pytest.approx(sorted(shares[3:])[1])
    result = run("ev.reporting.report", tmp_path, "--no-plots")
    assert result.returncode == 0, result.stderr
    assert "%.0f%% in generations 1-3, %.0f%% from 4" % (100 * early, 100 * late) in result.stdout


def test_cells_that_could_not_run_are_listed_with_their_reason(run, folder):
    with open(str(folder / "not_run.txt"), "w") as reasons:
        reasons.write("cpython-numba: the numba variant needs numba\n")
    result = run("ev.reporting.report", folder, "--no-plots")
    assert result.returncode == 0, result.stderr
    assert "| cpython-numba | not run: the numba variant needs numba |" in result.stdout
    assert "x c (evaluation)" in result.stdout   # the column is there, empty without c
