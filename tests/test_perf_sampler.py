"""traces.record --sampler perf (CPython 3.13+ under Linux perf, issue 33): perf's stacks read
into the one profile model, and its failures said in one line.

The fixture is perf's own output: tests/fixtures/perf/README.md says how it was made.  The
tests that record for real run where perf can (CPython 3.13+ with perf installed: the Debian
sid root's venvs); elsewhere they skip, and the missing-perf tests run instead."""
import gzip
import os
import shutil
import sys

import pytest

from conftest import ROOT, run_module
from traces import perf_stacks, samplers
from traces.model import NATIVE, PY
from traces.profile import analyse, render
from traces.profile_reader import read_profile

IS_PYPY = hasattr(sys, "pypy_version_info")
FIXTURES = os.path.join(ROOT, "tests", "fixtures", "perf")
SCRIPT = os.path.join(FIXTURES, "helpers12k.cpython3.14.perf-script.txt.gz")
CAN_RECORD = not IS_PYPY and sys.version_info >= (3, 13) and shutil.which("perf")


RECORDED_IN = "/tmp/h33fx/user/"   # where the program was when it was recorded


def converted(tmp_path):
    """The fixture's perf script text as traces.record writes it: collapsed stacks, the
    program (tests/fixtures/field/helpers12k.py) copied to tmp_path/user and its recorded
    path moved there, so that the reader finds its source."""
    folder = tmp_path / "user"
    folder.mkdir()
    shutil.copy(os.path.join(ROOT, "tests", "fixtures", "field", "helpers12k.py"), str(folder))
    profile = tmp_path / "helpers12k.prof"
    with gzip.open(SCRIPT, "rt") as script, open(str(profile), "w") as out:
        lines = (line.replace(RECORDED_IN, str(folder) + os.sep) for line in script)
        pids = set()
        count = perf_stacks.write_collapsed(lines, out, pids)
    return str(profile), count, pids


def test_perfs_stacks_are_read_with_python_and_native_frames_named(tmp_path):
    profile, count, pids = converted(tmp_path)
    assert count > 100 and len(pids) == 1
    found = read_profile(profile)
    assert found.sampler == "perf" and found.native and not found.has_lines
    assert found.samples_taken == count
    frames = [f for frames, _ in found.samples for f in frames]
    python = set((f.name, os.path.basename(f.filename), f.line) for f in frames if f.kind == PY)
    # each one-line helper under its own name, with the line its def is on (from the source)
    for helper, line in (("scale", 6), ("shift", 9), ("clamp", 12), ("run", 15)):
        assert (helper, "helpers12k.py", line) in python, sorted(python)[:20]
    named = set(f.name for f in frames if f.kind == NATIVE and not f.name.startswith("<"))
    assert named, "no native frame named"
    # kernel frames and the interpreter's unnamed C between Python frames are left out
    assert not any(f.library == "[kernel.kallsyms]" for f in frames)
    for frames, _ in found.samples:
        inner = [i for i, f in enumerate(frames) if f.kind == PY]
        if inner:
            assert not any(f.name == "<python3.14>" for f in frames[:inner[-1]]), frames


def test_perfs_profile_names_the_helpers_in_the_report_and_says_what_it_cannot_see(tmp_path):
    profile, _, _ = converted(tmp_path)
    result = analyse(read_profile(profile), top=40)
    names = [row["function"].split(" (")[0] for row in result["top_self"]]
    assert {"scale", "shift", "clamp", "run"} <= set(names), names
    text = render(result)
    assert sum(line.startswith("note: perf samples") for line in text.splitlines()) == 1
    assert "recorded by perf" in text.splitlines()[0]


def test_perfs_cut_short_file_gives_its_whole_lines(tmp_path):
    profile, _, _ = converted(tmp_path)
    data = open(profile, "rb").read()
    cut = tmp_path / "cut.prof"
    cut.write_bytes(data[:len(data) // 2])
    found = read_profile(str(cut))
    assert found.cut_short and found.sampler == "perf"
    assert 0 < found.samples_taken < read_profile(profile).samples_taken


@pytest.mark.skipif(IS_PYPY, reason="PyPy: perf is not offered (vmprof sees its JIT code)")
def test_a_missing_perf_is_one_line_naming_what_to_install(tmp_path):
    program = tmp_path / "loop.py"
    program.write_text("print(sum(range(1000)))\n")
    env = dict(os.environ, TRACES_PERF=str(tmp_path / "no-such-perf"))
    result = run_module("traces.record", "--sampler", "perf", "--profile", tmp_path / "x.prof",
                        "--", program, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert result.stderr.strip().splitlines() == [
        "error: perf is not installed: apt-get install linux-perf (Debian; the linux-tools "
        "package elsewhere) (or the default py-spy)"]
    assert not any(p.name.startswith("x.prof") for p in tmp_path.iterdir())


@pytest.mark.skipif(IS_PYPY or sys.version_info >= (3, 13), reason="an interpreter before 3.13")
def test_perf_before_cpython_3_13_is_one_line(tmp_path):
    """-X perf_jit is 3.13's: an older CPython is told to use the default."""
    program = tmp_path / "loop.py"
    program.write_text("print(sum(range(1000)))\n")
    result = run_module("traces.record", "--sampler", "perf", "--", program,
                        env=dict(os.environ, TRACES_PERF=shutil.which("true")))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "CPython 3.13+" in result.stderr and "py-spy" in result.stderr


def test_perf_refused_by_the_kernel_is_one_line():
    """What perf 7.2 prints when perf_event_paranoid refuses it (its evsel__open_strerror)."""
    said = ("Error:\nNo permission to enable cpu-clock event.\n\nYou may not have permission "
            "to collect stats.\n\nConsider tweaking /proc/sys/kernel/perf_event_paranoid,\n"
            "which controls use of the performance events system by\nunprivileged users "
            "(without CAP_PERFMON or CAP_SYS_ADMIN).\n")
    line = samplers.problem_from("perf", said, 255)
    assert "\n" not in line and "perf_event_paranoid" in line
    assert line.startswith("perf may not sample here (No permission to enable cpu-clock")
    assert samplers.problem_from("perf", "", 2) == "perf failed: no samples written (exit " \
                                                   "status 2)"


def test_help_lists_perf_and_the_default_here():
    helped = " ".join(run_module("traces.record", "--help").stdout.split())
    assert "perf: Linux perf, out of process; CPython 3.13+" in helped, helped
    assert "Default here: %s" % ("vmprof" if IS_PYPY else "py-spy") in helped, helped


@pytest.mark.skipif(not CAN_RECORD, reason="perf records CPython 3.13+, with perf installed")
def test_perf_records_a_program_keeps_its_exit_code_and_leaves_no_jit_files(tmp_path):
    program = tmp_path / "user" / "fails.py"
    program.parent.mkdir()
    pid_file = tmp_path / "pid"
    program.write_text("import os\nopen(%r, 'w').write(str(os.getpid()))\n\n\n"
                       "def work(n):\n    return sum(i * i for i in range(n))\n\n\n"
                       "print(work(3000000))\nraise SystemExit(3)\n" % str(pid_file))
    profile = tmp_path / "fails.prof"
    result = run_module("traces.record", "--sampler", "perf", "--profile", profile, "--",
                        program)
    assert result.returncode == 3, result.stderr
    assert "error" not in result.stderr, result.stderr
    pid = int(pid_file.read_text())
    assert pid and not perf_stacks.jit_files(pid), perf_stacks.jit_files(pid)[:3]
    assert not os.path.exists(str(profile) + ".perf.data")
    found = read_profile(str(profile))
    assert found.sampler == "perf"
    names = [f.name for frames, _ in found.samples for f in frames if f.kind == PY]
    assert "work" in names and "work.<locals>.<genexpr>" in names, set(names)


@pytest.mark.skipif(IS_PYPY or sys.version_info < (3, 14) or not (
    samplers.binary(samplers.AUSTIN) and samplers.austin_version(
        samplers.binary(samplers.AUSTIN)).startswith("3.")), reason="austin 3.x on CPython 3.14+")
def test_austin_3_on_cpython_3_14_is_one_line_naming_the_others(tmp_path):
    """austin 3.7 says 'Cannot launch the given command' under its banner on 3.14 and 3.15."""
    program = tmp_path / "loop.py"
    program.write_text("print(sum(range(1000)))\n")
    result = run_module("traces.record", "--sampler", "austin", "--", program)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "cannot launch CPython 3.1" in result.stderr and "py-spy" in result.stderr


@pytest.mark.skipif(IS_PYPY or sys.version_info < (3, 14), reason="CPython 3.14+")
def test_py_spy_native_on_cpython_3_14_is_refused_in_one_line_naming_perf(tmp_path):
    """py-spy 0.4.3 --native on Debian's 3.14.10 and 3.15.2: every sample's innermost frame
    is one libc address (a loop read "99% libc").  ev records its own runs without it there."""
    program = tmp_path / "loop.py"
    program.write_text("print(sum(range(1000)))\n")
    result = run_module("traces.record", "--native", "--", program)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    assert len(errors) == 1 and "--sampler perf" in errors[0], result.stderr
    from ev.cli import profiling
    assert profiling.NATIVE is False
