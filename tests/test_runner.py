"""ev.runner and the warm processes it drives: slices that continue one evolution, end
records that say where a slice's steady state begins, a terminal of plain lines when piped,
and no component that reads a child's printed lines for data."""
import dataclasses
import io
import json
import os
import random
import subprocess
import sys

import pytest

from conftest import ROOT
from ev.runner import ends, noise
from ev.runner.status import Status

SHIM = '''
import random, sys
def _garble():
    import click
    echo = click.echo
    def garbled(message=None, *args, **kwargs):
        words = random.Random().choice(["# did not fly within 3", "Generation 9: min = 1",
                                        "# 3 generations, median 9.9", "\\x00\\xff", "{}"])
        return echo(words + " %r" % random.random(), *args, **kwargs)
    click.echo = garbled
    click.utils.echo = garbled
if "--serve" in sys.argv or "--results" in sys.argv:     # ev.main's children only
    _garble()
'''


def fitness_lines(text):
    return [line.split("[")[0] for line in text.splitlines() if line.startswith("Generation")]


def serve(tmp_path, commands, *args):
    """ev.main --serve with ``commands``; (its answers, what it printed, exit status)."""
    lines = "".join(json.dumps(c) + "\n" for c in commands)
    done = subprocess.run([sys.executable, "-m", "ev.main", "--seed", "42", "--serve"] +
                          list(args), input=lines, cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    return [json.loads(l) for l in done.stdout.splitlines()], done.stderr, done.returncode


@pytest.mark.parametrize("variant", ["specialized", "numpy"])
def test_slices_print_the_same_fitness_lines_as_a_plain_run(tmp_path, variant):
    """Seed 42 in slices of 3, 2 and a time budget of 2 generations prints the fitness lines
    of seed 42 run whole for 7 generations (on whichever interpreter runs the tests)."""
    paths = [str(tmp_path / ("s%d.jsonl" % k)) for k in (1, 2, 3)]
    answers, printed, status = serve(tmp_path, [
        {"results": paths[0], "generations": 3}, {"results": paths[1], "generations": 2},
        {"results": paths[2], "seconds": 1e-6, "min_generations": 2}],
        "-n", "20", "--creature", variant)
    assert status == 0, printed[-800:]
    assert answers == [{"type": "slice", "generations": n} for n in (3, 2, 2)]
    whole = subprocess.run([sys.executable, "-m", "ev.main", "--seed", "42", "-n", "20", "-g",
                            "7", "--creature", variant], cwd=ROOT,
                           env=dict(os.environ, PYTHONPATH=ROOT), stdout=subprocess.PIPE,
                           universal_newlines=True, timeout=300)
    assert fitness_lines(printed) == fitness_lines(whole.stdout) and len(
        fitness_lines(printed)) == 7
    numbers = [[g.generation for g in ends.generations_of(p)] for p in paths]
    assert numbers == [[0, 1, 2], [3, 4], [5, 6]]


def test_a_slice_after_the_warm_up_is_steady_from_its_first_generation(tmp_path):
    paths = [str(tmp_path / ("s%d.jsonl" % k)) for k in (1, 2)]
    _, printed, status = serve(tmp_path, [{"results": paths[0], "generations": 6},
                                          {"results": paths[1], "generations": 3}], "-n", "12")
    assert status == 0, printed[-800:]
    first, later = ends.end_of(paths[0]), ends.end_of(paths[1])
    assert first.reason == later.reason == "budget"
    assert 1 <= first.steady_first <= 3 and later.steady_first == 6
    seconds = [g.seconds for g in ends.generations_of(paths[1])]
    assert later.steady_median == pytest.approx(sorted(seconds)[1])


def test_plain_status_is_lines_without_control_characters():
    stream = io.StringIO()
    with Status(stream) as status:
        assert not status.live                    # not a terminal: no live line
        status.show("round 1 · c (1 of 1)")
        status.line("round 1  c: 0.01 s/gen, 5 generations")
    assert stream.getvalue() == "round 1  c: 0.01 s/gen, 5 generations\n"


def test_a_terminal_gets_one_live_line_above_which_results_stay():
    pytest.importorskip("tqdm")

    class Terminal(io.StringIO):
        def isatty(self):
            return True
    stream = Terminal()
    env = dict(os.environ)
    for name in ("CI", "EV_PLAIN"):
        os.environ.pop(name, None)
    try:
        with Status(stream) as status:
            assert status.live
            status.show("round 1 · c (1 of 1) · 5 generations done")
            status.line("round 1  c: 0.01 s/gen, 5 generations")
    finally:
        os.environ.clear()
        os.environ.update(env)
    text = stream.getvalue()
    assert "round 1 · c (1 of 1) · 5 generations done" in text and "\r" in text
    assert "round 1  c: 0.01 s/gen, 5 generations\n" in text


def test_the_fixed_workload_is_the_same_work_every_time():
    assert noise.fixed_workload() == noise.fixed_workload()
    assert noise.time_workload() > 0


def garbled_environment(tmp_path):
    """Children of ev.main whose every printed line is random text (a sitecustomize)."""
    shim = tmp_path / "shim"
    shim.mkdir()
    (shim / "sitecustomize.py").write_text(SHIM)
    return dict(os.environ, PYTHONPATH=os.pathsep.join([str(shim), ROOT]))


def matrix(env, *args):
    return subprocess.run([sys.executable, "-m", "ev", "matrix", "--interpreters", "cpython",
                           "-n", "16"] + [str(a) for a in args], cwd=ROOT, env=env,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600)


def garble_logs(folder):
    generator = random.Random(5)
    for name in os.listdir(str(folder)):
        if name.endswith(".log"):
            (folder / name).write_text("".join(
                "%x %s\n" % (generator.getrandbits(64), generator.choice(
                    ["# did not fly within 1 generation", "Generation 0: min = 3", "# flies"]))
                for _ in range(20)))


def report_of(folder):
    done = subprocess.run([sys.executable, "-m", "ev.reporting.report", str(folder),
                           "--no-plots"], cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT),
                          stdout=subprocess.PIPE, universal_newlines=True, timeout=300)
    assert done.returncode == 0
    return (folder / "report.md").read_text()


def test_children_printing_random_text_still_give_a_complete_identical_report(tmp_path):
    """No component reads what a child prints: with every line of ev.main replaced by random
    text (some of it lines the matrix once looked for), the matrix runs its rounds, and the
    report is complete -- and the same again after the logs are replaced by other text."""
    if sys.implementation.name != "cpython":
        pytest.skip("the matrix runs on the host CPython")
    env = garbled_environment(tmp_path)
    out = tmp_path / "m"
    done = matrix(env, "--cells", "cpython-numpy,cpython-specialized", "--seconds", "0.3",
                  "--slice-seconds", "0.2", "--rounds", "2", "--out", out)
    assert done.returncode == 0, done.stderr[-2000:]
    log = next(p for p in out.iterdir() if p.name.endswith(".log")).read_text()
    assert "Generation" not in log.replace("Generation 9: min = 1", "")   # garbled indeed
    data = json.loads((out / "matrix.json").read_text())
    assert [r["exit"] for r in data["runs"]] == [0] * 4
    first = report_of(out)
    assert "speed-up:" in first and "| 2 |" in first
    garble_logs(out)
    assert report_of(out) == first
    fly = tmp_path / "fly"
    flown = matrix(env, "--task", "fly", "--cells", "cpython-specialized", "-g", "1",
                   "--seed", "2", "--rounds", "1", "--out", fly)
    assert flown.returncode == 0, flown.stderr[-2000:]       # never flew: a result, not a failure
    assert ends.end_of(str(next(fly.glob("*.r1.jsonl")))).reason == "never-flew"


def test_a_piped_matrix_prints_plain_lines_one_per_cell_round(tmp_path):
    """Piped: no control characters, no generation lines, one line per finished cell-round,
    then the headline first and where the report is."""
    if sys.implementation.name != "cpython":
        pytest.skip("the matrix runs on the host CPython")
    out = tmp_path / "m"
    done = matrix(dict(os.environ, PYTHONPATH=ROOT), "--cells",
                  "cpython-numpy,cpython-specialized", "--seconds", "0.3", "--slice-seconds",
                  "0.2", "--rounds", "3", "--out", out)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert not any(c in done.stdout for c in "\r\x1b")
    assert not any(line.startswith("Generation") for line in lines)
    rounds = [line for line in lines if line.startswith("round ")]
    assert len(rounds) == 6 and all("s/gen" in line for line in rounds)
    after = lines[lines.index("=== report") + 1:]
    assert after[0].startswith("Headline (2 rounds after the warm-up") and after[1].startswith("  speed-up: ")
    assert any("varied +-" in line for line in after)
    assert after[-1] == "results in %s" % out and "report written to" in after[-4]
    assert len(lines) <= 20
    verbose = matrix(dict(os.environ, PYTHONPATH=ROOT), "--cells", "cpython-specialized",
                     "-g", "3", "--rounds", "2", "--verbose", "--out", tmp_path / "v")
    assert sum(line.startswith("Generation") for line in verbose.stdout.splitlines()) == 6


def test_parts_spread_each_cells_generations_and_keep_the_middle_beside_both_ends():
    from ev.runner.plan import parts
    steps = parts(["numpy", "fast", "c"], {"numpy": 2, "fast": 120, "c": 170}, 10)
    totals = {}
    for cell, count in steps:
        totals[cell] = totals.get(cell, 0) + count
    assert totals == {"numpy": 2, "fast": 120, "c": 170}
    assert [n for c, n in steps if c == "fast"] == [12] * 10      # in every part, evenly
    assert sorted(n for c, n in steps if c == "c") == [17] * 10
    assert [n for c, n in steps if c == "numpy"] == [1, 1]        # two parts of ten
    cells = [c for c, _ in steps]
    for at, cell in enumerate(cells):     # the middle cell runs next to each of the others
        if cell != "fast":
            assert "fast" in cells[max(0, at - 1):at] + cells[at + 1:at + 2]


def test_a_round_in_parts_reads_as_one_cell_round(tmp_path):
    """Three parts of one warm process appended to one file (as ev matrix runs the headline's
    cells): the report reads one run, every generation, steady from the first part's steady
    start; the runner's end joins the parts; its figure for ratios is the steady mean."""
    from ev.reporting.load import read_file
    from ev.reporting.rows import round_figures
    warm, path = str(tmp_path / "r1.jsonl"), str(tmp_path / "r2.jsonl")
    _, printed, status = serve(tmp_path, [{"results": warm, "generations": 5}] + [
        {"results": path, "generations": n} for n in (3, 2, 4)], "-n", "12")
    assert status == 0, printed[-800:]
    problems = []
    runs = read_file(path, problems)
    assert problems == [] and len(runs) == 1
    run = runs[0]
    assert [g.generation for g in run.generations] == list(range(5, 14))
    assert run.end.steady_first == 5 and run.end.generations == 9
    joined = ends.end_of(path)
    seconds = [g.seconds for g in run.generations]
    assert joined == run.end and joined.parts == 3
    assert joined.steady_median == pytest.approx(sorted(seconds)[4])
    figures = round_figures(dataclasses.replace(run, round=2, position=0, exit=0, warm=True))
    assert figures.steady_count == 9
    assert figures.mean_seconds == pytest.approx(sum(seconds) / 9)
