"""The recording's description (PROFILE.meta.json) is a named, versioned document: written
with "format": "traces-recording" and "version" by traces.record, read back by read_meta
whether it has them or predates them, and a version this traces does not know is one line."""
import json
import os

from conftest import ROOT, run_module
from traces.project import read_meta

OLD = os.path.join(ROOT, "tests", "fixtures", "pypy8_split", "split.prof.meta.json")


def recorded(tmp_path):
    prof = tmp_path / "p.prof"
    program = tmp_path / "busy.py"
    program.write_text("total = 0\nfor i in range(3000000):\n    total += i * i\n")
    done = run_module("traces.record", "--profile", prof, "--", program)
    assert done.returncode == 0, done.stderr
    return prof, program


def test_traces_record_writes_a_named_versioned_description(tmp_path):
    prof, program = recorded(tmp_path)
    written = json.loads((tmp_path / "p.prof.meta.json").read_text())
    assert list(written)[:2] == ["format", "version"]
    assert (written["format"], written["version"]) == ("traces-recording", 1)
    assert read_meta(str(prof))["program"] == str(program)


def test_a_description_from_before_the_format_still_reads():
    with open(OLD) as old:
        assert "format" not in json.load(old)
    assert read_meta(OLD[:-len(".meta.json")])["recorded_by"] == "traces.record"


def test_an_unknown_version_is_one_line_and_exit_1(tmp_path):
    prof, _ = recorded(tmp_path)
    meta = tmp_path / "p.prof.meta.json"
    meta.write_text(json.dumps(dict(json.loads(meta.read_text()), version=9)))
    done = run_module("traces.profile", prof)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "error: %s.meta.json: a recording description of version 9; this traces reads "
        "versions 1" % prof]
