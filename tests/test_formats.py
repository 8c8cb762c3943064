"""Every JSON document ev writes carries a format name and version (ev.common.formats); an old
file of each kind still reads, and one of an unknown version is refused in one line, exit 1.
The old files are main_6b10243/ (fixtures/README.md): written by ev before those names."""
import json
import pathlib
import shutil

import pytest

from conftest import run_module
from ev.common import stats
from ev.common.formats import UnknownFormat
from ev.reporting import fly_report, history, report, show
from ev.reporting.ratios import RATIO_RULE
from ev.store import matrix_json
from ev.store.creature_files import CREATURE_FILE, load_creature

OLD = pathlib.Path(__file__).parent / "fixtures" / "main_6b10243"
FORMATS = [(report.REPORT, "report.json"), (fly_report.FLY_REPORT, "fly_report.json"),
           (history.HISTORY, "history.json"), (show.FLIGHT_CHECK, "show.json"),
           (matrix_json.MATRIX, "matrix/matrix.json"),
           (CREATURE_FILE, "../flying_pid.json")]      # --save-best, before it had a name


@pytest.mark.parametrize("form, name", FORMATS)
def test_an_old_file_of_each_format_still_reads(form, name):
    data = form.load(str(OLD / name))
    assert (data["format"], data["version"]) == (form.name, 1)


@pytest.mark.parametrize("form, name", FORMATS)
def test_an_unknown_version_is_refused_in_one_line(tmp_path, form, name):
    data = form.read(json.loads((OLD / name).read_text()))
    path = tmp_path / "newer.json"
    path.write_text(json.dumps(dict(data, version=form.version + 1)))
    with pytest.raises(UnknownFormat) as refused:
        form.load(str(path))
    assert "version %d" % (form.version + 1) in str(refused.value)
    assert "\n" not in str(refused.value)
    with pytest.raises(UnknownFormat):
        form.read({"format": "something-else", "version": 1})


def test_a_saved_creature_carries_its_format_and_reads_back(tmp_path):
    best = tmp_path / "best.json"
    done = run_module("ev.main", "-n", "20", "-g", "2", "--seed", "3", "--save-best", best)
    assert done.returncode == 0, done.stderr
    data = json.loads(best.read_text())
    assert (data["format"], data["version"]) == ("ev-creature", 1)
    assert load_creature(str(best)).to_dict()["matrix"] == data["matrix"]


OLD_REPEAT_RULE = (
    "a figure over rounds is the median of the rounds' figures; its interval is the 99% "
    "repeat range, where a repeat run's median is expected: on a log scale, the median "
    "+- t(99.5%, n-1) x s x sqrt(2 x (pi/2) / n) for n rounds of standard deviation s (the "
    "spread of the rounds, as if rounds were independent; a slower drift of the machine is "
    "only in it as far as the rounds saw it)")

# Ratios within rounds were of the rounds' medians; now of their means (issue 35): the same
# figures for these rounds, of two steady generations each.
OLD_RATIO_RULE = "Ratios are taken within each round, then summarised the same way."


def old_folder(tmp_path, name):
    folder = tmp_path / name
    shutil.copytree(str(OLD / name), str(folder))
    return folder


def test_an_old_matrix_folder_renders_the_same_report(tmp_path):
    folder = old_folder(tmp_path, "matrix")
    done = run_module("ev.reporting.report", folder, "--no-plots")
    assert done.returncode == 0, done.stderr
    expected = (OLD / "report.md").read_text().replace(OLD_REPEAT_RULE, stats.REPEAT_RULE)
    expected = expected.replace(OLD_RATIO_RULE, RATIO_RULE)
    assert (folder / "report.md").read_text() == expected     # the rules as now stated
    rows = report.REPORT.read(json.loads(run_module("ev.reporting.report", folder,
                                                    "--json").stdout))["rows"]
    added = report.ADDED_IN_ROUNDS[2]      # version 2's keys (report.py's format history)
    for row in rows:
        assert all(set(added) <= set(one) for one in row["by_round"])
        row["by_round"] = [dict((k, v) for k, v in one.items() if k not in added)
                           for one in row["by_round"]]
    assert rows == report.read_json(str(OLD / "report.json"))


def test_an_old_fly_folder_renders_the_same_report(tmp_path):
    folder = old_folder(tmp_path, "fly")
    done = run_module("ev.reporting.fly_report", folder, "--no-plots")
    assert done.returncode == 0, done.stderr
    # The repeat range's rule is stated as it now is: issue 35 widened it for rounds whose
    # neighbours are alike (ev.common.stats); with two rounds its figures are the same.
    expected = (OLD / "fly_report.md").read_text().replace(OLD_REPEAT_RULE, stats.REPEAT_RULE)
    assert (folder / "fly_report.md").read_text() == expected
    rows = json.loads(run_module("ev.reporting.fly_report", folder, "--json").stdout)
    assert rows["rows"] == fly_report.read_json(str(OLD / "fly_report.json"))


@pytest.mark.parametrize("module", ["ev.reporting.report", "ev.reporting.fly_report"])
def test_a_matrix_json_of_an_unknown_version_is_one_line_and_exit_1(tmp_path, module):
    folder = old_folder(tmp_path, "fly")
    data = json.loads((folder / "matrix.json").read_text())
    (folder / "matrix.json").write_text(json.dumps(dict(data, version=99)))
    done = run_module(module, folder)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "Error: %s: ev-matrix version 99; this ev reads versions 1" % (folder / "matrix.json")]
