"""ev.reporting.report on folders of several rounds (docs/matrix.md): steady state, spread
over rounds, the noisy flag, ratios taken within rounds, wording by intervals, the table
across interpreters, machine facts, and links only to files that exist (issues 24, 25, 26)."""
import json
import os
import re
import statistics

import pytest

from conftest import run_module
from ev.common.stats import repeat_range
from ev.reporting.words import ratio_text
from matrix_folders import HERE, machine_state, steady, write_matrix, write_round

NUMPY, UNROLLED = "cpython3.11-numpy", "cpython3.11-specialized"


def report_json(folder):
    result = run_module("ev.reporting.report", folder, "--json")
    assert result.returncode == 0, result.stderr
    return dict((r["cell"], r) for r in json.loads(result.stdout)["rows"])


def report_text(folder, *args):
    result = run_module("ev.reporting.report", folder, *args)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    return result.stdout


NUMPY_ROUNDS = [1.0, 1.02, 0.99, 1.01, 1.0]
UNROLLED_ROUNDS = [0.5, 0.56, 0.53, 0.52, 0.6]          # 19% apart: noisy, yet clearly faster
VECTORIZED_ROUNDS = [0.97, 1.04, 1.0, 0.98, 1.02]       # within numpy's range


@pytest.fixture
def disagreeing(tmp_path):
    """Five rounds: numpy steady, the unrolled cell's rounds disagree, vectorized overlaps
    numpy."""
    write_matrix(tmp_path, {NUMPY: [steady(v) for v in NUMPY_ROUNDS],
                            UNROLLED: [steady(v) for v in UNROLLED_ROUNDS],
                            "cpython3.11-vectorized": [steady(v) for v in VECTORIZED_ROUNDS]},
                 rounds=5)
    return tmp_path


def within_rounds(top, bottom):
    return [a / b for a, b in zip(top, bottom)]


def test_spread_and_noisy_flag_come_from_the_rounds(disagreeing):
    rows = report_json(disagreeing)
    numpy, unrolled = rows[NUMPY], rows[UNROLLED]
    assert numpy["rounds"] == unrolled["rounds"] == 5
    assert numpy["median_seconds"] == 1.0
    # the interval is the repeat range of the five rounds, wider than their lowest-highest
    assert (numpy["median_seconds_low"], numpy["median_seconds_high"]) == \
        pytest.approx(repeat_range(NUMPY_ROUNDS))
    assert numpy["median_seconds_low"] < 0.99 and numpy["median_seconds_high"] > 1.02
    assert numpy["interval"] == "repeat range"
    assert numpy["spread"] == pytest.approx(0.03) and numpy["noisy"] is False
    assert unrolled["median_seconds"] == 0.53
    assert unrolled["spread"] == pytest.approx(0.10 / 0.53) and unrolled["noisy"] is True
    assert unrolled["spread_over"] == "rounds"
    assert unrolled["steady_generations"] == [[1, 2, 3, 4, 5]] * 5
    assert [r["position"] for r in unrolled["by_round"]] == [1, 0, 2, 1, 0]   # rotated order


def test_the_wording_follows_the_intervals(disagreeing):
    text = report_text(disagreeing, "--no-plots")
    reading = text[text.index("What the numbers say"):].split("\n")[0]
    assert "**19% noisy**" in text and "| 3% |" in text
    # apart from numpy in every round and by its interval: "faster"
    speedups = within_rounds(NUMPY_ROUNDS, UNROLLED_ROUNDS)
    low, high = repeat_range(speedups)
    assert low > 1
    assert ("Faster than the baseline cpython3.11-numpy: cpython3.11-specialized %.2fx "
            "(%.2f-%.2fx)" % (statistics.median(speedups), low, high)) in reading
    # vectorized's interval overlaps numpy's
    assert "No measurable difference from the baseline: cpython3.11-vectorized" in reading
    assert "Noisy (spread above 10%): cpython3.11-specialized" in reading
    assert "is the fastest cell" in reading          # apart from the others
    assert "99% repeat range" in text                 # the legend says what the interval is


def test_no_fastest_cell_when_its_interval_overlaps_another(tmp_path):
    write_matrix(tmp_path, {
        NUMPY: [steady(1.0), steady(1.0), steady(1.0)],
        "pypy7.3.11-specialized": [steady(0.012), steady(0.0125), steady(0.0118)],
        "cpython3.11-c": [steady(0.011), steady(0.013), steady(0.0105)],
    }, rounds=3)
    text = report_text(tmp_path, "--no-plots")
    assert "is the fastest cell" not in text
    # their ratio within rounds (0.012/0.011, 0.0125/0.013, 0.0118/0.0105) holds 1
    assert repeat_range([0.012 / 0.011, 0.0125 / 0.013, 0.0118 / 0.0105])[0] < 1
    assert ("The fastest cells, with no measurable difference between them: cpython3.11-c "
            in text)
    assert "(against cpython3.11-c within rounds: pypy7.3.11-specialized" in text
    assert ("With 3 rounds a repeat range is wide by construction (Student's t = 9.9 for 2 "
            "degrees of freedom; 4.6 with 5 rounds)" in text)


def test_five_rounds_are_not_called_few(disagreeing):
    assert "wide by construction" not in report_text(disagreeing, "--no-plots")


def test_ratios_are_taken_within_rounds(tmp_path):
    """numpy 1, 3, 2 s and unrolled 1, 1, 4 s: within rounds the speed-ups are 1, 3 and
    0.5 (median 1); the ratio of the medians would say 2."""
    write_matrix(tmp_path, {
        NUMPY: [steady(1.0), steady(3.0), steady(2.0)],
        UNROLLED: [steady(1.0), steady(1.0), steady(4.0)],
        "cpython3.11-c": [steady(0.5), steady(1.5), steady(1.0)],
    }, rounds=3)
    rows = report_json(tmp_path)
    unrolled = rows[UNROLLED]
    assert rows[NUMPY]["median_seconds"] / unrolled["median_seconds"] == 2.0
    assert (unrolled["speedup"], unrolled["speedup_low"], unrolled["speedup_high"]) == \
        pytest.approx((1.0,) + repeat_range([1.0, 3.0, 0.5]))
    # x c within rounds: 2, 2/3, 4 -> median 2 (the medians' ratio would say 1)
    assert (unrolled["x_c_generation"], unrolled["x_c_generation_low"],
            unrolled["x_c_generation_high"]) == \
        pytest.approx((2.0,) + repeat_range([2.0, 2 / 3.0, 4.0]))
    assert unrolled["x_c_evaluation"] == pytest.approx(2.0)
    assert unrolled["vs_c"] == unrolled["x_c_generation"]     # the older key kept
    text = report_text(tmp_path, "--no-plots")
    assert "No measurable difference from the baseline: cpython3.11-specialized (1.00x " \
           "(%.2f-%.2fx))" % repeat_range([1.0, 3.0, 0.5]) in text


def test_steady_state_is_decided_from_the_data(tmp_path):
    """A PyPy-like warm-up: s/gen falls for four generations, then holds; the warm-up has
    its own figure."""
    warming = [1.0, 0.5, 0.3, 0.2, 0.1, 0.1, 0.11, 0.1, 0.1, 0.1]
    write_matrix(tmp_path, {NUMPY: [steady(1.0)] * 2, "pypy7.3.11-specialized": [warming] * 2},
                 rounds=2)
    row = report_json(tmp_path)["pypy7.3.11-specialized"]
    assert row["steady_generations"] == [[4, 5, 6, 7, 8, 9]] * 2
    assert row["median_seconds"] == 0.1 and row["warmup_seconds"] == pytest.approx(2.0)
    assert row["first_seconds"] == 1.0
    text = report_text(tmp_path, "--no-plots")
    assert "| 4-9 |" in text and "| 2.000 |" in text
    assert "steady state starts at the first generation after generation 0 that is" in text


def test_an_older_folder_still_reads_as_one_round(tmp_path):
    """A folder of run_all.sh before matrix.json: <cell>.jsonl, not_run.txt; real records."""
    for variant in ("numpy", "specialized"):
        result = run_module("ev.main", "--creature", variant, "-n", 10, "-g", 5, "--seed", 3,
                            "--results", tmp_path / ("%s-%s.jsonl" % (HERE, variant)))
        assert result.returncode == 0, result.stderr
    (tmp_path / "not_run.txt").write_text("pypy-numpy: no pypy here\n")
    rows = report_json(tmp_path)
    assert set(rows) == {HERE + "-numpy", HERE + "-specialized"}
    row = rows[HERE + "-specialized"]
    assert row["rounds"] == 1 and row["spread_over"] == "generations"
    assert row["median_seconds_low"] <= row["median_seconds"] <= row["median_seconds_high"]
    if HERE == "cpython":   # the baseline is CPython + numpy: none in a PyPy-only folder
        assert row["speedup_low"] < row["speedup"] < row["speedup_high"]
    else:
        assert row["speedup"] is None
    assert row["same_work"] is True and row["machine"] is None
    text = report_text(tmp_path, "--no-plots")
    assert "| pypy-numpy | not run: no pypy here |" in text
    assert "1 round per cell" in text and "no load average recorded" in text


def test_a_round_that_found_another_fitness_is_not_the_same_work(disagreeing):
    write_round(disagreeing, UNROLLED, 2, steady(0.8), best=[100, 99, 98, 90, 96, 95])
    assert report_json(disagreeing)[UNROLLED]["same_work"] is False


def test_machine_facts_and_a_high_load_are_said(tmp_path):
    write_matrix(tmp_path, {NUMPY: [steady(1.0)] * 2, UNROLLED: [steady(0.5)] * 2}, rounds=2,
                 machine={"before": machine_state(1.7), "after": machine_state(1.2)})
    row = report_json(tmp_path)[NUMPY]
    assert row["machine"]["load_high"] is True
    assert row["machine"]["before"]["cpu_model"] == "Test CPU"
    text = report_text(tmp_path, "--no-plots")
    assert "Machine: Test CPU, 2 cores" in text and "1.70/1.70/1.70 before the run" in text
    assert ("**Note: the 1-minute load average was 1.70 before the run (above 1.0), on 2 "
            "cores: other work shared the machine") in text
    assert "- cpython3.11: CPython 3.11.7 (Python 3.11.7), JIT off" in text
    quiet = tmp_path / "quiet"
    quiet.mkdir()
    write_matrix(quiet, {NUMPY: [steady(1.0)] * 2}, rounds=2)
    assert report_json(quiet)[NUMPY]["machine"]["load_high"] is False
    assert "Note: the 1-minute load" not in report_text(quiet, "--no-plots")


def test_across_interpreters_table_reading_and_plot(tmp_path):
    rounds = {
        "cpython3.11-numpy": [1.0, 1.02, 0.99, 1.01, 1.0],
        "cpython3.11-specialized": [0.6, 0.61, 0.6, 0.6, 0.61],
        "cpython3.14-numpy": [0.9, 0.92, 0.89, 0.9, 0.91],
        "cpython3.14-specialized": [0.45, 0.47, 0.46, 0.46, 0.45],
        "cpython3.14-jit-specialized": [0.40, 0.46, 0.41, 0.42, 0.44],
        "pypy7.3.11-numpy": [2.0, 2.1, 2.05, 2.0, 2.1],
        "pypy7.3.11-specialized": [0.012, 0.0125, 0.0118, 0.012, 0.0122],
        "pypy8.0-numpy": [2.0, 1.9, 2.2, 2.0, 2.1],
        "pypy8.0-specialized": [0.010, 0.0101, 0.0099, 0.0100, 0.0101],
    }
    write_matrix(tmp_path, dict((cell, [steady(v) for v in values])
                                for cell, values in rounds.items()), rounds=5)
    text = report_text(tmp_path)
    assert ("| variant | cpython3.11 (CPython 3.11.7) | cpython3.14 (CPython 3.14.10) | "
            "cpython3.14-jit (CPython 3.14.10, JIT) | pypy7.3.11 (PyPy 7.3.11) | "
            "pypy8.0 (PyPy 8.0.1) |") in text
    assert "| numpy | 1.000 s (3%)<br>" in text
    across = [line for line in text.splitlines() if line.startswith("Across interpreters: ")][-1]
    # the best CPython cell (3.14 + JIT, 0.40-0.46) overlaps 3.14 without it (0.45-0.47)
    assert ("The best CPython cell by median is cpython3.14-jit-specialized, with no "
            "measurable difference from cpython3.14-specialized") in across
    speedups = within_rounds(rounds["cpython3.14-jit-specialized"],
                             rounds["pypy8.0-specialized"])
    assert ("pypy8.0-specialized is faster than cpython3.14-jit-specialized: %.1fx "
            "(%.1f-%.1fx)" % ((statistics.median(speedups),) + repeat_range(speedups))) in across
    assert "cpython3.14-numpy is faster than cpython3.11-numpy" in across
    assert ("no measurable difference between cpython3.14-jit-specialized and "
            "cpython3.14-specialized") in across
    assert "pypy8.0-specialized is faster than pypy7.3.11-specialized" in across
    assert ("cpyext (PyPy + numpy) across PyPy versions: no measurable difference between "
            "pypy8.0-numpy and pypy7.3.11-numpy") in across
    assert "[across interpreters](interpreters.png)" in text
    assert (tmp_path / "interpreters.png").read_bytes()[:4] == b"\x89PNG"


def test_the_report_links_only_files_that_exist(tmp_path):
    """No numpy cell: no speed-ups, so no speedup.png, and the report does not link one;
    one interpreter: no interpreters.png."""
    write_matrix(tmp_path, {UNROLLED: [steady(0.5)] * 2}, rounds=2)
    text = report_text(tmp_path)
    links = re.findall(r"\]\(([^)]+\.png)\)", text)
    assert links == ["seconds_per_generation.png"]
    assert all((tmp_path / link).exists() for link in links)
    assert not (tmp_path / "speedup.png").exists()
    text = report_text(tmp_path, "--no-plots")
    assert ".png)" not in text and "Plots: none drawn for this report." in text


def test_a_damaged_matrix_json_is_a_warning_and_the_files_still_count(disagreeing):
    (disagreeing / "matrix.json").write_text("{not json")
    result = run_module("ev.reporting.report", disagreeing, "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr
    assert "matrix.json: not readable as JSON" in result.stderr
    rows = dict((r["cell"], r) for r in json.loads(result.stdout)["rows"])
    assert rows[UNROLLED]["rounds"] == 5 and rows[UNROLLED]["noisy"] is True


def test_the_steady_state_rule_on_short_and_odd_runs():
    from ev.common.stats import steady_start
    assert steady_start([]) == 0 and steady_start([5.0]) == 0
    assert steady_start([5.0, 1.0]) == 1 and steady_start([5.0, 1.0, 1.0, 1.0]) == 1
    # one fast generation inside the warm-up does not start the steady state
    assert steady_start([5.0, 3.0, 1.0, 3.0, 2.0, 1.0, 1.0, 1.0, 1.0, 1.0]) == 5
    # still falling at the end: the last three generations count
    assert steady_start([9.0, 8.0, 7.0, 6.0, 5.0, 4.0, 3.0, 2.0, 1.0]) == 6


@pytest.mark.parametrize("generations, marker, words", [
    (1, "†", "† marks a run of one generation: its figure is that first generation"),
    (2, "*", "* marks a median of a single generation (a run of two generations")])
def test_short_runs_say_what_their_median_is_of(tmp_path, generations, marker, words):
    """Issue 24 item 8: "1 generation" (not "1 generations"); with -g 1 the median is the
    first generation's and says so; with -g 2 the single-generation median is marked."""
    result = run_module("ev.main", "-n", 8, "-g", generations, "--seed", 1, "--results",
                        tmp_path / "cpython-specialized.jsonl")
    assert result.returncode == 0, result.stderr
    summary = [line for line in result.stdout.splitlines() if line.startswith("# %d gen"
                                                                              % generations)]
    if generations == 1:
        assert summary[0].startswith("# 1 generation, median")
        assert "(of the first and only generation: warm-up included)" in summary[0]
    else:
        assert "(excluding the first: a single generation)" in summary[0]
    text = report_text(tmp_path, "--no-plots")
    assert ("%d generation%s per cell" % (generations, "s" if generations > 1 else "")) in text
    row = [line for line in text.splitlines() if line.startswith("| %s-specialized" % HERE)][0]
    assert re.search(r"\| [0-9.]+%s \|" % re.escape(marker), row)
    assert words in text


def test_a_round_without_generations_leaves_the_others_to_count(disagreeing):
    """Round 1 of a cell killed before its first generation: its run record alone."""
    path = disagreeing / ("%s.r1.jsonl" % UNROLLED)
    path.write_text(path.read_text().splitlines()[0] + "\n")
    row = report_json(disagreeing)[UNROLLED]
    assert row["rounds"] == 5
    assert row["median_seconds"] == statistics.median(UNROLLED_ROUNDS[1:])
    assert row["steady_generations"][0] == [] and row["generations"] == 0
    assert "| 0 of 6 (stopped) |" in report_text(disagreeing)


def test_a_matrix_json_of_odd_types_is_read_without_a_traceback(disagreeing):
    matrix = json.loads((disagreeing / "matrix.json").read_text())
    matrix["interpreters"] = [7, {"label": ["x"]}, {"label": "cpython3.11", "version": 3}]
    matrix["cells"] = "all of them"
    matrix["runs"] += [{"file": 5}, {"file": "x.jsonl", "round": "one"}, "junk",
                       {"cell": UNROLLED, "round": 4, "file": "missing.r4.jsonl"}]
    matrix["machine"] = {"before": {"load_average": "high", "cores": "two"}, "after": 3}
    (disagreeing / "matrix.json").write_text(json.dumps(matrix))
    result = run_module("ev.reporting.report", disagreeing)
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "a run entry without a file name" in result.stderr
    assert "missing.r4.jsonl: cannot read" in result.stderr
    assert "| %s |" % UNROLLED in result.stdout and "load average (1, 5, 15 min) unknown" \
        in result.stdout


def test_a_time_budget_is_said_and_not_taken_for_a_stopped_run(tmp_path):
    """With --seconds, a run record's generations is only the cap; matrix.json's cell entry
    holds the generations every round ran."""
    matrix = write_matrix(tmp_path, {NUMPY: [steady(1.0, count=9)] * 2,
                                     UNROLLED: [steady(0.5, count=14)] * 2}, rounds=2)
    for cell in matrix["cells"]:
        cell["budget_seconds"] = 2.0
    for path in tmp_path.glob("*.jsonl"):
        lines = path.read_text().splitlines()
        lines[0] = json.dumps(dict(json.loads(lines[0]), generations=400))
        path.write_text("\n".join(lines) + "\n")
    (tmp_path / "matrix.json").write_text(json.dumps(matrix))
    text = report_text(tmp_path, "--no-plots")
    assert ("a time budget of 2 s of evolution per cell in round 1, whose generations every "
            "later round repeats: 10-15 generations per cell") in text
    assert "stopped" not in text and "| 15 |" in text


def test_without_matplotlib_the_report_is_written_without_plots(disagreeing, tmp_path):
    fake = tmp_path / "no-matplotlib" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('No module named matplotlib')\n")
    result = run_module("ev.reporting.report", disagreeing,
                        env=dict(os.environ, PYTHONPATH=str(fake.parent)))
    assert result.returncode == 0, result.stderr
    assert "warning: no plots drawn: No module named matplotlib" in result.stderr
    assert "Traceback" not in result.stderr
    assert "Plots: none drawn for this report." in (disagreeing / "report.md").read_text()
    assert not list(disagreeing.glob("*.png"))


def test_the_ratio_within_rounds_decides_not_the_cells_own_ranges(tmp_path):
    """The machine drifts by 30% from round to round and slows both cells alike: their own
    s/gen ranges overlap widely, yet the unrolled cell took 0.9 of numpy's time in every
    round (give or take 1%, round to round: a steady trend of the ratio would make
    neighbouring rounds alike, which widens its range), and the report says it is faster, by
    the ratio's range."""
    drift = [1.0, 1.3, 0.8, 1.1, 0.9]
    write_matrix(tmp_path, {NUMPY: [steady(d) for d in drift],
                            UNROLLED: [steady(0.9 * d * (1 + 0.01 * (k % 2)))
                                       for k, d in enumerate(drift)]}, rounds=5)
    rows = report_json(tmp_path)
    numpy, unrolled = rows[NUMPY], rows[UNROLLED]
    assert unrolled["median_seconds_high"] > numpy["median_seconds_low"]   # ranges overlap
    assert unrolled["speedup_low"] > 1.0
    reading = report_text(tmp_path, "--no-plots")
    assert ("Faster than the baseline cpython3.11-numpy: cpython3.11-specialized %s"
            % ratio_text(unrolled["speedup"], unrolled["speedup_low"],
                         unrolled["speedup_high"])) in reading


def test_a_report_md_of_the_users_is_not_replaced(tmp_path):
    """ev report run on a folder of the user's that holds a run record among their files:
    their report.md is left as it was, nothing is drawn, one line, exit 1; a report of ev's
    is replaced as before."""
    write_matrix(tmp_path, {NUMPY: [steady(1.0)] * 2}, rounds=2)
    mine = tmp_path / "report.md"
    mine.write_text("# My notes\n\nnot ev's\n")
    result = run_module("ev.reporting.report", tmp_path)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "is not a report of ev's: not replaced" in result.stderr
    assert mine.read_text() == "# My notes\n\nnot ev's\n"
    assert not list(tmp_path.glob("*.png"))
    mine.unlink()
    assert run_module("ev.reporting.report", tmp_path, "--no-plots").returncode == 0
    assert run_module("ev.reporting.report", tmp_path, "--no-plots").returncode == 0   # again
    assert mine.read_text().startswith("Population ")


def test_the_steady_generations_of_many_slices_show_the_first_two_and_the_last():
    from ev.reporting.table import steady_text
    slices = [list(range(1 + 10 * k, 11 + 10 * k)) for k in range(30)]
    assert steady_text(slices) == "1-10 / 11-20 / ... (30 rounds) / 291-300"
    assert steady_text(slices[:3]) == "1-10 / 11-20 / 21-30"
    assert steady_text([[2, 3, 4]] * 9) == "2-4"


def test_a_width_just_over_the_target_does_not_read_as_the_target():
    from ev.common.stats import Interval
    from ev.reporting.headline import width
    assert width(Interval.of(100.0, 90.0, 110.4, over="rounds")) == "10.4%"
    assert width(Interval.of(100.0, 80.0, 115.0, over="rounds")) == "20%"
    assert width(Interval.of(100.0, 97.0, 103.0, over="rounds")) == "3%"


def test_the_processors_return_new_rows_and_leave_the_old_alone(disagreeing):
    """The rows are values (ev.reporting.rows): a processor returns new rows with its figures
    in them; the rows it was given keep none, and no renderer can change a row in place."""
    import dataclasses
    from ev.reporting.load import load_folder
    from ev.reporting.ratios import with_ratios
    from ev.reporting.rows import rows_of
    from ev.reporting.same_work import with_same_work
    rows = rows_of(load_folder(str(disagreeing)))
    found, base, _ = with_ratios(rows)
    checked = with_same_work(found)
    assert base.cell == NUMPY and any(r is base for r in found)
    assert all(r.speedup is None for r in rows) and all(r.speedup for r in found)
    assert all(r.same_work is None for r in rows + found)
    unrolled = [r for r in checked if r.cell == UNROLLED][0]
    assert unrolled.speedup.median == pytest.approx(statistics.median(
        within_rounds(NUMPY_ROUNDS, UNROLLED_ROUNDS)))
    assert unrolled.same_work is True
    with pytest.raises(dataclasses.FrozenInstanceError):
        unrolled.median_seconds = 0.0
    with pytest.raises(dataclasses.FrozenInstanceError):
        unrolled.by_round[0].median_seconds = 0.0
