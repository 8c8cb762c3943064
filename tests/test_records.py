"""Typed, versioned records (issue 23): files written by older ev still read, with what they
lack filled in as it was meant then; what this ev writes reads back as it was."""
import dataclasses
import json
import pathlib
import shutil

import pytest

from conftest import run_module
from test_cli import fitness_lines
from ev.store import records
from ev.store.records import GenerationRecord, RunRecord

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
# Written by ev before its records had a format (see fixtures/README.md).
BEFORE_PID = FIXTURES / "records_before_pid.jsonl"      # no "controller", no "evaluation_seconds"
MAIN_506AE15 = FIXTURES / "records_506ae15.jsonl"       # a state-space run, then a PID run
STORE_506AE15 = FIXTURES / "store_506ae15_pid.db"       # the PID run, -n 10 -g 3 --seed 3


def read(path):
    found, bad = records.read_records(str(path))
    assert not bad, [str(b) for b in bad]
    return found


def test_a_file_from_before_the_pid_reads_as_a_state_space_run():
    run, *generations = read(BEFORE_PID)
    assert "controller" not in BEFORE_PID.read_text()
    assert isinstance(run, RunRecord) and run.format == 1
    assert run.controller == "state-space" and run.gains is None and run.profile_from is None
    assert (run.seed, run.population, run.generations) == (3, 10, 2)
    assert dict(run.shape) == {"inputs": 2, "outputs": 1, "state_vars": 1}
    assert [type(g) for g in generations] == [GenerationRecord] * 2
    assert [g.generation for g in generations] == [0, 1]
    assert all(g.run == run.run and g.format == 1 for g in generations)
    assert all(g.evaluation_seconds is None and g.flies is None for g in generations)
    line = json.loads(BEFORE_PID.read_text().splitlines()[1])
    assert (generations[0].seconds, generations[0].min) == (line["seconds"], line["min"])


def test_a_file_of_the_last_unversioned_format_reads_whole():
    found = read(MAIN_506AE15)
    runs = [r for r in found if isinstance(r, RunRecord)]
    assert [r.controller for r in runs] == ["state-space", "pid"]
    assert runs[1].gains == ("kp", "ki", "kd", "error_limit") and runs[0].gains is None
    for line, record in zip(MAIN_506AE15.read_text().splitlines(), found):
        old = json.loads(line)
        assert dict(record.to_json(), format=None) == dict(old, format=None)  # every key kept


def test_a_record_read_is_a_value_no_reader_can_change():
    """The report's stages and the runner share the records they read: none can change
    what another reads, at any depth; a reader that wants another value makes a new one."""
    run, generation = read(BEFORE_PID)[:2]
    with pytest.raises(dataclasses.FrozenInstanceError):
        run.seed = 4
    with pytest.raises(dataclasses.FrozenInstanceError):
        generation.seconds = 0.0
    with pytest.raises(TypeError):
        run.shape["inputs"] = 3
    with pytest.raises(TypeError):
        run.extra["added"] = 1
    with pytest.raises(AttributeError):
        run.argv.append("--more")
    again = dataclasses.replace(run, seed=4)
    assert (again.seed, run.seed) == (4, 3) and read(BEFORE_PID)[0] == run
    assert again.to_json()["argv"] == list(run.argv)     # written as JSON's lists again


def test_keys_this_ev_does_not_know_are_kept_frozen_and_written_back(tmp_path):
    path = tmp_path / "r.jsonl"
    line = dict(json.loads(BEFORE_PID.read_text().splitlines()[0]),
                later={"nested": [1, {"deep": [2]}]})
    path.write_text(json.dumps(line) + "\n")
    (run,) = read(path)
    assert run.extra["later"]["nested"][1]["deep"] == (2,)
    with pytest.raises(TypeError):
        run.extra["later"]["nested"][1]["deep"] = [3]
    assert run.to_json()["later"] == line["later"]


def test_what_this_ev_writes_reads_back_as_it_was(tmp_path):
    path = tmp_path / "r.jsonl"
    result = run_module("ev.main", "--controller", "pid", "-n", 8, "-g", 2, "--seed", 4,
                        "--results", path)
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in path.read_text().splitlines()]
    assert [line["format"] for line in lines] == [records.FORMAT] * 4
    run = RunRecord.from_json(lines[0])
    assert run.controller == "pid" and run.population == 8 and run.format == records.FORMAT
    assert run.to_json() == lines[0]
    generation = GenerationRecord.from_json(lines[2])
    assert generation.run == run.run and generation.generation == 1
    assert generation.to_json() == lines[2]
    end = records.EndRecord.from_json(lines[3])
    assert (end.reason, end.exit, end.generations, end.run) == (records.BUDGET, 0, 2, run.run)
    assert end.steady_first == 1 and end.steady_median == lines[2]["seconds"]
    assert end.to_json() == lines[3]


@pytest.mark.parametrize("flags, reason, status", [
    (["-g", 2, "--until-flies"], records.NEVER_FLEW, 1),
    (["-g", 3, "--seconds", "1e-9", "--min-generations", 2], records.BUDGET, 0)])
def test_the_end_record_says_why_the_run_ended(tmp_path, flags, reason, status):
    path = tmp_path / "r.jsonl"
    result = run_module("ev.main", "-n", 8, "--seed", 4, "--results", path, *flags)
    assert result.returncode == status, result.stderr
    end = read(path)[-1]
    assert isinstance(end, records.EndRecord) and (end.reason, end.exit) == (reason, status)
    generations = [r for r in read(path) if isinstance(r, GenerationRecord)]
    assert end.generations == len(generations)
    assert end.seconds == pytest.approx(sum(g.seconds for g in generations))


def test_a_record_of_a_newer_format_or_without_its_keys_is_a_bad_line(tmp_path):
    path = tmp_path / "r.jsonl"
    old = json.loads(BEFORE_PID.read_text().splitlines()[0])
    path.write_text("\n".join(json.dumps(r) for r in (
        dict(old, format=records.FORMAT + 1), dict(old, population="8"),
        {"type": "generation", "generation": 0}, dict(old, run={"id": 1}),
        dict(old, variant=["numpy"]), dict(old))) + "\n")
    found, bad = records.read_records(str(path))
    assert len(found) == 1 and [b.lineno for b in bad] == [1, 2, 3, 4, 5]
    assert "format %d" % (records.FORMAT + 1) in bad[0].reason
    assert "population is not an integer" in bad[1].reason
    assert "generation record without seconds, min, avg, max" in bad[2].reason
    assert "run record: run is not a string" in bad[3].reason   # a reader's key
    assert "run record: variant is not a string" in bad[4].reason


def test_a_store_of_the_last_unversioned_format_reads_and_resumes_exactly(tmp_path):
    store = tmp_path / "run.db"
    shutil.copy(str(STORE_506AE15), str(store))
    shown = run_module("ev.reporting.history", store, "--json")
    assert shown.returncode == 0, shown.stderr
    assert json.loads(shown.stdout)["run"]["controller"] == "pid"
    resumed = run_module("ev.main", "--resume", store, "-g", 2)
    assert resumed.returncode == 0, resumed.stderr
    whole = run_module("ev.main", "--controller", "pid", "--no-specialized", "-n", 10,
                       "-g", 5, "--seed", 3)
    assert whole.returncode == 0, whole.stderr
    assert fitness_lines(resumed.stdout) == fitness_lines(whole.stdout)[3:]


@pytest.mark.parametrize("path, controllers", [(BEFORE_PID, ["state-space"]),
                                               (MAIN_506AE15, ["state-space", "pid"])])
def test_the_report_reads_old_files(tmp_path, path, controllers):
    shutil.copy(str(path), str(tmp_path / path.name))
    result = run_module("ev.reporting.report", tmp_path, "--json", "--no-plots")
    assert result.returncode == 0, result.stderr
    assert sorted(row["controller"] for row in json.loads(result.stdout)["rows"]) == sorted(controllers)


def test_a_results_folder_of_6b10243_loads_as_the_records_it_meant():
    """A folder written before end records (main_6b10243, format 2): each Run carries its
    records as records, no end; the report finds the steady state by the run's seconds."""
    from ev.common.stats import steady_start
    from ev.reporting.load import load_folder
    from ev.reporting.rows import round_figures
    folder = load_folder(str(FIXTURES / "main_6b10243" / "matrix"))
    assert folder.problems == [] and len(folder.runs) == 4
    for run in folder.runs:
        assert isinstance(run.record, RunRecord) and run.record.format == 2
        assert run.end is None and run.record.profile_from is None
        assert all(isinstance(g, GenerationRecord) and g.run == run.record.run
                   for g in run.generations)
        assert [g.generation for g in run.generations] == [0, 1, 2]
        seconds = [g.seconds for g in run.generations]
        assert round_figures(run).steady_first == steady_start(seconds)
    assert sorted(set(r.name for r in folder.runs)) == ["cpython3.11-numpy",
                                                       "cpython3.11-specialized"]
