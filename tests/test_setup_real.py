"""Issue 24's sequence with the real interpreter and pip: a fresh venv root, Ctrl-C (SIGINT to
the process group, as a terminal or ``timeout -s INT`` sends it) during the venv's creation,
during the main pip install and during numba's install, then a normal set-up: numba imports
and the numba variant can run.

About 3 minutes on a 2-core machine (the venv is made four times), so it runs when
EV_SLOW_TESTS=1; tests/test_setup.py checks the same with a stand-in interpreter in seconds.
"""
import os
import re
import shutil
import sys
import signal
import subprocess
import time

import pytest

from conftest import ROOT

pytestmark = [
    pytest.mark.skipif(not os.environ.get("EV_SLOW_TESTS"),
                       reason="makes a real venv four times (~3 min): set EV_SLOW_TESTS=1"),
    pytest.mark.skipif(shutil.which("python3") is None, reason="no python3 to make a venv with"),
    pytest.mark.skipif(hasattr(sys, "pypy_version_info"),
                       reason="the set-up is the same whichever interpreter runs pytest: run once, "
                              "under CPython"),
]

# (what to wait for (a regular expression), in which file under the venv root, then how long
# before Ctrl-C)
MOMENTS = [
    (r"\[setup\] creating ", "setup.err", 1.0),
    (r"Installing collected packages: .*numpy", "cpython/pip.log", 1.0),   # not pip itself
    (r"Installing collected packages: .*numba", "cpython/pip-optional.log", 0.5),
]


def start(venv_root):
    stderr = open(str(venv_root / "setup.err"), "w")
    env = dict(os.environ, EV_VENV_ROOT=str(venv_root / ""))
    env.pop("EV_CPYTHON", None)
    return subprocess.Popen(
        ["bash", "-c", 'source scripts/setup_envs.sh && setup_cpython && echo "$CPYTHON_PY"'],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=stderr, universal_newlines=True,
        start_new_session=True)


def read(path):
    return path.read_text() if path.exists() else ""


def interrupt_when(venv_root, marker, where, delay):
    """Start a set-up; once ``marker`` shows in ``where``, wait ``delay`` s, send SIGINT to its
    process group; return its exit status."""
    process = start(venv_root)
    deadline = time.time() + 300
    while not re.search(marker, read(venv_root / where)):
        assert process.poll() is None, read(venv_root / "setup.err")
        assert time.time() < deadline
        time.sleep(0.1)
    time.sleep(delay)
    os.killpg(process.pid, signal.SIGINT)
    process.communicate(timeout=120)
    return process.returncode


def test_ctrl_c_at_three_moments_then_a_set_up_gives_a_working_numba(tmp_path):
    venv_root = tmp_path / "venvs"
    venv_root.mkdir()
    for marker, where, delay in MOMENTS:
        status = interrupt_when(venv_root, marker, where, delay)
        assert status == -signal.SIGINT, read(venv_root / "setup.err")
        assert not (venv_root / "cpython" / ".ev-installed").exists()
    process = start(venv_root)
    out, _ = process.communicate(timeout=600)
    assert process.returncode == 0, read(venv_root / "setup.err")
    python = out.strip()
    assert "optional numba ok" in (venv_root / "cpython" / ".ev-installed").read_text()
    done = subprocess.run([python, "-m", "ev.cli.variants", "numba"], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                          universal_newlines=True)
    assert done.returncode == 0, done.stdout
