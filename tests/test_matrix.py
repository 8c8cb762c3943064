"""ev matrix (and ./run_all.sh, which calls it): cells in rounds of rotating order, a time
budget per cell, the contract's files, options refused before anything is written, absolute
paths wherever the user stands, and the ev command around it.  Real runs, small populations,
budgets of a fraction of a second."""
import json
import os
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_module
from ev.cli import cells
from ev.runner import plan
from ev.common import machine
from ev.common.stats import steady_start
from ev.pythons.interpreters import venv_python


def cpython():
    """A CPython with ev's dependencies: the set-up's venv, or this interpreter."""
    python = venv_python("cpython")
    if python:
        return python
    if sys.implementation.name != "cpython":
        pytest.skip("needs the CPython venv that run_tests.sh sets up")
    return sys.executable


def matrix(*args, **kwargs):
    cwd = kwargs.pop("cwd", ROOT)
    env = dict(os.environ, PYTHONPATH=ROOT, **kwargs.pop("env", {}))
    return subprocess.run([cpython(), "-m", "ev", "matrix"] + [str(a) for a in args], cwd=cwd,
                          env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=kwargs.pop("timeout", 300))


def contents(folder):
    with open(os.path.join(str(folder), "matrix.json")) as handle:
        return json.load(handle)


def generation_records(path):
    with open(str(path)) as lines:
        return [r for r in map(json.loads, lines) if r["type"] == "generation"]


def test_each_round_rotates_the_order_by_one():
    order = ["a", "b", "c"]
    assert [plan.rotated(order, k) for k in (1, 2, 3, 4)] == [
        ["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"]]
    assert plan.rotated([], 2) == []


def test_the_headlines_cells_run_back_to_back_the_fastest_between_the_others():
    cells = ["numpy", "vectorized", "numba", "c", "pypy-numpy", "pypy-specialized"]
    group = ["numpy", "pypy-specialized", "c"]
    orders = [plan.together(cells, k, group) for k in range(1, 9)]
    for k, order in enumerate(orders, 1):
        assert sorted(order) == sorted(cells)
        middle = order.index("pypy-specialized")
        assert set(order[middle - 1:middle + 2:2]) == {"numpy", "c"}, order
        assert order[middle - 1] == ("numpy" if k % 2 else "c")
    # the block moves among the others, and the others still rotate
    assert len(set(o.index("pypy-specialized") for o in orders)) == 4
    assert [o for o in orders[1] if o not in group] == ["numba", "pypy-numpy", "vectorized"]
    # without a group (the first round) or a group of one: plain rotation
    assert plan.together(cells, 3, []) == plan.rotated(cells, 3)
    assert plan.together(cells, 3, ["c"]) == plan.rotated(cells, 3)


def test_later_rounds_repeat_the_first_rounds_generations_within_the_bounds():
    budget = plan.Plan(None, 5.0, 10, 400)
    assert plan.later_plan(budget, 37).generations == 37
    assert plan.later_plan(budget, 3).generations == 10
    assert plan.later_plan(budget, 900).generations == 400
    assert plan.later_plan(budget, 0) == budget          # the first round failed: try again
    fixed = plan.Plan(4, None, None, None)
    assert plan.later_plan(fixed, 2) == fixed


def test_a_warm_cells_slices_last_about_the_slice_seconds_and_never_fewer_than_the_minimum():
    budget = plan.Plan(None, 3.0, 5, 400)
    assert plan.slice_plan(budget, 0.01, 1.5, 2).generations == 150
    assert plan.slice_plan(budget, 1.9, 1.5, 2).generations == 2      # cpython-numpy
    assert plan.slice_plan(budget, 0.001, 1.5, 2).generations == 400  # the cap
    fixed = plan.Plan(4, None, None, None)
    assert plan.slice_plan(fixed, 0.01, 1.5, 2) == fixed             # -g alone: kept


def test_rounds_go_on_until_precise_or_the_cap_and_say_why_they_stopped():
    fixed = plan.Rounds(fixed=2)
    for _ in range(2):
        assert fixed.more(lambda: True)
        fixed.finished(1.0)
    assert not fixed.more(lambda: False)
    adaptive = plan.Rounds(minimum=2, cap_seconds=3600)
    asked = []
    for _ in range(2):
        assert adaptive.more(lambda: asked.append(1) or True)
        adaptive.finished(1.0)
    assert asked == []                       # below the minimum, precision is not asked
    assert adaptive.more(lambda: False)      # imprecise, time left: one more
    assert not adaptive.more(lambda: True) and adaptive.why_stopped == "precise enough"
    capped = plan.Rounds(minimum=1, cap_seconds=10)
    capped.finished(11.0)                    # the next round would end past the cap
    assert not capped.more(lambda: False) and "wall-time cap" in capped.why_stopped


def test_two_fresh_rounds_write_the_contracts_files_in_rotating_order(tmp_path):
    out = tmp_path / "m"
    result = matrix("--interpreters", "cpython", "--cells", "cpython-specialized,c",
                    "-n", 20, "--seconds", 0.3, "--min-generations", 3, "-g", 40,
                    "--rounds", 2, "--fresh", "--out", out)
    assert result.returncode == 0, result.stderr[-2000:]
    data = contents(out)
    assert data["format"] == "ev-matrix" and data["version"] == 1 and data["rounds"] == 2
    assert data["finished"] and data["population"] == 20 and data["seed"] == 42
    labels = [cell["cell"] for cell in data["cells"]]
    assert [label.rsplit("-", 1)[1] for label in labels] == ["specialized", "c"]
    assert labels[0].startswith("cpython3.")
    order = [(run["round"], run["position"], run["cell"]) for run in data["runs"]]
    assert order == [(1, 0, labels[0]), (1, 1, labels[1]), (2, 0, labels[1]),
                     (2, 1, labels[0])]
    for cell in data["cells"]:
        assert cell["status"] == "run" and cell["budget_seconds"] == 0.3
        counts = [len(generation_records(out / ("%s.r%d.jsonl" % (cell["cell"], k))))
                  for k in (1, 2)]
        assert counts[0] == counts[1] == cell["generations"]    # the same work every round
        assert 3 <= cell["generations"] <= 40
    for run in data["runs"]:
        assert (out / run["log"]).exists() and run["exit"] == 0 and run["wall_seconds"] > 0
        assert str(out / run["file"]) in run["command"]       # absolute paths
    for when in ("before", "after"):
        facts = data["machine"][when]
        assert facts["cores"] >= 1 and len(facts["load_average"]) == 3 and facts["cpu_model"]
    assert data["interpreters"][0]["implementation"] == "CPython"
    assert "results in %s" % out in result.stdout


@pytest.mark.parametrize("args", [
    ["--population", "0"], ["-n", "many"], ["--rounds", "0"], ["--cells", "cpython-nothing"],
    ["--seed", "-1"], ["--seed", "x"], ["--seconds", "0"], ["--task", "soar"],
    ["--task", "fly", "--profile"], ["--task", "fly", "--seconds", "3"], ["--bogus"],
    ["--interpreters", "/nonexistent/python"], ["--interpreters", "cpython,,pypy"],
    ["--interpreters", "python9.9"], ["-g", "3", "--seconds", "1"],
    ["--population", "1000000000000"]])
def test_a_bad_option_is_refused_in_one_line_before_anything_is_written(tmp_path, args):
    out = tmp_path / "never"
    result = matrix(*(args + ["--out", out]))
    assert result.returncode == 2, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and "ev matrix:" in result.stderr
    assert not out.exists() and result.stdout == ""


def test_a_folder_that_holds_results_is_refused(tmp_path):
    (tmp_path / "old.r1.jsonl").write_text("{}\n")
    result = matrix("--cells", "c", "-g", 1, "--out", tmp_path)
    assert result.returncode == 2 and "already holds results" in result.stderr
    assert os.listdir(str(tmp_path)) == ["old.r1.jsonl"]


def test_run_all_from_another_folder_prints_a_path_that_exists_there(tmp_path):
    """Issue 24, 3: standing elsewhere, the results path printed is one the user can open."""
    if not venv_python("cpython"):
        pytest.skip("needs the CPython venv that run_tests.sh sets up")
    result = subprocess.run([os.path.join(ROOT, "run_all.sh"), "--cells", "c", "-g", "3",
                             "-n", "8", "--rounds", "1", "--out", "here"], cwd=str(tmp_path),
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    printed = result.stdout.strip().splitlines()[-1]
    assert printed == "results in %s" % (tmp_path / "here")
    assert len(generation_records(tmp_path / "here" / (contents(tmp_path / "here")["cells"][0]
                                                        ["cell"] + ".r1.jsonl"))) == 3


def test_the_fly_task_runs_and_rules_out_the_compiled_loops(tmp_path):
    out = tmp_path / "fly"
    result = matrix("--task", "fly", "--interpreters", "cpython", "--cells",
                    "cpython-specialized,c", "-n", 20, "-g", 1, "--seed", 2, "--rounds", 1,
                    "--out", out)
    assert result.returncode == 0, result.stderr[-2000:]   # never flew: a result
    data = contents(out)
    assert data["task"] == "fly" and data["seed"] == 2
    ran, ruled_out = data["cells"]
    assert ran["status"] == "run" and "--until-flies" in data["runs"][0]["command"]
    assert ruled_out["status"] == "not run" and "error clamp" in ruled_out["why"]
    assert (out / "fly_report.md").exists()


def test_a_missing_interpreter_is_a_cell_not_run_with_the_reason(tmp_path):
    out = tmp_path / "m"
    result = matrix("--cells", "c,pypy-specialized", "-g", 1, "-n", 8, "--rounds", 1,
                    "--out", out, env={"EV_PYPY_MISSING": "PyPy is not installed here"})
    assert result.returncode == 0, result.stderr[-2000:]
    cells_by_name = {cell["cell"]: cell for cell in contents(out)["cells"]}
    assert cells_by_name["pypy-specialized"] == dict(
        cells_by_name["pypy-specialized"], status="not run", why="PyPy is not installed here")
    assert "pypy-specialized: PyPy is not installed here" in (out / "not_run.txt").read_text()


def wait_for_generations(path, count, proc, limit=120):
    """Until the records file holds ``count`` generation records (read as records)."""
    began = time.monotonic()
    while time.monotonic() - began < limit and proc.poll() is None:
        try:
            if len(generation_records(path)) >= count:
                return
        except (OSError, ValueError):
            pass
        time.sleep(0.1)
    raise AssertionError("no %d generations in %s" % (count, path))


@pytest.mark.parametrize("mode", [[], ["--fresh"]])
def test_ctrl_c_during_a_slice_stops_the_cell_cleanly_and_the_rest_say_so(tmp_path, mode):
    """Ctrl-C while a warm cell runs a slice (or a fresh process runs): the child ends its
    records with an end record that says so, the matrix exits 130, the report still
    comes, and the cell never run says why."""
    out = tmp_path / "m"
    proc = subprocess.Popen(
        [cpython(), "-m", "ev", "matrix", "--interpreters", "cpython", "--cells",
         "cpython-specialized,c", "-n", "20", "-g", "100000", "--rounds", "2", "--out",
         str(out)] + mode,
        cwd=ROOT, env=dict(os.environ, PYTHONPATH=ROOT), stdout=subprocess.PIPE,
        stderr=subprocess.PIPE, universal_newlines=True)
    while not (out / "matrix.json").exists() or not contents(out)["cells"][0]["cell"]:
        time.sleep(0.1)
    label = contents(out)["cells"][0]["cell"]
    wait_for_generations(out / ("%s.r1.jsonl" % label), 3, proc)
    proc.send_signal(signal.SIGINT)
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 130
    data = contents(out)
    assert data["finished"] and data["interrupted"] is True
    assert [run["exit"] for run in data["runs"]] == [130]      # ev.main stopped cleanly
    first = data["runs"][0]
    records = [json.loads(line) for line in (out / first["file"]).read_text().splitlines()]
    assert len([r for r in records if r["type"] == "generation"]) >= 3
    assert records[-1]["type"] == "end" and records[-1]["reason"] == "interrupted"
    assert records[-1]["exit"] == 130
    assert "Interrupted." in (out / first["log"]).read_text()
    c = [cell for cell in data["cells"] if cell["cell"] != first["cell"]][0]
    assert c["status"] == "not run" and "interrupted" in c["why"]
    assert "=== report" in stdout


def test_a_python_given_by_path_is_labelled_by_what_it_says_it_is(tmp_path):
    out = tmp_path / "m"
    python = cpython()
    result = matrix("--interpreters", python, "--cells", "c", "-g", 2, "-n", 8,
                    "--rounds", 1, "--out", out)
    assert result.returncode == 0, result.stderr[-2000:]
    interpreter = contents(out)["interpreters"][0]
    version = subprocess.check_output([python, "-c", "import platform; "
                                       "print(platform.python_version())"]).decode().strip()
    assert interpreter["version"] == version
    assert interpreter["label"] == "cpython" + ".".join(version.split(".")[:2])
    assert contents(out)["cells"][0]["cell"] == interpreter["label"] + "-c"


def test_help_and_errors_name_the_command_the_user_typed():
    """./run_all.sh runs ev matrix with EV_MATRIX_PROG=run_all.sh: its --help and its errors
    say run_all.sh, ev matrix's say ev matrix."""
    for prog in ("run_all.sh", None):
        env = {"EV_MATRIX_PROG": prog} if prog else {}
        name = prog or "ev matrix"
        helped = matrix("--help", env=env)
        assert helped.returncode == 0 and helped.stdout.startswith("Usage: %s [OPTIONS]" % name)
        wrong = matrix("--rounds", "0", env=env)
        assert wrong.returncode == 2 and wrong.stderr.startswith(name + ": ")


def test_ev_help_lists_the_subcommands():
    result = run_module("ev", "--help")
    assert result.returncode == 0
    for name in ("evolve", "matrix", "report", "fly-report", "show", "history", "variants",
                 "profile", "jitlog", "summary"):
        assert "\n  %s " % name in result.stdout
    assert run_module("ev", "matrix", "-h").stdout.startswith("Usage: ev matrix")


def test_ev_evolve_is_python_m_ev_main():
    args = ("-n", 8, "-g", 2, "--seed", 5)
    evolve, main = run_module("ev", "evolve", *args), run_module("ev.main", *args)
    assert evolve.returncode == main.returncode == 0
    lines = [[l.split("[")[0] for l in r.stdout.splitlines() if l.startswith("Generation")]
             for r in (evolve, main)]
    assert lines[0] == lines[1] and len(lines[0]) == 2


def test_ev_variants_says_which_run_here():
    result = run_module("ev", "variants", "specialized")
    assert result.returncode == 0 and result.stdout.startswith("specialized runs here")
    if hasattr(sys, "pypy_version_info"):
        result = run_module("ev", "variants", "numba")
        assert result.returncode == 1 and "numba" in result.stdout
    everything = run_module("ev", "variants")
    assert len(everything.stdout.splitlines()) == 5


def test_ev_main_stops_on_its_time_budget_but_not_before_the_minimum(tmp_path):
    began = time.perf_counter()
    result = run_module("ev.main", "-n", 8, "-g", 100000, "--seconds", 0.2,
                        "--min-generations", 3, "--seed", 1)
    assert result.returncode == 0 and time.perf_counter() - began < 60
    seconds = [float(line.split("[")[-1].split()[0]) for line in result.stdout.splitlines()
               if line.startswith("Generation")]
    assert len(seconds) >= 3 and sum(seconds[:-1]) < 0.2 + 0.02 * len(seconds)
    few = run_module("ev.main", "-n", 8, "-g", 100, "--seconds", 1e-6, "--min-generations", 4)
    assert sum(line.startswith("Generation") for line in few.stdout.splitlines()) == 4
    lone = run_module("ev.main", "-n", 8, "-g", 2, "--min-generations", 3)
    assert lone.returncode == 2 and "--min-generations goes with --seconds" in lone.stderr


def test_machine_facts_and_the_busy_warning():
    facts = machine.machine_facts()
    assert set(facts) == {"cpu_model", "cores", "load_average", "governor",
                          "memory_available_bytes", "time"}
    assert machine.busy_warning(dict(facts, cores=2, load_average=[0.4, 0, 0])) is None
    warning = machine.busy_warning(dict(facts, cores=2, load_average=[3.0, 0, 0]))
    assert warning.startswith("warning: load average 3.00 on 2 cores")


@pytest.mark.parametrize("mode", [[], ["--fresh"]])
def test_profile_records_each_cell_after_the_rounds(tmp_path, mode):
    out = tmp_path / "m"
    result = matrix("--interpreters", "cpython", "--cells", "cpython-specialized,cpython-numba",
                    "-n", 20, "-g", 3, "--rounds", 2, "--profile", "--out", out, *mode)
    assert result.returncode == 0, result.stderr[-2000:]
    data = contents(out)
    timed_round = 2 if mode else 1     # warm: round 1 is the process's only fresh start
    recorded = [r for r in data["recordings"]]
    assert [(r["cell"], r["round"], r["exit"]) for r in recorded] == [
        (data["cells"][0]["cell"], timed_round, 0)]      # numba: not recorded, and said so
    assert "skipped (vmprof crashes CPython inside numba's compiler)" in result.stdout
    lines = result.stdout.splitlines()
    last = max(i for i, l in enumerate(lines) if l.startswith("round 2 "))
    assert any(l.startswith("=== recording %s: " % recorded[0]["cell"]) for l in lines[last:])
    assert (out / recorded[0]["profile"]).stat().st_size > 0
    # the profile starts at the timed run's first steady generation, as its end record says
    timed = out / ("%s.r%d.jsonl" % (recorded[0]["cell"], timed_round))
    end = [json.loads(line) for line in timed.read_text().splitlines()][-1]
    gens = generation_records(timed)
    steady = gens[steady_start([r["seconds"] for r in gens])]["generation"]
    assert end["type"] == "end" and end["steady_first"] == steady
    command = recorded[0]["command"]
    assert recorded[0]["profile_from"] == steady
    assert command[command.index("--profile-from") + 1] == str(steady)
    assert "from generation %d (" % steady in (out / recorded[0]["log"]).read_text()
    assert ("covers generations %d-2: steady state, as the timed run of round %d found it"
            % (steady, timed_round)) in (out / (recorded[0]["cell"] + ".profile.txt")).read_text()
    assert (out / "traces.md").exists()
    summary = run_module("ev.cli.trace_summary", out, "--json")
    (row,) = [r for r in json.loads(summary.stdout)["rows"] if r["cell"] == recorded[0]["cell"]]
    assert row["recording_overhead"] == pytest.approx(row["recorded_median"] /
                                                      row["timed_median"])


def test_the_recording_starts_where_the_timed_runs_end_record_says(tmp_path):
    """The recording's --profile-from is the timed run's end record's steady_first (read as a
    record, ev.runner.ends), which the run placed by the report's rule: PyPy-like warm-up
    (three slow generations, then steady) puts it at generation 3."""
    from ev.runner import ends
    from ev.store import records
    made = tmp_path / "made.jsonl"
    assert run_module("ev.main", "-n", 8, "-g", 8, "--seed", 2, "--results",
                      made).returncode == 0
    end = ends.end_of(str(made))
    seconds = [g.seconds for g in ends.generations_of(str(made))]
    assert end.reason == "budget" and end.steady_first == steady_start(seconds)
    run = records.RunRecord.from_json(json.loads(made.read_text().splitlines()[0]))
    warm = [1.0, 0.9, 0.5, 0.1, 0.1, 0.1, 0.1, 0.1]
    assert records.EndRecord.of(run, 0, warm, records.BUDGET, 0).steady_first == 3
    assert ends.end_of(str(tmp_path / "missing.r3.jsonl")) is None


def test_names_that_ev_pythons_provides_plug_in(tmp_path, monkeypatch):
    """An interpreter in a Debian root (stand-in roots here: the real ones need debootstrap)
    is asked what it is through its argv prefix, labelled by its answer, keeps the name it
    was given for --cells, and one that is not provisioned says what to run."""
    from ev.pythons import names, roots
    from ev.pythons.interpreters import Interpreter, label_of
    monkeypatch.setattr(roots, "enter_prefix", lambda suite, env, cwd: ["env", "EV_ENTERED=" + cwd])
    monkeypatch.setattr(roots, "root_of", lambda suite: "/roots/" + suite)
    seen = tmp_path / "ev"        # the root's view of the host: here a link to it
    seen.symlink_to("/")
    monkeypatch.setattr(roots, "inside_path", lambda path: str(seen) + path)
    monkeypatch.setattr(roots, "is_ready", lambda suite: True)
    given = Interpreter("ready", sys.executable, "sid", {"PYTHON_JIT": "0"}, "sid root",
                        workdir=ROOT)
    ready = names.asked(given)
    assert ready.missing() is None and ready.label == label_of(ready.about)
    assert ready.name == "ready"
    assert ready.argv(["-V"]) == ["env", "EV_ENTERED=" + ROOT, sys.executable, "-V"]
    assert ready.path("/x/y.jsonl") == str(seen) + "/x/y.jsonl"
    assert ready.env == {"PYTHON_JIT": "0"}
    assert "in the Debian root /roots/sid: PYTHON_JIT=0 " in ready.display(["-m", "ev.main"])
    chosen = cells.select([ready], "benchmark", "ready-specialized")   # the name given works
    assert [cell.label for cell in chosen] == [ready.label + "-specialized"]
    monkeypatch.setattr(roots, "is_ready", lambda suite: False)
    missing = names.asked(given._replace(label="cpython9.9"))
    assert missing.missing().startswith("cpython9.9 is not provisioned")
    assert missing.record()["root"] == "/roots/sid" and missing.label == "cpython9.9"


def test_a_root_interpreter_is_provisioned_or_found_ready_before_the_cells(tmp_path):
    """--interpreters naming a Debian root's python: the matrix asks ev.pythons for the root
    (after checking the options) and says how long that took; a ready root costs ~a second."""
    from ev.pythons import roots
    if not roots.is_ready("trixie"):
        pytest.skip("no provisioned trixie root here (python -m ev.pythons add trixie)")
    out = os.path.join(ROOT, "results", "test-provisioning-%d" % os.getpid())
    try:
        result = matrix("--interpreters", "cpython3.13", "--cells", "cpython3.13-specialized",
                        "-n", 20, "-g", 2, "--rounds", 1, "--out", out)
        assert result.returncode == 0, result.stderr[-800:]
        assert "=== Debian roots: trixie ready" in result.stdout
        assert os.path.exists(os.path.join(out, "cpython3.13-specialized.r1.jsonl"))
    finally:
        subprocess.run(["rm", "-rf", out])


def test_rounds_default_to_five_and_to_three_for_the_fly_task(tmp_path):
    """A warm-up round and at least five more for the benchmark (more only while a headline
    figure is less precise than the target; one cell has no headline); three for --task
    fly, whose cells evolve until a controller flies."""
    for task, rounds in (("benchmark", 6), ("fly", 3)):
        out = tmp_path / task
        done = matrix("--task", task, "--cells", "cpython-specialized", "-n", 8, "-g", 1,
                      "--out", out)
        assert done.returncode in (0, 1), done.stderr     # fly: 1 generation may not fly
        assert contents(out)["rounds"] == rounds
        assert sorted(p.name for p in out.glob("*.r*.jsonl"))[-1].endswith(
            ".r%d.jsonl" % rounds)
