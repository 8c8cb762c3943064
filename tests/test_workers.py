"""Evaluation on local worker processes (issue 28): the same lines whatever N, every variant
in the workers, faults that end the run in one line with the store intact."""
import os
import re
import signal
import subprocess
import sys
import threading
import time

import pytest

from conftest import ROOT, run_module
from test_cli import fitness_lines
from test_hostile import assert_one_line_failure

from ev.backends.registry import VARIANT_NAMES, VariantUnavailable, get_variant
from ev.common.rng import Rng
from ev.evolution import chunks, executors
from ev.model.creature_base import DEFAULT_SHAPE, Shape

WORKERS_LINE = re.compile(r"^# (\d+) workers?: (.*)$", re.M)


def runnable(variant):
    try:
        get_variant(variant, DEFAULT_SHAPE)
    except VariantUnavailable:
        return False
    return True


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_every_variant_prints_the_serial_lines_on_any_number_of_workers(variant):
    if not runnable(variant):
        pytest.skip("the %s variant cannot run on this interpreter" % variant)
    runs = [run_module("ev.main", "-n", 16, "-g", 2, "--seed", 11, "--creature", variant, *extra)
            for extra in ([], ["--workers", "1"], ["--workers", "2"])]
    for result in runs:
        assert result.returncode == 0, result.stderr
    assert fitness_lines(runs[0].stdout) != []
    assert fitness_lines(runs[1].stdout) == fitness_lines(runs[0].stdout)
    assert fitness_lines(runs[2].stdout) == fitness_lines(runs[0].stdout)
    assert WORKERS_LINE.search(runs[2].stderr).group(1) == "2"


def test_pid_controller_and_spawned_workers_print_the_serial_lines():
    args = ["-n", "24", "-g", "3", "--seed", "5", "--controller", "pid"]
    serial = run_module("ev.main", *args)
    spawned = run_module("ev.main", *args, "--workers", "2", "--start-method", "spawn")
    assert serial.returncode == 0 and spawned.returncode == 0, spawned.stderr
    assert fitness_lines(spawned.stdout) == fitness_lines(serial.stdout) != []


def test_chunks_are_near_equal_and_cover_every_creature():
    for count, chunk_count in ((10, 8), (8, 8), (3, 8), (1000, 8), (1, 1)):
        bounds = executors.chunk_bounds(count, chunk_count)
        assert bounds[0][0] == 0 and bounds[-1][1] == count
        assert all(a[1] == b[0] for a, b in zip(bounds, bounds[1:]))
        sizes = [end - first for first, end in bounds]
        assert max(sizes) - min(sizes) <= 1 and min(sizes) >= 1


@pytest.mark.parametrize("args", [
    ["--workers", "0"], ["--workers", "two"], ["--executor", "threads"],
    ["--workers", "2", "--executor", "serial"], ["--executor", "processes"],
    ["--workers", "2", "--executor", "mpi"], ["--workers", "2", "--profile", "p.prof"],
    ["--start-method", "vfork", "--workers", "2"],
])
def test_bad_worker_options_are_one_line_usage_errors(args, tmp_path):
    args = [str(tmp_path / arg) if arg.endswith(".prof") else arg for arg in args]
    result = run_module("ev.main", "-g", "1", *args)
    assert_one_line_failure(result, status=2)


def test_mpi_outside_mpiexec_says_how_to_launch():
    result = run_module("ev.main", "-g", "1", "--executor", "mpi")
    assert_one_line_failure(result, status=1)
    assert "mpiexec" in result.stderr or "mpi4py" in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def mismatched_creatures(count):
    """Creatures of another shape than the workers expect: their chunks cannot be whole
    genomes, and the worker's rebuilding raises (a real exception, in a real worker)."""
    variant = get_variant("specialized", Shape(2, 1, 2))
    rng = Rng(1)
    return [variant.creature_class.random(rng, Shape(2, 1, 2)) for _ in range(count)]


def test_a_worker_that_raises_ends_the_generation_in_one_line():
    spec = chunks.Spec("specialized", "state-space", tuple(DEFAULT_SHAPE))
    with executors.ProcessEvaluation(spec, 2) as evaluation:
        creatures = mismatched_creatures(21)
        with pytest.raises(executors.EvaluationFailed) as failure:
            evaluation.evaluate_all(creatures)
    message = str(failure.value)
    assert "\n" not in message
    assert re.search(r"generation 0: chunk \d+ \(creatures \d+-\d+\) raised ValueError: .* "
                     r"in worker pid \d+", message), message
    assert all(c.fitness is None for c in creatures)


def test_a_hung_worker_is_named_after_the_timeout_and_stopped():
    spec = chunks.Spec("specialized", "state-space", tuple(DEFAULT_SHAPE))
    evaluation = executors.ProcessEvaluation(spec, 2, min_timeout=1.0).start()
    try:
        assert sorted(pid for pid, _ in evaluation.workers) == sorted(
            process.pid for process in evaluation.processes)
        assert len(evaluation.workers) == 2
        for pid, _ in evaluation.workers:
            os.kill(pid, signal.SIGSTOP)        # hang as deadlocked workers would
        rng = Rng(2)
        creatures = [evaluation_class(spec).random(rng, DEFAULT_SHAPE) for _ in range(40)]
        began = time.monotonic()
        with pytest.raises(executors.EvaluationFailed) as failure:
            evaluation.evaluate_all(creatures)
        waited = time.monotonic() - began
    finally:
        evaluation.close()
    assert "did not come back within" in str(failure.value), str(failure.value)
    assert re.search(r"generation 0: chunk 0 \(creatures 0-4\) did not come back within "
                     r"\d+ s \((worker pid \d+ has it|no worker took it)", str(failure.value))
    assert waited < 60, (waited, str(failure.value))
    deadline = time.monotonic() + 10
    while any(p.exitcode is None for p in evaluation.processes) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert [p.exitcode for p in evaluation.processes] == [-signal.SIGKILL] * 2


def evaluation_class(spec):
    return chunks.Evaluator.of(spec).creature_class


def read_lines(stream, into):
    for line in stream:
        into.append(line)


def started_with_workers(args, **popen):
    """ev.main ARGS started with its output read as it comes, once generation 1 is printed:
    (process, stdout lines, stderr lines, reader threads, the workers' pids)."""
    proc = subprocess.Popen([sys.executable, "-u", "-m", "ev.main"] + args, cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, **popen)
    out, err = [], []
    readers = [threading.Thread(target=read_lines, args=(proc.stdout, out)),
               threading.Thread(target=read_lines, args=(proc.stderr, err))]
    for reader in readers:
        reader.start()
    deadline = time.monotonic() + 240
    while not any(line.startswith("Generation   1") for line in out):
        assert proc.poll() is None and time.monotonic() < deadline, "".join(err)
        time.sleep(0.05)
    pids = [int(p) for p in re.findall(r"\d+", WORKERS_LINE.search("".join(err)).group(2)
                                       .split(" on ")[0])]
    return proc, out, err, readers, pids


def test_killed_worker_ends_the_run_in_one_line_and_resume_with_other_n_matches(tmp_path):
    """kill -9 a worker in the middle of a run with --store: one line naming it within
    seconds, the store holds every whole generation, --resume with another N continues to
    the lines of the uninterrupted run."""
    run = ["-n", "300", "--seed", "3"]
    store = tmp_path / "run.db"
    proc, out, err, readers, pids = started_with_workers(
        ["-g", "40", "--store", str(store), "--workers", "2"] + run)
    os.kill(pids[-1], signal.SIGKILL)
    killed = time.monotonic()
    status = proc.wait(timeout=60)
    stopped_after = time.monotonic() - killed
    for reader in readers:
        reader.join()
    errors = [line for line in err if not line.startswith("#")]
    assert status == 1, "".join(err)
    assert stopped_after < 15
    assert "Traceback" not in "".join(err), "".join(err)
    assert len(errors) == 1, errors
    assert re.match(r"error: generation \d+: worker pid %d died \(killed by SIGKILL\)"
                    % pids[-1], errors[0]), errors[0]
    done = fitness_lines("".join(out))
    resumed = run_module("ev.main", "--resume", store, "-g", 3, "--workers", "1")
    assert resumed.returncode == 0, resumed.stderr
    whole = run_module("ev.main", "-g", len(done) + 3, *run)
    assert done + fitness_lines(resumed.stdout) == fitness_lines(whole.stdout)
    for pid in pids:           # no worker is left behind
        assert not os.path.exists("/proc/%d" % pid) or "zombie" in status_of(pid)


def status_of(pid):
    try:
        with open("/proc/%d/status" % pid) as status:
            return status.read()
    except OSError:
        return "zombie"


def test_ctrl_c_stops_the_run_and_every_worker():
    """Ctrl-C at a terminal reaches the whole process group: the workers ignore it, the GA
    stops as a serial run does (status 130, no traceback) and takes its workers down."""
    proc, out, err, readers, pids = started_with_workers(
        ["-n", "300", "--seed", "2", "--workers", "2"], start_new_session=True)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=30) == 130
    for reader in readers:
        reader.join()
    assert "Traceback" not in "".join(err), "".join(err)
    assert "Interrupted." in "".join(err)
    time.sleep(0.5)
    for pid in pids:
        assert not os.path.exists("/proc/%d" % pid) or "zombie" in status_of(pid)
