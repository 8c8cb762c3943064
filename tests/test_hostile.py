"""Hostile input, full disks and signals: one line, the right exit status, and every file the
user asked to keep either complete or untouched (issue 14)."""
import json
import os
import re
import resource
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, children_of, run_module
from test_cli import fitness_lines

ONE_LINE_ERROR = "error"


def file_size_limit(limit):
    """A preexec_fn: writes beyond ``limit`` bytes fail with EFBIG ("File too large"), as on a
    full disk (SIGXFSZ ignored, so the write returns the error instead of killing)."""
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def assert_one_line_failure(result, status=1):
    assert result.returncode == status, (result.stdout, result.stderr)
    assert "Traceback" not in result.stderr, result.stderr
    assert result.stderr.strip(), "no message"


def leftovers(folder):
    return [name for name in os.listdir(str(folder)) if name.endswith(".tmp")]


# 1. --save-best: complete or untouched
def test_a_failing_save_keeps_the_previous_best_whole(tmp_path):
    best = tmp_path / "b.json"
    best.write_text('{"old": 1}\n')
    result = run_module("ev.main", "-n", 8, "-g", 2, "--creature", "specialized",
                        "--state-vars", 20, "--save-best", best,
                        preexec_fn=file_size_limit(4096))
    assert_one_line_failure(result)
    assert "cannot write %s" % best in result.stderr
    assert best.read_text() == '{"old": 1}\n'
    assert leftovers(tmp_path) == []


def test_save_best_to_a_full_device_is_one_line(tmp_path):
    result = run_module("ev.main", "-n", 8, "-g", 1, "--save-best", "/dev/full")
    assert_one_line_failure(result)
    assert "No space left on device" in result.stderr


def test_an_interrupted_write_leaves_the_old_file_and_no_temporary(tmp_path):
    from ev.common import atomic
    target = tmp_path / "keep.json"
    target.write_text("old\n")

    def write_half(out):
        out.write("new, half")
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomically(str(target), write_half)
    assert target.read_text() == "old\n" and leftovers(tmp_path) == []


def test_ctrl_c_during_a_write_waits_until_the_file_is_whole(tmp_path):
    from ev.common import atomic
    target = tmp_path / "keep.json"

    def write_slowly(out):
        out.write("first half, ")
        os.kill(os.getpid(), signal.SIGINT)   # Ctrl-C arrives mid-write
        time.sleep(0.05)
        out.write("second half\n")

    with pytest.raises(KeyboardInterrupt):
        atomic.write_atomically(str(target), write_slowly)
    assert target.read_text() == "first half, second half\n"


# 2. records carry run ids; appends start on a fresh line; report keeps runs apart
def test_two_runs_in_one_file_and_a_cut_line_are_reported_apart(tmp_path):
    results = tmp_path / "cpython-specialized.jsonl"
    first = run_module("ev.main", "-n", 8, "-g", 3, "--seed", 1, "--results", results)
    assert first.returncode == 0, first.stderr
    with open(str(results), "a") as out:          # a killed run: its last line cut
        out.write('{"type": "generation", "run": "dead", "gener')
    second = run_module("ev.main", "-n", 8, "-g", 2, "--seed", 2, "--results", results)
    assert second.returncode == 0, second.stderr
    lines = results.read_text().splitlines()
    assert lines[5].startswith('{"type": "generation"') and lines[5].endswith("gener")
    assert json.loads(lines[6])["type"] == "run"  # the new run starts on a line of its own
    report = run_module("ev.reporting.report", tmp_path, "--json")
    assert report.returncode == 0, report.stderr
    rows = json.loads(report.stdout)["rows"]
    assert sorted(r["generations"] for r in rows) == [2, 3]
    assert len(set(r["cell"] for r in rows)) == 2
    assert "line 6" in report.stderr or ":6:" in report.stderr


def test_generation_records_name_their_run(tmp_path):
    results = tmp_path / "r.jsonl"
    assert run_module("ev.main", "-n", 8, "-g", 2, "--results", results).returncode == 0
    records = [json.loads(line) for line in results.read_text().splitlines()]
    assert records[0]["run"] and all(r["run"] == records[0]["run"] for r in records)


# 3. outputs that coincide
@pytest.mark.parametrize("pair", [("--results", "--save-best"), ("--save-best", "--profile")])
def test_outputs_naming_one_file_are_a_usage_error(tmp_path, pair):
    target = tmp_path / "x"
    target.write_text("keep\n")
    result = run_module("ev.main", "-n", 8, "-g", 1, pair[0], target, pair[1], target)
    assert_one_line_failure(result, status=2)
    assert "same file" in result.stderr and target.read_text() == "keep\n"


# 4. a profile on a full disk ends, and says so
def test_a_profile_on_a_full_disk_ends_with_one_line(tmp_path):
    profile = tmp_path / "p.prof"
    result = run_module("ev.main", "-n", 20, "-g", 3, "--profile", profile,
                        "--save-best", tmp_path / "best.json",
                        preexec_fn=file_size_limit(4000), timeout=120)   # py-spy's: 8-35 KB
    assert_one_line_failure(result)
    assert "cannot write %s" % profile in result.stderr
    assert (tmp_path / "p.prof.incomplete").exists() and not profile.exists()


# 5. run_all.sh says when something failed, and keeps runs apart
def run_all(*args):
    return subprocess.run(["./run_all.sh"] + [str(a) for a in args], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=600)


def test_run_all_fails_when_a_cell_fails(tmp_path):
    """An interpreter that answers as a Python but whose evolution crashes."""
    from ev.pythons.interpreters import venv_python
    real = venv_python("cpython") or sys.executable
    kind = "pypy" if "pypy" in os.path.basename(os.path.realpath(real)) else "cpython"
    python = tmp_path / "python"
    python.write_text('#!/bin/sh\ncase "$*" in *"-m ev.main"*) echo crashed >&2; exit 3 ;; esac\n'
                      'exec %s "$@"\n' % real)
    python.chmod(0o755)
    result = run_all("--population", 8, "--generations", 1, "--cells", kind + "-specialized",
                     "--interpreters", python, "--rounds", 1, "--out", tmp_path / "r")
    assert result.returncode == 1
    assert re.search(r"failed: cell %s[0-9.]*-specialized round 1 \(ev.main exited with "
                     r"status 3" % kind, result.stderr)


def test_run_all_refuses_a_folder_that_holds_results(tmp_path):
    out = tmp_path / "r"
    out.mkdir()
    (out / "cpython-numpy.jsonl").write_text("{}\n")
    result = run_all("--population", 4, "--generations", 1, "--cells", "cpython-specialized",
                     "--out", out)
    assert result.returncode == 2 and "already holds results" in result.stderr
    assert os.listdir(str(out)) == ["cpython-numpy.jsonl"]


# 6. signals reach the recording child
def start_recorded_run(tmp_path):
    results = tmp_path / "r.jsonl"
    proc = subprocess.Popen(
        [sys.executable, "-m", "ev.main", "-n", "30", "--seed", "3", "--profile",
         str(tmp_path / "p.prof"), "--results", str(results), "--save-best",
         str(tmp_path / "best.json")],
        cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)
    line = proc.stdout.readline()
    while not line.startswith("Generation"):
        line = proc.stdout.readline()
    return proc, results


def child_pids(pid):
    return children_of(pid)


@pytest.mark.parametrize("signum, status", [(signal.SIGTERM, 143), (signal.SIGINT, 130)])
def test_a_signal_to_the_recording_parent_alone_stops_the_child_cleanly(tmp_path, signum,
                                                                         status):
    proc, results = start_recorded_run(tmp_path)
    children = child_pids(proc.pid)
    assert children
    proc.send_signal(signum)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == status, err
    assert "Traceback" not in err
    for pid in children:
        with pytest.raises(OSError):
            os.kill(pid, 0)  # no orphan left appending
    assert json.loads((tmp_path / "best.json").read_text())["fitness"] is not None
    assert all(json.loads(line) for line in results.read_text().splitlines())


# 7. write errors after the up-front check
def test_results_on_a_full_device_is_one_line():
    result = run_module("ev.main", "-n", 8, "-g", 1, "--results", "/dev/full")
    assert_one_line_failure(result)
    assert "No space left on device" in result.stderr


def test_results_cut_by_a_full_disk_keep_whole_lines(tmp_path):
    results = tmp_path / "r.jsonl"
    result = run_module("ev.main", "-n", 8, "-g", 50, "--results", results,
                        preexec_fn=file_size_limit(2500))
    assert_one_line_failure(result)
    lines = results.read_text().splitlines()
    assert len(lines) >= 2 and all(json.loads(line) for line in lines)


def test_report_into_a_full_disk_is_one_line_and_leaves_nothing_half_written(tmp_path):
    from test_report import write_cell
    write_cell(str(tmp_path), "cpython-numpy", "cpython", "numpy", [1.0, 2.0], [3.0, 2.0])
    result = run_module("ev.reporting.report", tmp_path, preexec_fn=file_size_limit(100))
    assert_one_line_failure(result)
    assert not (tmp_path / "report.md").exists() and leftovers(tmp_path) == []


# 10. ev.reporting.report on unreadable input
def test_report_survives_unreadable_and_odd_files(tmp_path):
    from test_report import write_cell
    write_cell(str(tmp_path), "cpython-numpy", "cpython", "numpy", [1.0, 2.0], [3.0, 2.0])
    (tmp_path / "binary.jsonl").write_bytes(bytes(range(256)) * 4)
    (tmp_path / "folder.jsonl").mkdir()
    os.symlink("loop.jsonl", str(tmp_path / "loop.jsonl"))
    (tmp_path / "nested.jsonl").write_text("[" * 100000 + "]" * 100000 + "\n")
    (tmp_path / "strings.jsonl").write_text(
        '{"type": "run", "implementation": "x", "version": "1", "variant": "numpy", '
        '"population": "ten", "seed": 1}\n'
        '{"type": "generation", "generation": 0, "seconds": "fast", "min": 1, "avg": 1, '
        '"max": 1}\n')
    (tmp_path / "junk.jsonl").write_text("junk\n" * 20000)
    result = run_module("ev.reporting.report", tmp_path, "--no-plots")
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
    assert "| cpython-numpy |" in result.stdout
    warnings = result.stderr.splitlines()
    assert len(warnings) < 30 and "more" in warnings[-1]
    assert len((tmp_path / "report.md").read_text()) < 20000


# 11. ev.reporting.show
@pytest.mark.parametrize("saved", [
    {"kind": "numpy", "shape": {"inputs": 3, "outputs": 1, "state_vars": 1},
     "matrix": [0.0] * 8, "constant": [0.0] * 2},
    {"kind": "numpy", "shape": {"inputs": 2, "outputs": 0, "state_vars": 1},
     "matrix": [0.0] * 3, "constant": [0.0]},
    {"kind": "specialized", "shape": {"inputs": 2, "outputs": 1, "state_vars": 1},
     "matrix": [float("nan")] + [0.0] * 5, "constant": [0.0, 0.0]},
])
def test_show_refuses_creatures_that_cannot_fly(tmp_path, saved):
    path = tmp_path / "c.json"
    path.write_text(json.dumps(saved))
    result = run_module("ev.reporting.show", path)
    assert_one_line_failure(result)
    assert "not a saved creature" in result.stderr


@pytest.mark.parametrize("text", ['{"shape": 1e999999}', "[" * 100000 + "]" * 100000],
                         ids=["huge number", "deep nesting"])
def test_show_refuses_odd_json(tmp_path, text):
    path = tmp_path / "c.json"
    path.write_text(text)
    assert_one_line_failure(run_module("ev.reporting.show", path))


def test_show_fails_a_flight_that_goes_non_finite(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(json.dumps({"kind": "specialized",
                                "shape": {"inputs": 2, "outputs": 1, "state_vars": 1},
                                "matrix": [1e308] * 6, "constant": [1e308] * 2}))
    result = run_module("ev.reporting.show", path)
    assert_one_line_failure(result)
    assert "fitness        nan" not in result.stdout and "total fitness inf" in result.stdout
    assert "non-finite" in result.stderr


# 12. smaller cases
def test_a_run_whose_flights_all_fail_writes_json_not_infinity(tmp_path):
    from ev.store.records import RecordWriter, read_records
    path = tmp_path / "r.jsonl"
    writer = RecordWriter(str(path))
    writer.write({"type": "generation", "run": "x", "generation": 0, "seconds": 1.0,
                  "min": float("inf"), "avg": float("nan"), "max": float("inf")})
    writer.close()
    assert "Infinity" not in path.read_text() and "NaN" not in path.read_text()
    (record,), bad = read_records(str(path))
    assert record.min == float("inf") and not bad


def experiment_row(best_by_generation, shape, controller=None):
    """A report row (ev.reporting.rows.Row) of seed 1, population 8: what the same-work
    check reads; its other fields empty."""
    import dataclasses
    from ev.reporting.rows import Row
    fields = dict.fromkeys((f.name for f in dataclasses.fields(Row)), None)
    fields.update(seed=1, population=8, shape=shape, controller=controller, rounds_best=(),
                  best_by_generation=best_by_generation)
    return Row(**fields)


def test_same_work_compares_like_with_like_and_accepts_two_failed_runs():
    from ev.reporting.same_work import with_same_work
    shape1 = {"inputs": 2, "outputs": 1, "state_vars": 1}
    shape2 = dict(shape1, state_vars=2)
    rows = [experiment_row({0: inf, 1: 5.0}, shape1) for inf in (float("inf"), float("inf"))]
    rows.append(experiment_row({0: 7.0}, shape2))
    rows.append(experiment_row({0: 9.0}, shape2, controller="pid"))
    checked = with_same_work(rows)
    assert [r.same_work for r in checked] == [True, True, None, None]
    assert all(r.same_work is None for r in rows)      # a processor returns new rows


def test_same_work_compares_warm_slices_by_generation_number():
    """Warm cells run different numbers of generations in their slices: the check compares
    the generations two cells share, by number, and finds a difference where there is one."""
    from ev.reporting.same_work import with_same_work
    shape = {"inputs": 2, "outputs": 1, "state_vars": 1}
    slow = experiment_row({0: 9.0, 1: 8.5, 2: 8.0}, shape)
    fast = experiment_row(dict((g, 9.0 - g * 0.5 if g < 3 else 6.0) for g in range(40)), shape)
    assert [r.same_work for r in with_same_work([slow, fast])] == [True, True]
    wrong = dict(fast.best_by_generation)
    wrong[2] = 7.0
    assert [r.same_work for r in with_same_work([slow, experiment_row(wrong, shape)])] == \
        [False, False]


def test_a_jit_log_without_backend_counts_says_what_it_analysed(tmp_path):
    from test_traces import record_jit_log  # a real log, recorded by PyPy
    log = record_jit_log(tmp_path, "jit-log-opt")
    result = run_module("traces.jitlog", log, python=os.environ.get("EV_CPYTHON_PY",
                                                                      sys.executable))
    assert result.returncode == 0, result.stderr
    assert "no jit-backend-counts" in result.stdout


def test_ctrl_c_during_start_up_exits_130():
    proc = subprocess.Popen([sys.executable, "-m", "ev.main", "-n", "300000", "-g", "1"],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    time.sleep(1.5)  # imports done, making 300,000 creatures
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "Generation" not in out and "Traceback" not in err and "Aborted" not in err


def test_sigterm_saves_the_best_like_ctrl_c(tmp_path):
    best = tmp_path / "best.json"
    proc = subprocess.Popen([sys.executable, "-u", "-m", "ev.main", "-n", "30", "--save-best",
                             str(best)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
    while not proc.stdout.readline().startswith("Generation"):
        pass
    proc.terminate()
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 143 and "Traceback" not in err
    assert json.loads(best.read_text())["fitness"] is not None


@pytest.mark.parametrize("args", [["-g", "0", "--save-best", "b.json"], ["--results", ""],
                                  ["-n", "1000000000"]])
def test_options_that_would_do_nothing_or_cannot_fit_are_usage_errors(args):
    result = run_module("ev.main", *args)
    assert_one_line_failure(result, status=2)


def test_population_that_cannot_fit_says_why():
    from ev.common.capacity import population_too_large
    from ev.model.creature_base import DEFAULT_SHAPE
    assert population_too_large(500, DEFAULT_SHAPE, available=2 ** 30) is None
    assert "memory" in population_too_large(10 ** 9, DEFAULT_SHAPE, available=2 ** 30)


def test_sweep_with_a_python_that_measures_nothing_fails(tmp_path):
    # Answers the interpreter probe (python -c ...) as this Python, prints nothing otherwise.
    fake = tmp_path / "python"
    fake.write_text('#!/bin/sh\n[ "$1" = "-c" ] && exec %s "$@"\nexit 0\n' % sys.executable)
    fake.chmod(0o755)
    result = run_module("ev.studies.sweep", "--python", fake, "--max-state-vars", 1,
                        "--rounds", 1, "--out", tmp_path / "out")
    assert_one_line_failure(result)
    assert "wrote no answer" in result.stderr   # it measured nothing


def test_sweep_with_something_that_is_no_python_is_a_usage_error(tmp_path):
    result = run_module("ev.studies.sweep", "--python", "/bin/echo", "--out", tmp_path)
    assert_one_line_failure(result, status=2)
    assert "not a Python interpreter" in result.stderr and os.listdir(str(tmp_path)) == []


def test_sweep_into_an_impossible_folder_is_one_line():
    result = run_module("ev.studies.sweep", "--python", sys.executable, "--out", "/proc/x")
    assert_one_line_failure(result)
    assert "cannot create /proc/x" in result.stderr


def test_sweep_on_an_interpreter_not_provisioned_says_how_to_provision_it(tmp_path):
    env = dict(os.environ, EV_ROOTS=str(tmp_path / "no-roots"))
    result = run_module("ev.studies.sweep", "--interpreters", "pypy8.0", "--out",
                        tmp_path / "out", env=env)
    assert_one_line_failure(result)
    assert result.stderr.strip().splitlines() == [
        "Error: pypy8.0 is not provisioned: run `python -m ev.pythons add sid`"]
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("content", ["not json\n", "", '{"format": 2, "benchmark": "other"}\n',
                                     '{"variant": "numpy"}\n'])
def test_sweep_report_of_a_file_that_is_no_sweep_is_one_line(tmp_path, content):
    path = tmp_path / "sweep.jsonl"
    path.write_text(content)
    result = run_module("ev.studies.sweep", "--report", path)
    assert_one_line_failure(result)
    assert str(path) in result.stderr


def test_same_seed_lines_unchanged_by_records(tmp_path):
    """Records and run ids do not touch the evolution: same seed, same lines."""
    plain = run_module("ev.main", "-n", 12, "-g", 3, "--seed", 4)
    recorded = run_module("ev.main", "-n", 12, "-g", 3, "--seed", 4, "--results",
                          tmp_path / "r.jsonl")
    assert fitness_lines(plain.stdout) == fitness_lines(recorded.stdout) != []


@pytest.mark.parametrize("text, says", [("{}", "no 'shape' field"), ("[1, 2]", "an array"),
                                        ("null", "null, a number")])
def test_load_creature_says_what_is_missing(tmp_path, text, says):
    from ev.store.creature_files import NotACreature, load_creature
    path = tmp_path / "c.json"
    path.write_text(text)
    with pytest.raises(NotACreature) as raised:
        load_creature(str(path))
    message = str(raised.value)
    assert "not a saved creature" in message and says in message, message
    assert "object has no attribute" not in message and "\n" not in message


@pytest.mark.parametrize("option", ["--save-best", "--profile", "--results"])
def test_an_output_the_system_refuses_is_refused_before_evolving(option):
    """/proc takes no new files, though os.access says its folder is writable for root: the
    check makes the temporary file a write would make, so the run stops before generation 0
    rather than after the evolution it was asked to keep."""
    result = run_module("ev.main", "-n", 8, "-g", 1, option, "/proc/ev-output")
    assert result.returncode == 2 and "Generation" not in result.stdout
    assert "/proc/ev-output" in result.stderr and "Traceback" not in result.stderr
