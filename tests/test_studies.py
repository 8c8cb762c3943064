"""ev bench: the studies listed with their question, docs page and measured time; a study runs
by name with its own options; a wrong name is one line."""
import os

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
