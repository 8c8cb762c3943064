"""What the tools that tell the truth about native time and the JIT say: perf samples sorted
into kinds of code, the window a program marks, the note for a profile without native frames,
and the JIT state record (ev.pythons.jit_state)."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT
from ev.pythons import jit_state, names, native_share

NUMPY = "/venvs/cpython3.14/lib/python3.14/site-packages/numpy/_core/_multiarray_umath.so"


@pytest.mark.parametrize("dso, kind", [
    (NUMPY, "numpy"),
    ("/x/site-packages/numpy.libs/libscipy_openblas64_-ff651d7f.so", "numpy"),
    ("/usr/lib/x86_64-linux-gnu/libm.so.6", "libc/libm"),
    ("/usr/bin/python3.14", "interpreter"),
    ("/usr/lib/pypy3.11/bin/libpypy3.11-c.so", "interpreter"),
    ("/tmp/perf-1234.map", "Python frames or JIT code (perf map)"),
    ("[kernel.kallsyms]", "kernel"),
    ("[unknown]", "unnamed (JIT code or no map)"),
    ("/x/site-packages/_vmprof.so", native_share.OTHER),
])
def test_a_shared_object_is_sorted_into_its_kind(dso, kind):
    assert native_share.kind_of(dso) == kind


def test_self_is_the_leaf_and_inclusive_anywhere_in_the_stack():
    stacks = [[NUMPY, "/usr/bin/python3.14"], ["/usr/bin/python3.14", NUMPY],
              ["/usr/bin/python3.14"], ["/usr/lib/libm.so.6", NUMPY]]
    table, count = native_share.shares(stacks)
    assert count == 4
    assert table["numpy"] == {"self": 25.0, "inclusive": 75.0}
    assert table["interpreter"] == {"self": 50.0, "inclusive": 75.0}


def test_the_window_a_program_answers_and_the_time_of_a_sample():
    assert native_share.window({"window": [12.5, 14.25]}) == (12.5, 14.25)
    for answer in (None, "EV-WINDOW 12.5 14.25", {"window": [1.0]}, {"window": ["a", "b"]},
                   {"window": [True, 2.0]}, [12.5, 14.25]):
        assert native_share.window(answer) is None
    assert native_share.header_time("python3.14 4242 1069.370415: ") == 1069.370415


@pytest.mark.parametrize("implementation, version, blind", [
    ("cpython", "3.11.7", False), ("cpython", "3.12.0", True), ("cpython", "3.15.2", True),
    ("pypy", "8.0.1", False)])
def test_the_note_for_a_profile_without_native_frames(implementation, version, blind):
    note = native_share.vmprof_note({"implementation": implementation, "version": version})
    assert (note is not None) == blind
    if blind:
        assert "no native frames" in note and "charged to the calling Python line" in note


def test_the_note_decided_from_a_profile_itself():
    about = {"implementation": "cpython", "version": "3.14.10"}
    assert "no native frames" in native_share.profile_note(0, 1200, about)
    assert "cpython 3.14.10" in native_share.profile_note(0, 1200, about)
    assert native_share.profile_note(3, 1200, about) is None
    assert native_share.profile_note(0, 0) is None


def perf_works():
    if not shutil.which("perf"):
        return False
    done = subprocess.run(["perf", "record", "-q", "-o", "/dev/null", "--", "true"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return done.returncode == 0


@pytest.mark.skipif(not perf_works(), reason="perf is missing or not permitted here")
def test_perf_sees_numpy_in_a_run_that_mostly_multiplies_matrices(tmp_path):
    pytest.importorskip("numpy")
    interpreter = names.parse(sys.executable)[0]
    code = ("import numpy, time; from ev.common import result_file\n"
            "a = numpy.ones((300, 300)); t = time.monotonic; print('EV-WINDOW 0 1')\n"
            "s = t(); [a.dot(a) for i in range(60)]; result_file.answer({'window': [s, t()]})")
    result = native_share.measure(interpreter, ["-c", code], frequency=499)
    assert result["exit_status"] == 0 and result["samples"] > 20
    assert result["window"] == "the program's window"    # its answer, not the line it printed
    assert result["kinds"]["numpy"]["self"] > 50


def run_jit_state(*args):
    return subprocess.run([sys.executable, "-m", "ev.pythons.jit_state"] + list(args), cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE, universal_newlines=True)


def test_the_jit_state_is_a_record_and_leaves_stdout_alone(tmp_path):
    """The state goes to the record file it is given, the program's exit status and stdout
    stay its own, and a false state line the program prints is not taken for it."""
    script = tmp_path / "loop.py"
    script.write_text("import sys\nprint(sum(i * 0.5 for i in range(1000)))\n"
                      "print('EV-JIT {\"jit\": \"false\"}', file=sys.stderr)\nsys.exit(3)\n")
    record = tmp_path / "jit.json"
    done = run_jit_state("--record", str(record), str(script))
    assert done.returncode == 3 and done.stdout == "249750.0\n"
    about = jit_state.read_record(str(record))
    assert (about["format"], about["version"]) == ("ev-jit-state", 1)
    if hasattr(sys, "pypy_version_info"):
        assert about["jit"] == "PyPy tracing JIT, on" and about["executors"] is None
    elif not hasattr(sys, "_jit"):
        assert about["jit"].startswith("no JIT in this CPython")
    else:
        assert about["jit"] in ("available", "not built in")
    assert "# JIT: %s\n" % jit_state.summary(about) in done.stderr   # the line for people


def test_a_jit_state_record_that_cannot_be_written_is_one_line_and_a_failure(tmp_path):
    script = tmp_path / "ok.py"
    script.write_text("print('ran')\n")
    done = run_jit_state("--record", str(tmp_path / "missing" / "jit.json"), str(script))
    assert done.returncode == 1 and done.stdout == "ran\n"
    assert "error: cannot write the JIT state record" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_file_that_is_not_a_jit_state_record_is_refused_in_one_line(tmp_path):
    from ev.common.formats import UnknownFormat
    other = tmp_path / "other.json"
    other.write_text('{"format": "ev-jit-state", "version": 2}')
    with pytest.raises(UnknownFormat) as refused:
        jit_state.read_record(str(other))
    assert "version 2" in str(refused.value) and "\n" not in str(refused.value)


def test_the_jit_state_refuses_what_it_cannot_run():
    done = run_jit_state("-c", "1")
    assert done.returncode != 0 and "Traceback" not in done.stderr
    assert "usage: python -m ev.pythons.jit_state" in done.stderr
