"""A run kept in SQLite survives kill -9 and resumes with exactly the lines it would have
printed (issue 10)."""
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_module
from test_cli import fitness_lines, other_interpreters

RUN = ["-n", "16", "--seed", "7"]


def line_of(generation):
    """A generation row of the store as ev.cli.evolve prints it (without its seconds)."""
    return ("%d" % generation["generation"], "%.2f" % generation["min"],
            "%.2f" % generation["avg"], "%.2f" % generation["max"], "16")


def stored_lines(store):
    result = run_module("ev.reporting.history", store, "--json")
    assert result.returncode == 0, result.stderr
    return [line_of(g) for g in json.loads(result.stdout)["generations"]]


def reference(generations):
    """The lines of the uninterrupted run."""
    result = run_module("ev.main", "-g", generations, *RUN)
    assert result.returncode == 0, result.stderr
    return [tuple(x.lstrip() for x in line) for line in fitness_lines(result.stdout)]


@pytest.fixture(scope="module")
def uninterrupted():
    return reference(40)


def normalised(lines):
    return [tuple(x.lstrip() for x in line) for line in lines]


def test_a_resumed_run_prints_the_lines_of_the_uninterrupted_one(tmp_path, uninterrupted):
    store = tmp_path / "run.db"
    first = run_module("ev.main", "-g", 15, "--store", store, *RUN)
    assert first.returncode == 0, first.stderr
    second = run_module("ev.main", "--resume", store, "-g", 25)
    assert second.returncode == 0, second.stderr
    assert "resuming" in second.stdout
    assert normalised(fitness_lines(first.stdout) + fitness_lines(second.stdout)) \
        == uninterrupted[:40]
    assert stored_lines(store) == uninterrupted[:40]


@pytest.mark.skipif(len(other_interpreters()) < 2,
                    reason="needs EV_CPYTHON_PY and EV_PYPY_PY (set by run_tests.sh)")
def test_a_run_resumes_on_the_other_interpreter(tmp_path, uninterrupted):
    store = tmp_path / "run.db"
    cpython, pypy = other_interpreters()
    first = run_module("ev.main", "-g", 10, "--store", store, *RUN, python=cpython)
    second = run_module("ev.main", "--resume", store, "-g", 10, python=pypy)
    third = run_module("ev.main", "--resume", store, "-g", 20, python=cpython)
    for result in (first, second, third):
        assert result.returncode == 0, result.stderr
    printed = sum((fitness_lines(r.stdout) for r in (first, second, third)), [])
    assert normalised(printed) == uninterrupted[:40]


def wait_for_file(path, proc, seconds=60):
    """Until ``path`` exists, ``proc`` has ended or ``seconds`` have passed."""
    end = time.time() + seconds
    while not os.path.exists(str(path)) and proc.poll() is None and time.time() < end:
        time.sleep(0.02)


def test_twenty_kills_at_random_moments_lose_nothing_finished(tmp_path):
    store = tmp_path / "run.db"
    moments = random.Random(2026)
    life = ["-g", "30"]   # a life ends at its kill, or after 30 generations
    command = [sys.executable, "-m", "ev.main", "--store", str(store)] + RUN + life
    printed, committed = {}, []
    for kill in range(20):
        proc = subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,
                                stderr=subprocess.PIPE, universal_newlines=True)
        if kill % 2:   # half the lives die after the store exists (a loaded PyPy may take
            wait_for_file(store, proc)   # longer than 0.9 s to make it), half at any moment
        time.sleep(moments.uniform(0.2, 0.9))
        proc.send_signal(signal.SIGKILL)
        out, _ = proc.communicate(timeout=60)
        for line in normalised(fitness_lines(out)):
            printed.setdefault(line[0], line)
        if not os.path.exists(str(store)):
            continue   # killed before it made the store: start again
        command = [sys.executable, "-m", "ev.main", "--resume", str(store)] + life
        done = stored_lines(store)
        assert done[:len(committed)] == committed   # nothing committed was lost
        committed = done
    last = run_module("ev.main", "--resume", store, "-g", 20)
    assert last.returncode == 0, last.stderr
    done = stored_lines(store)
    expected = reference(len(done))
    assert done == expected                          # every committed generation is right
    for line in normalised(fitness_lines(last.stdout)) + list(printed.values()):
        assert line == expected[int(line[0])]        # whatever was printed was right


def test_a_second_writer_is_refused_and_nothing_breaks(tmp_path):
    store = tmp_path / "run.db"
    live = subprocess.Popen([sys.executable, "-u", "-m", "ev.main", "--store", str(store)]
                            + RUN, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    try:
        while not live.stdout.readline().startswith("Generation"):
            pass
        second = run_module("ev.main", "--resume", store, "-g", 5)
        assert second.returncode == 1 and "Traceback" not in second.stderr
        assert "being written by another run" in second.stderr
        assert stored_lines(store)   # a reader may watch the live run
    finally:
        live.send_signal(signal.SIGINT)
        live.communicate(timeout=60)
    assert live.returncode == 130
    done = stored_lines(store)
    assert done == reference(len(done))


def test_store_refuses_to_overwrite_and_flags_must_agree(tmp_path):
    store = tmp_path / "run.db"
    assert run_module("ev.main", "-g", 2, "--store", store, *RUN).returncode == 0
    before = store.read_bytes()
    again = run_module("ev.main", "-g", 2, "--store", store, *RUN)
    assert again.returncode == 2 and "exists" in again.stderr
    for flags in (["-n", "20"], ["--seed", "8"], ["--creature", "numpy"],
                  ["--controller", "pid"]):
        result = run_module("ev.main", "--resume", store, "-g", 1, *flags)
        assert result.returncode == 2 and "contradicts" in result.stderr, flags
    same = run_module("ev.main", "--resume", store, "-g", 1, "-n", 16, "--seed", 7)
    assert same.returncode == 0, same.stderr
    assert store.read_bytes() != before or os.path.exists(str(store) + "-wal")


@pytest.mark.parametrize("damage", ["foreign", "truncated", "version", "text"])
def test_bad_stores_get_one_line(tmp_path, damage):
    store = tmp_path / "run.db"
    assert run_module("ev.main", "-g", 3, "--store", store, *RUN).returncode == 0
    if damage == "foreign":
        store.unlink()
        db = sqlite3.connect(str(store))
        db.execute("CREATE TABLE other (x)")
        db.commit()
        db.close()
    elif damage == "truncated":
        data = store.read_bytes()
        store.write_bytes(data[:len(data) // 2])
    elif damage == "version":
        db = sqlite3.connect(str(store))
        db.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
        db.commit()
        db.close()
    else:
        store.write_text("not a store\n")
    for module, args in (("ev.main", ["--resume", store, "-g", 1]), ("ev.reporting.history", [store]),
                         ("ev.reporting.show", [store])):
        result = run_module(module, *args)
        assert result.returncode == 1, (module, result.stdout, result.stderr)
        assert "Traceback" not in result.stderr
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr


def test_history_tells_how_the_best_came_to_be(tmp_path):
    store = tmp_path / "run.db"
    assert run_module("ev.main", "-g", 12, "--store", store, *RUN).returncode == 0
    data = json.loads(run_module("ev.reporting.history", store, "--json").stdout)
    assert data["run"]["seed"] == 7 and len(data["generations"]) == 12
    lineage = data["lineage"]
    assert lineage[0]["id"] == data["best"]
    assert lineage[0]["fitness"] == min(g["min"] for g in data["generations"])
    assert lineage[-1]["born"] == 0 and lineage[-1]["operator"] is None
    assert all(row["operator"] for row in lineage[:-1])
    assert [row["born"] for row in lineage] == sorted((r["born"] for r in lineage),
                                                      reverse=True)
    text = run_module("ev.reporting.history", store, "--plot", tmp_path / "h.png")
    assert "the random first generation" in text.stdout
    assert (tmp_path / "h.png").read_bytes()[:4] == b"\x89PNG"
    shown = run_module("ev.reporting.show", store)
    assert shown.returncode == 0, shown.stderr
    assert "total fitness %.2f" % lineage[0]["fitness"] in shown.stdout


def test_ctrl_c_keeps_every_finished_generation(tmp_path):
    store = tmp_path / "run.db"
    proc = subprocess.Popen([sys.executable, "-u", "-m", "ev.main", "--store", str(store)]
                            + RUN, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    seen = 0
    while seen < 3:
        seen += proc.stdout.readline().startswith("Generation")
    proc.send_signal(signal.SIGINT)
    out, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "Traceback" not in err
    done = stored_lines(store)
    assert len(done) >= 3 and done == reference(len(done))


def test_a_store_that_cannot_be_made_or_fills_the_disk_is_one_line(tmp_path):
    from test_hostile import assert_one_line_failure, file_size_limit
    # /proc takes no new files: refused before the run, as every output is
    result = run_module("ev.main", "--store", "/proc/ev-store.db", "-g", 1, *RUN)
    assert_one_line_failure(result, status=2)
    assert "/proc/ev-store.db is not writable" in result.stderr
    store = tmp_path / "run.db"
    result = run_module("ev.main", "--store", store, "-g", 500, *RUN,
                        preexec_fn=file_size_limit(60000))
    assert_one_line_failure(result)
    assert not [p for p in os.listdir(str(tmp_path)) if p.endswith(".building")]
    done = stored_lines(store)          # what was committed is still readable and right
    assert 0 < len(done) < 500 and done == reference(len(done))


def test_a_pid_store_of_the_first_pid_genome_gets_one_line(tmp_path):
    """Stores written before the error limit hold (kp, ki, kd, hover): refused, not misread."""
    store = tmp_path / "run.db"
    assert run_module("ev.main", "--controller", "pid", "-g", 2, "--store", store,
                      *RUN).returncode == 0
    shown = run_module("ev.reporting.show", store)
    assert shown.returncode == 0 and "error_limit" in shown.stdout, shown.stderr
    db = sqlite3.connect(str(store))
    (run,), = db.execute("SELECT value FROM meta WHERE key = 'run'").fetchall()
    run = json.loads(run)
    del run["gains"]
    db.execute("UPDATE meta SET value = ? WHERE key = 'run'", (json.dumps(run),))
    db.commit()
    db.close()
    for module, args in (("ev.reporting.show", [store]), ("ev.main", ["--resume", store, "-g", 1])):
        result = run_module(module, *args)
        assert result.returncode == 1 and "Traceback" not in result.stderr, module
        assert "kp, ki, kd, hover" in result.stderr, module
        assert len(result.stderr.strip().splitlines()) == 1, result.stderr
