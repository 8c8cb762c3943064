"""A real Debian root, used when one is cached (python -m ev.pythons add sid / trixie): each of
its interpreters answers what it is and prints the host's fitness lines for seed 42.  Skipped,
with the reason, where no root is cached (CI)."""
import os
import subprocess
import sys
import tempfile

import pytest

from conftest import ROOT, run_module
from ev.pythons import catalogue, jit_state, names, probe
from test_cli import fitness_lines

READY = [entry.name for entry in catalogue.PROVIDED if not names.provided(entry.name).missing()]
ARGS = ["-m", "ev.main", "-n", "100", "-g", "3", "--seed", "42"]
needs_a_root = pytest.mark.skipif(not READY, reason="no Debian root cached (python -m ev.pythons "
                                                    "add sid|trixie makes one)")


def on_host(extra):
    done = run_module("ev.main", *(ARGS[2:] + extra))
    assert done.returncode == 0, done.stderr
    return fitness_lines(done.stdout)


@needs_a_root
@pytest.mark.parametrize("name", READY)
def test_a_provided_interpreter_is_what_its_name_says(name):
    about = probe.describe(names.provided(name))
    wanted = name.replace("-jit", "")
    assert probe.label(about) == name if about["implementation"] == "cpython" else \
        probe.label(about).startswith(wanted)
    assert about["executable"].startswith("/venvs/")


@needs_a_root
@pytest.mark.parametrize("extra", [[], ["--no-specialized"]], ids=["specialized", "numpy"])
@pytest.mark.parametrize("name", READY)
def test_seed_42_prints_the_hosts_fitness_lines(name, extra):
    interpreter = names.provided(name)
    done = subprocess.run(interpreter.argv(ARGS + extra, cwd=ROOT), env=interpreter.environ(),
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True,
                          timeout=600)
    assert done.returncode == 0, done.stderr
    assert fitness_lines(done.stdout) == on_host(extra) != []


@needs_a_root
def test_the_root_runs_this_checkout():
    interpreter = names.provided(READY[0])
    done = subprocess.run(interpreter.argv(["-c", "import ev; print(ev.__file__)"], cwd="/"),
                          env=interpreter.environ(), stdout=subprocess.PIPE,
                          universal_newlines=True, timeout=120)
    assert done.stdout.strip() == "/ev/ev/__init__.py"


JIT_CELLS = [name for name in READY if name.endswith("-jit")]


@pytest.mark.skipif(not JIT_CELLS, reason="no root with a JIT-on CPython cached (python -m "
                                          "ev.pythons add sid makes one)")
@pytest.mark.parametrize("name", JIT_CELLS)
def test_a_jit_cell_says_what_its_jit_did(name):
    """A hot loop (timeit's, ~2 s) gets executors, seen by looks every 0.2 s (CPython frees
    cold ones: a look at the end alone often finds none); the state is a record in a file
    the root sees inside the checkout."""
    interpreter = names.provided(name)
    interpreter = interpreter._replace(env=dict(interpreter.env, EV_JIT_EVERY="0.2"))
    with tempfile.TemporaryDirectory(prefix=".ev-jit-", dir=ROOT) as scratch:
        record = os.path.join(scratch, "jit.json")
        done = interpreter.run(["-m", "ev.pythons.jit_state", "--record",
                                interpreter.path(record), "-m", "timeit", "-n", "1000", "-r",
                                "3", "t = 0.0", "for i in range(10000): t += i * 0.5"],
                               cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               universal_newlines=True, timeout=600)
        assert done.returncode == 0, done.stderr
        assert "loops, best of 3" in done.stdout
        about = jit_state.read_record(record)
    assert about["enabled"] is True and about["executors"] >= 1 and about["micro_ops"] > 0
    assert about["top_functions_by_micro_ops"][0][0].startswith("inner (<timeit-src>")
    assert jit_state.summary(about).startswith("JIT on: ")
