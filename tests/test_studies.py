"""ev bench: the studies listed with their question, docs page and measured time; a study runs
by name with its own options; a wrong name is one line; every study is a package of
ev.studies, its old module name a shim; a signal reaches the study and sets the exit status."""
import os
import signal
import subprocess
import sys

import pytest

from conftest import ROOT, run_module
from ev.studies import STUDIES
from ev.studies.bench import measured_times


def test_the_list_names_every_study_with_its_page_and_time():
    done = run_module("ev", "bench", "--list")
    assert done.returncode == 0, done.stderr
    times = measured_times()
    for study in STUDIES:
        assert "%s: %s" % (study.name, study.question) in done.stdout
        assert os.path.exists(os.path.join(ROOT, study.docs)), study.docs
        assert study.name in times        # docs/studies.md has a row for it
    assert times["profiler_weight"] == "2 min 41 s"


def test_a_study_runs_with_its_own_options_and_a_wrong_name_is_one_line():
    shown = run_module("ev", "bench", "profiler_weight", "--help")
    assert shown.returncode == 0 and "--slow-generations" in shown.stdout
    wrong = run_module("ev", "bench", "fortran")
    assert wrong.returncode == 2 and "Traceback" not in wrong.stderr
    assert "unknown study 'fortran'" in wrong.stderr.strip().splitlines()[-1]


def test_every_study_is_a_package_that_answers_help_through_ev_bench():
    for study in STUDIES:
        assert study.module == "ev.studies." + study.name
        folder = os.path.join(ROOT, "ev", "studies", study.name)
        assert os.path.exists(os.path.join(folder, "__main__.py")), study.name
        shown = run_module("ev", "bench", study.name, "--help")
        assert shown.returncode == 0, (study.name, shown.stderr)
        assert shown.stdout.startswith("Usage: python -m ev.studies.%s" % study.name)


def test_the_old_module_names_are_shims_of_the_studies():
    """benchmarks/NAME.py runs ev.studies.NAME and holds nothing else (no second copy)."""
    folder = os.path.join(ROOT, "benchmarks")
    shims = sorted(name[:-3] for name in os.listdir(folder)
                   if name.endswith(".py") and name != "__init__.py")
    assert set(shims) <= set(study.name for study in STUDIES)
    for name in shims:
        with open(os.path.join(folder, name + ".py")) as source:
            lines = [line for line in source.read().splitlines() if line.strip()]
        assert len(lines) <= 6, name
        assert "from ev.studies.%s.command import main" % name in lines, name
    shown = run_module("benchmarks.limits", "--help")
    assert shown.returncode == 0 and "--interpreters" in shown.stdout


def test_ev_bench_passes_a_signal_on_and_exits_as_a_shell_would():
    """kill (SIGTERM) of ``ev bench``: the study, in a session of its own, gets it once and
    ends; ev bench exits 143 and leaves no study running."""
    child = ("import os, sys, time; print(os.getpid(), flush=True); time.sleep(60)")
    code = ("import os, sys; from ev.studies.bench import run_study; "
            "sys.exit(run_study([sys.executable, '-c', %r], dict(os.environ)))" % child)
    parent = subprocess.Popen([sys.executable, "-c", code], cwd=ROOT, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True)
    study = int(parent.stdout.readline())
    parent.send_signal(signal.SIGTERM)
    assert parent.wait(timeout=30) == 143, parent.stderr.read()
    assert "Traceback" not in parent.stderr.read()
    with pytest.raises(ProcessLookupError):
        os.kill(study, 0)
