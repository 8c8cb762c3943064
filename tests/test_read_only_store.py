"""A finished store in a folder its reader cannot write to (a store handed to a colleague, a
read-only mount) reads; one that really cannot be read says why in words (issue 24, item 7).

Root ignores permissions, so as root the reader runs as nobody (setpriv); as anyone else,
the folder and the file are simply made read-only."""
import os
import pathlib
import shutil
import sqlite3
import subprocess
import sys
import tempfile

import pytest

from conftest import ROOT, run_module

# A store of ev 506ae15, which left its stores in WAL mode (tests/fixtures/README.md).
STORE_506AE15 = pathlib.Path(__file__).parent / "fixtures" / "store_506ae15_pid.db"

NOBODY = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]


def as_reader(*args):
    """``python -m args`` run by a user who may read, not write, the store's folder."""
    command = [sys.executable, "-m"] + [str(a) for a in args]
    if os.geteuid() == 0:
        command = NOBODY + command
    return subprocess.run(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)


@pytest.fixture
def folder():
    """A folder the reader may enter and read, made read-only by ``seal``."""
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("as root, needs setpriv to read as another user")
        probe = as_reader("ev.reporting.history", "--help")
        if probe.returncode != 0:
            pytest.skip("nobody cannot run this checkout's Python (%s)"
                        % probe.stderr.strip()[-200:])
    path = tempfile.mkdtemp(prefix="ev-read-only-")
    os.chmod(path, 0o755)
    yield path
    os.chmod(path, 0o755)
    shutil.rmtree(path)


def seal(folder, *files):
    for name in files:
        os.chmod(os.path.join(folder, name), 0o444)
    os.chmod(folder, 0o555)


def assert_reads(store):
    history = as_reader("ev.reporting.history", store)
    assert history.returncode == 0, history.stderr
    assert "How the best creature" in history.stdout
    shown = as_reader("ev.reporting.show", store)
    assert shown.returncode in (0, 1) and "Traceback" not in shown.stderr, shown.stderr
    assert "total fitness" in shown.stdout, shown.stderr


def assert_one_line(result, *words):
    assert result.returncode == 1 and "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr


def assert_said(result, *words):
    """A failure whose last line says why (a usage error's comes after the usage)."""
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr, result.stderr
    last = result.stderr.strip().splitlines()[-1]
    assert all(word in last for word in words), result.stderr


def test_a_finished_store_reads_where_its_reader_cannot_write(folder):
    store = os.path.join(folder, "run.db")
    made = run_module("ev.main", "-n", 12, "-g", 3, "--seed", 5, "--store", store)
    assert made.returncode == 0, made.stderr
    assert sorted(os.listdir(folder)) == ["run.db"]     # no -wal, no -shm left behind
    seal(folder, "run.db")
    assert_reads(store)
    assert sorted(os.listdir(folder)) == ["run.db"]


def test_a_store_an_older_ev_left_in_wal_mode_reads_too(folder):
    store = os.path.join(folder, "run.db")
    shutil.copy(str(STORE_506AE15), store)
    with open(store, "rb") as db:
        assert db.read(20)[18:20] == b"\x02\x02"        # the header says WAL
    seal(folder, "run.db")
    assert_reads(store)


def test_a_store_with_a_wal_file_says_what_it_needs(folder, tmp_path):
    """A run writing it, or killed while writing: its -wal file holds generations, and
    SQLite reads them only where it may make its shared-memory file."""
    live = str(tmp_path / "run.db")
    assert run_module("ev.main", "-n", 12, "-g", 2, "--seed", 5, "--store", live).returncode == 0
    writer = sqlite3.connect(live)
    writer.execute("PRAGMA journal_mode=WAL").fetchall()
    writer.execute("PRAGMA wal_autocheckpoint=0").fetchall()
    writer.execute("INSERT INTO meta VALUES ('note', 'in the WAL only')")
    writer.commit()
    for suffix in ("", "-wal"):
        shutil.copy(live + suffix, os.path.join(folder, "run.db" + suffix))
    writer.close()
    seal(folder, "run.db", "run.db-wal")
    store = os.path.join(folder, "run.db")
    for module in ("ev.reporting.history", "ev.reporting.show"):
        assert_one_line(as_reader(module, store), "-wal file", "cannot write to")


def test_a_store_its_reader_may_not_read_says_so(folder):
    store = os.path.join(folder, "run.db")
    assert run_module("ev.main", "-n", 12, "-g", 2, "--seed", 5, "--store", store).returncode == 0
    os.chmod(store, 0o000)
    seal(folder)
    for module in ("ev.reporting.history", "ev.reporting.show"):
        assert_said(as_reader(module, store), store, "is not readable")
