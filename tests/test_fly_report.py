"""./run_all.sh --task fly and ev.reporting.fly_report: time to a flying PID controller per cell
(issue 8).  Real runs, small population."""
import json
import os
import re

import pytest

from conftest import ROOT, run_module
from ev.common.stats import repeat_range
from ev.reporting.words import ratio_text
from test_report import run_all

needs_venv = pytest.mark.skipif(
    not os.path.exists(os.path.join(ROOT, ".venv", "cpython", "bin", "python")),
    reason="needs the CPython venv that run_tests.sh sets up")


def records(path):
    return [json.loads(line) for line in path.read_text().splitlines()]


def short(cell):
    """cpython3.11-numpy -> cpython-numpy: the host's cells by their short names."""
    return re.sub(r"^(cpython|pypy)[0-9.]*-", r"\1-", cell)


def first_round_files(out):
    """{short cell name: its first round's results file} from the matrix record."""
    with open(str(out / "matrix.json")) as matrix:
        return {short(cell["cell"]): out / (cell["cell"] + ".r1.jsonl")
                for cell in json.load(matrix)["cells"]}


@needs_venv
def test_every_cell_flies_at_the_same_generation(tmp_path):
    out = tmp_path / "fly"
    result = run_all("--task", "fly", "--population", "60", "--generations", "30", "--seed",
                     "8", "--out", str(out), "--cells",
                     "cpython-numpy,cpython-specialized,cpython-vectorized,c", "--rounds",
                     "1", EV_NO_INSTALL="1")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "--controller pid --until-flies" in (out / "commands.txt").read_text()
    report = run_module("ev.reporting.fly_report", out, "--json")
    assert report.returncode == 0, report.stderr
    rows = {short(r["cell"]): r for r in json.loads(report.stdout)["rows"]}
    files = first_round_files(out)
    assert set(rows) == {"cpython-numpy", "cpython-specialized", "cpython-vectorized"}
    for cell, row in rows.items():
        generations = [r for r in records(files[cell]) if r["type"] == "generation"]
        flown = [g["generation"] for g in generations if g["flies"]]
        assert row["flies"] and flown == [generations[-1]["generation"]]   # stopped there
        assert row["generations"] == len(generations) < 30
        assert row["evaluations"] == sum(g["evaluated"] for g in generations)
        assert row["seconds"] == pytest.approx(sum(g["seconds"] for g in generations))
        assert row["same_work"] is True
    assert len({(r["generations"], r["best_fitness"]) for r in rows.values()}) == 1
    text = (out / "fly_report.md").read_text()
    assert re.search(r"\| (cpython[0-9.]*-)?c \| not run: the PID controller's error clamp",
                     text)
    assert (out / "time_to_fly.png").read_bytes()[:4] == b"\x89PNG"


@needs_venv
def test_a_cell_that_never_flies_is_a_result_not_a_failure(tmp_path):
    out = tmp_path / "fly"
    result = run_all("--task", "fly", "--population", "20", "--generations", "1", "--seed",
                     "2", "--out", str(out), "--cells", "cpython-specialized", "--rounds", "1",
                     EV_NO_INSTALL="1")
    assert result.returncode == 0, result.stderr[-2000:]
    text = (out / "fly_report.md").read_text()
    assert re.search(r"\| cpython[0-9.]*-specialized \| cpython", text)
    assert "did not fly in 1 |" in text
    assert "No cell found a flying controller" in text
    assert not (out / "time_to_fly.png").exists()


@pytest.mark.parametrize("args", [["--task", "soar"], ["--task", "fly", "--profile"]])
def test_run_all_rejects_a_bad_task(args):
    result = run_all(*args)
    assert result.returncode == 2 and "run_all.sh:" in result.stderr


def test_a_benchmark_folder_is_refused_with_what_it_holds(tmp_path):
    """Issue 24 item 5: no fly-task records is an error that says what the folder holds,
    exits non-zero and writes nothing."""
    from matrix_folders import HERE
    assert run_module("ev.main", "-n", 8, "-g", 2, "--seed", 1, "--results",
                      tmp_path / "cpython-specialized.jsonl").returncode == 0
    before = sorted(p.name for p in tmp_path.iterdir())
    for args in ([], ["--json"]):
        result = run_module("ev.reporting.fly_report", tmp_path, *args)
        assert result.returncode == 1 and result.stdout == ""
        (line,) = result.stderr.splitlines()
        assert "holds no fly-task records: 1 run(s) of %s-specialized" % HERE in line
        assert "ev.reporting.report" in line and "Traceback" not in line
    assert sorted(p.name for p in tmp_path.iterdir()) == before


def test_a_fly_folder_of_rounds_gives_seconds_to_fly_over_rounds(tmp_path):
    """Rounds of a fly run (docs/matrix.md): seconds to fly is the median over rounds."""
    from matrix_folders import real_records
    run, generation = real_records(tmp_path)
    for k, seconds in enumerate(([1.0, 2.0], [1.5, 2.5], [1.2, 2.0]), 1):
        with open(str(tmp_path / ("cpython3.11-specialized.r%d.jsonl" % k)), "w") as out:
            out.write(json.dumps(run) + "\n")
            for g, secs in enumerate(seconds):
                out.write(json.dumps(dict(generation, generation=g, seconds=secs,
                                          flies=g == 1)) + "\n")
    result = run_module("ev.reporting.fly_report", tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)["rows"]
    assert row["rounds"] == 3 and row["generations"] == 2
    # seconds to fly 3.0, 4.0, 3.2: the median and its repeat range over the rounds
    low, high = repeat_range([3.0, 4.0, 3.2])
    assert (row["seconds"], row["seconds_low"], row["seconds_high"]) == \
        pytest.approx((3.2, low, high))
    assert row["same_work"] is True
    text = run_module("ev.reporting.fly_report", tmp_path, "--no-plots").stdout
    assert "| 3.20 (%.2f-%.2f) |" % (low, high) in text and ".png" not in text
    assert "3 rounds per cell" in text       # the report says how many rounds it is over


def test_an_empty_folder_is_a_one_line_error(tmp_path):
    result = run_module("ev.reporting.fly_report", tmp_path)
    assert result.returncode == 1 and "no results" in result.stderr
    assert "Traceback" not in result.stderr


def test_x_fastest_is_a_ratio_within_rounds_of_the_matrix_reports_rule(tmp_path):
    """The fly report's rows go through the matrix report's processors: x fastest is
    ev.reporting.ratios' ratio within rounds (the median of the rounds' ratios), the rows the
    processors were given are left as they were, and the same-work check holds."""
    import statistics
    from matrix_folders import real_records
    from ev.reporting.fly_report import build
    from ev.reporting.fly_rows import fly_rows_of
    from ev.reporting.load import load_folder
    run, generation = real_records(tmp_path)
    rounds = {"cpython3.11-specialized": ([1.0, 2.0], [1.5, 2.5], [1.2, 2.0]),
              "pypy7.3.11-specialized": ([0.5, 0.2], [0.4, 0.5], [0.6, 0.2])}
    for cell, seconds_of_rounds in rounds.items():
        for k, seconds in enumerate(seconds_of_rounds, 1):
            with open(str(tmp_path / ("%s.r%d.jsonl" % (cell, k))), "w") as out:
                out.write(json.dumps(run) + "\n")
                for g, secs in enumerate(seconds):
                    out.write(json.dumps(dict(generation, generation=g, seconds=secs,
                                              flies=g == 1)) + "\n")
    runs = load_folder(str(tmp_path)).runs
    before = fly_rows_of(runs)
    slow, fast = build(runs)
    # seconds to fly 3.0, 4.0, 3.2 against 0.7, 0.9, 0.8: within rounds 4.29, where the
    # ratio of the medians would be 4.0
    to_fly = dict((cell, [sum(s) for s in found]) for cell, found in rounds.items())
    ratios = [a / b for a, b in zip(to_fly["cpython3.11-specialized"],
                                    to_fly["pypy7.3.11-specialized"])]
    assert (slow.cell, fast.cell) == tuple(rounds)
    assert slow.x_fastest.median == pytest.approx(statistics.median(ratios))
    assert (slow.x_fastest.low, slow.x_fastest.high) == pytest.approx(repeat_range(ratios))
    assert (fast.x_fastest.median, fast.x_fastest.low, fast.x_fastest.high) == (1.0, 1.0, 1.0)
    assert slow.same_work is True and fast.same_work is True
    assert all(r.x_fastest is None and r.same_work is None for r in before)
    text = run_module("ev.reporting.fly_report", tmp_path, "--no-plots").stdout
    line = [line for line in text.splitlines() if line.startswith("| %s |" % slow.cell)][0]
    assert "| 3.20 (%.2f-%.2f) | %s |" % (repeat_range(to_fly[slow.cell]) + (
        ratio_text(slow.x_fastest.median, slow.x_fastest.low, slow.x_fastest.high),)) in line
