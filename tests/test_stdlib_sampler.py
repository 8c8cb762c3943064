"""traces.record --sampler profiling.sampling (CPython 3.15's own sampler, issue 33): its
recordings read into the one profile model, and its refusals in one line.

The fixtures are its own recordings, turned into collapsed stacks by traces.record
(tests/fixtures/sampling/README.md says how they were made).  The test that records for real
runs on CPython 3.15+ (the Debian sid root's venv); elsewhere it skips, and the refusal tests
run instead."""
import os
import shutil
import sys

import pytest

from conftest import ROOT, run_module
from traces import samplers, sampling_stacks
from traces.categories import ALLOC_GC
from traces.model import GC, PY
from traces.profile import analyse, render
from traces.profile_reader import read_profile

IS_PYPY = hasattr(sys, "pypy_version_info")
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "sampling")
CAN_RECORD = not IS_PYPY and sys.version_info >= (3, 15)
RECORDED_IN = "/tmp/psfx/user/"   # where the programs were when they were recorded


def fixture(tmp_path, program):
    """The fixture of ``program`` with its recorded path moved to a copy of the program in
    tmp_path/user (so that the reader finds its source, and its folder is the project)."""
    folder = tmp_path / "user"
    folder.mkdir(exist_ok=True)
    shutil.copy(os.path.join(ROOT, "tests", "fixtures", "field", program + ".py"), str(folder))
    profile = tmp_path / (program + ".prof")
    with open(os.path.join(FIXTURES, program + ".cpython3.15.prof")) as recorded:
        profile.write_text(recorded.read().replace(RECORDED_IN, str(folder) + os.sep))
    return str(profile)


def python_frames(profile):
    return set((f.name, os.path.basename(f.filename), f.line)
               for frames, _ in profile.samples for f in frames if f.kind == PY)


def test_its_stacks_name_each_helper_by_qualified_name_without_the_recorders_frames(tmp_path):
    found = read_profile(fixture(tmp_path, "helpers12k"))
    assert found.sampler == "profiling.sampling" and found.has_lines
    python = python_frames(found)
    for helper, line in (("scale", 6), ("shift", 9), ("clamp", 12), ("run", 15)):
        assert (helper, "helpers12k.py", line) in python, sorted(python)
    result = analyse(found, top=40)
    # the start-up script, traces.record's child and runpy are the recorder's, not the program's
    listed = " ".join(row["function"] for row in result["top_self"])
    assert "run (" in listed and not any(name in listed for name in (
        sampling_stacks.BOOT_SCRIPT, "record_child", "runpy")), listed
    helpers = [row for row in result["top_self"] if row["function"].split(" (")[0] in (
        "scale", "shift", "clamp")]
    assert len(helpers) == 3 and all(row["self"] > 0.01 for row in helpers), result["top_self"]


def test_the_collector_is_its_own_category_and_init_is_qualified(tmp_path):
    found = read_profile(fixture(tmp_path, "c_and_gc"))
    gc = [f for frames, _ in found.samples for f in frames if f.kind == GC]
    assert gc and all(f.category == ALLOC_GC for f in gc)
    python = python_frames(found)
    assert ("Node.__init__", "c_and_gc.py", 13) in python, sorted(python)
    # the interpreter's shim that runs __init__ after Node() is not a function of the program
    assert not any(name == "__init__" for name, _, _ in python), sorted(python)
    text = render(analyse(found, top=10))
    assert sum(line.startswith("note: profiling.sampling (CPython 3.15's own sampler)")
               for line in text.splitlines()) == 1, text
    assert "recorded by profiling.sampling" in text.splitlines()[0], text


def test_unread_samples_are_said_from_one_percent(tmp_path):
    path = fixture(tmp_path, "c_and_gc")
    recorded = open(path).read()
    assert "# unread samples: 1.69%" in recorded   # what the sampler said, kept by the fixture
    notes = read_profile(path).notes
    assert any("could not read 1.7% of the samples" in note for note in notes), notes
    with open(path, "w") as out:
        out.write(recorded.replace("# unread samples: 1.69%", "# unread samples: 0.40%"))
    assert not any("could not read" in note for note in read_profile(path).notes)


def test_a_cut_short_recording_gives_its_whole_lines(tmp_path):
    data = open(fixture(tmp_path, "helpers12k"), "rb").read()
    cut = tmp_path / "cut.prof"
    cut.write_bytes(data[:len(data) * 2 // 3])
    found = read_profile(str(cut))
    assert found.cut_short and found.sampler == "profiling.sampling"
    whole = data[:len(data) * 2 // 3].rsplit(b"\n", 1)[0].count(b"\n") - 1   # two # lines
    assert 0 < len(found.samples) <= whole


def test_help_lists_it():
    helped = " ".join(run_module("traces.record", "--help").stdout.split())
    assert "profiling.sampling: CPython 3.15's own" in helped, helped


@pytest.mark.skipif(CAN_RECORD, reason="an interpreter without profiling.sampling")
def test_before_cpython_3_15_it_is_one_line_naming_the_default(tmp_path):
    program = tmp_path / "p.py"
    program.write_text("print(1)\n")
    result = run_module("traces.record", "--sampler", "profiling.sampling", "--profile",
                        tmp_path / "p.prof", "--", program)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    said = "PyPy" if IS_PYPY else "profiling.sampling is CPython 3.15's"
    assert said in lines[0], lines
    assert not os.listdir(str(tmp_path)) == [] and not (tmp_path / "p.prof").exists()


def test_native_is_refused_for_it_naming_perf():
    assert "--sampler perf" in samplers.native_problem(samplers.STDLIB)


@pytest.mark.skipif(not CAN_RECORD, reason="profiling.sampling is CPython 3.15's")
def test_it_records_a_program_keeps_its_exit_code_and_leaves_nothing_behind(tmp_path):
    program = tmp_path / "user" / "fails.py"
    program.parent.mkdir()
    program.write_text("def work(n):\n    return sum(i * i for i in range(n))\n\n\n"
                       "print(work(3000000))\nraise SystemExit(3)\n")
    profile = tmp_path / "fails.prof"
    result = run_module("traces.record", "--sampler", "profiling.sampling", "--profile",
                        profile, "--", program)
    assert result.returncode == 3, result.stderr
    assert "error" not in result.stderr, result.stderr
    assert sorted(os.listdir(str(tmp_path))) == ["fails.prof", "fails.prof.meta.json", "user"]
    found = read_profile(str(profile))
    assert found.sampler == "profiling.sampling"
    names = set(f.name for frames, _ in found.samples for f in frames if f.kind == PY)
    assert "work" in names and "work.<locals>.<genexpr>" in names, names
