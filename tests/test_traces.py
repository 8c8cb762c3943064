"""The trace readers on real logs and profiles, recorded by the real tools during the test run."""
import json
import os
import re
import subprocess
import sys

import pytest

from conftest import run_module
from traces.jitlog import analyse as analyse_jitlog
from traces.jitlog_reader import read_jitlog
from traces.opclasses import classify
from traces.profile import analyse as analyse_profile
from traces.profile_reader import read_profile

IS_PYPY = hasattr(sys, "pypy_version_info")


def pypy_python():
    if IS_PYPY:
        return sys.executable
    path = os.environ.get("EV_PYPY_PY")
    return path if path and os.path.exists(path) else None


needs_pypy = pytest.mark.skipif(pypy_python() is None,
                                reason="needs PyPy (EV_PYPY_PY, set by run_tests.sh)")


def record_both_creatures(folder, option, population, python=sys.executable, more=()):
    """{variant: path} of a short evolution with each creature, recorded by ev.cli.evolve itself
    with ``option`` (--jit-log or --profile) and ``more`` options."""
    paths = {}
    for variant in ("numpy", "specialized"):
        path = folder / variant
        result = run_module("ev.main", "-n", population, "-g", 3, "--seed", 3,
                            "--creature", variant, option, path, *more, python=python)
        assert result.returncode == 0, result.stderr
        paths[variant] = str(path)
    return paths


@pytest.fixture(scope="module")
def jit_logs(tmp_path_factory):
    """JIT logs written by PyPy itself."""
    return record_both_creatures(tmp_path_factory.mktemp("jitlogs"), "--jit-log", 12,
                                 python=pypy_python())


def lines_of(result, suffix):
    return [row for row in result["loop"]["lines"] if (row["file"] or "").endswith(suffix)]


@needs_pypy
def test_numpy_creature_trace_allocates_and_goes_through_cpyext(jit_logs):
    result = analyse_jitlog(jit_logs["numpy"])
    assert result["loop"]["name"].startswith("fly;")
    run_step = lines_of(result, os.path.join("ev", "model", "creature.py"))
    dot_line = [r for r in run_step if ".dot(" in r["source"]]
    assert dot_line, "np.dot's line should be in the hot loop"
    assert dot_line[0]["counts"]["alloc"] > 0
    assert dot_line[0]["counts"]["cpyext"] > 0
    assert sum(r["counts"]["cpyext"] for r in run_step) > 20


@needs_pypy
def test_specialized_creature_trace_is_plain_float_arithmetic(jit_logs):
    result = analyse_jitlog(jit_logs["specialized"])
    assert result["loop"]["name"].startswith("fly;")
    run_step = lines_of(result, os.path.join("specialized", "creature.py"))
    assert run_step
    for row in run_step:
        assert row["counts"]["alloc"] == row["counts"]["call"] == row["counts"]["cpyext"] == 0
    assert sum(r["counts"]["float"] for r in run_step) >= 8   # 6 multiplies + adds, at least
    assert result["loop"]["body_counts"]["alloc"] == 0
    assert result["loop"]["body_counts"]["cpyext"] == 0


@needs_pypy
def test_listing_has_iterations_from_backend_counts(jit_logs, run):
    log = read_jitlog(jit_logs["specialized"])
    hottest = log.hottest(("loop",))[0]
    assert hottest.iterations and hottest.iterations > 1000
    assert any(t.kind == "bridge" and t.iterations is not None for t in log.traces)
    assert log.summary.get("Total # of loops", 0) >= 1
    cli = run("traces.jitlog", jit_logs["specialized"], "--json")
    assert cli.returncode == 0, cli.stderr
    data = json.loads(cli.stdout)
    # ranked by operations executed, a loop's with its bridges' (issue 34)
    work = [t["work_with_bridges"] for t in data["traces"]]
    assert work == sorted(work, reverse=True) and work[0] > 0
    assert {"name", "kind", "ops", "iterations", "work"} <= set(data["traces"][0])


@needs_pypy
def test_bridges_are_named_by_their_loop_and_guard_with_runs_per_iteration(jit_logs, run):
    data = json.loads(run("traces.jitlog", jit_logs["specialized"], "--json").stdout)
    bridges = [t for t in data["traces"] if t["kind"] == "bridge" and t["iterations"]]
    assert bridges
    named = [t for t in bridges if t["name"].startswith("bridge from loop ")]
    assert len(named) >= len(bridges) - 1
    hot = max(named, key=lambda t: t["iterations"])
    assert re.search(r"at (ev|specialized)/[\w/]+\.py:\d+ guard_\w+$", hot["name"]), hot["name"]
    assert 0 < hot["per_loop_iteration"] < 5
    text = run("traces.jitlog", jit_logs["specialized"]).stdout
    assert "per iter" in text and "body:" in text


@needs_pypy
def test_a_profiled_jit_log_holds_no_loops_of_vmprofs_reader(tmp_path):
    log, profile = tmp_path / "both.jitlog", tmp_path / "both.prof"
    result = run_module("ev.main", "-n", 12, "-g", 2, "--seed", 3, "--jit-log", log,
                        "--profile", profile, python=pypy_python())
    assert result.returncode == 0, result.stderr
    names = [t.name for t in read_jitlog(str(log)).traces]
    assert names and not any("vmprof" in name for name in names)


@needs_pypy
@pytest.mark.parametrize("damage", ["empty", "truncated", "text", "missing", "binary"])
def test_bad_jit_logs_get_a_one_line_error(jit_logs, tmp_path, run, damage):
    bad = tmp_path / "bad.log"
    real = open(jit_logs["specialized"]).read()
    if damage == "empty":
        bad.write_text("")
    elif damage == "truncated":
        bad.write_text(real[:len(real) // 2])
    elif damage == "text":
        bad.write_text("just some\ntext that is not a log\n")
    elif damage == "binary":
        bad.write_bytes(b"\0\1\2" * 100)
    result = run("traces.jitlog", bad)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and str(bad) in result.stderr


@needs_pypy
def test_bridge_load_counts_the_bridge_runs_of_a_branch_taken_every_other_time(tmp_path, run):
    program = tmp_path / "alternate.py"
    program.write_text(
        "def alternate(n):\n"
        "    total = 0.0\n"
        "    for i in range(n):\n"
        "        if i % 2:\n"
        "            total += 1.5\n"
        "        else:\n"
        "            total *= 0.5\n"
        "    return total\n"
        "alternate(200000)\n")
    log = tmp_path / "alternate.jitlog"
    env = dict(os.environ, PYPYLOG="jit-log-opt,jit-backend-counts:%s" % log)
    done = subprocess.run([pypy_python(), str(program)], env=env)
    assert done.returncode == 0
    load = analyse_jitlog(str(log), "alternate")["loop"]["bridge_load"]
    # The loop is compiled for one side of the branch; the other leaves it every other time.
    assert load["runs_per_iteration"] == pytest.approx(0.5, abs=0.01)
    assert 0 < load["ops_per_iteration"] < 0.5 * 100
    text = run("traces.jitlog", str(log), "--loop", "alternate").stdout
    assert "runs and" in text and "body + bridges" in text


def test_unknown_ops_still_parse_and_count_as_other(tmp_path):
    log = tmp_path / "tiny.log"
    log.write_text(
        "[1a] {jit-log-opt-loop\n"
        "# Loop 1 (f;/x.py:1-2~#0 FOR_ITER) : loop with 4 ops\n"
        "[i0, f1]\n"
        "debug_merge_point(0, 0, 'f;/x.py:1-2~#0 FOR_ITER')\n"
        "+10: label(i0, f1, descr=TargetToken(7))\n"
        "+20: f2 = float_add(f1, 1.500000)\n"
        "+30: i3 = frobnicate_gc(i0)\n"
        "+40: jump(i0, f2, descr=TargetToken(7))\n"
        "[1b] jit-log-opt-loop}\n"
        "[1c] {jit-backend-counts\nTargetToken(7):42\n[1d] jit-backend-counts}\n")
    result = analyse_jitlog(str(log))
    assert result["loop"]["iterations"] == 42
    assert result["loop"]["body_counts"]["float"] == 1
    assert result["loop"]["body_counts"]["other"] == 1


def test_op_classes():
    assert classify("float_mul") == "float"
    assert classify("int_add") == "int"
    assert classify("guard_true") == "guard"
    assert classify("new_with_vtable") == "alloc"
    assert classify("call_malloc_nursery") == "alloc"
    assert classify("call_i", "ConstClass(_ll_0_raw_malloc_varsize), i1") == "alloc"
    assert classify("call_may_force_i", "ConstClass(cpy_call_external__funcPtr_x)") == "cpyext"
    assert classify("getfield_raw_i", "p1, descr=<FieldS _object.c_ob_refcnt 0>") == "cpyext"
    assert classify("call_assembler_r") == "jit_call"
    assert classify("call_r", "ConstClass(ll_str)") == "call"
    assert classify("getfield_gc_f") == "read" and classify("setfield_gc") == "write"
    assert classify("debug_merge_point") is None


@pytest.fixture(scope="module")
def profiles(tmp_path_factory):
    """Profiles recorded on the interpreter under test by its default sampler (py-spy on
    CPython, vmprof on PyPy)."""
    return record_both_creatures(tmp_path_factory.mktemp("profiles"), "--profile", 40)


@pytest.fixture(scope="module")
def vmprof_profiles(tmp_path_factory, profiles):
    """vmprof profiles recorded on the interpreter under test (--sampler vmprof: what it
    alone writes, its binary format and, on CPython, its eval-entry frames)."""
    if IS_PYPY:
        return profiles
    return record_both_creatures(tmp_path_factory.mktemp("vmprof"), "--profile", 40,
                                 more=("--sampler", "vmprof"))


def category(result, name):
    return next(c for c in result["categories"] if c["category"] == name)


def test_profile_of_numpy_creature_spends_time_in_numpy(profiles):
    result = analyse_profile(read_profile(profiles["numpy"]))
    assert result["samples"] > 50
    assert category(result, "project code")["total"] > 0.9
    numpy_native = category(result, "numpy / BLAS (native)")["total"]
    if IS_PYPY:
        # JIT code calls numpy through cpyext; libpypy's code beneath numpy is cpyext's
        # (traces.runtime_names), and more of the run than "PyPy runtime, unnamed" is.
        cpyext = category(result, "C-API / cpyext")["self"]
        assert numpy_native + cpyext > 0.3
        assert cpyext > category(result, "PyPy runtime, unnamed")["self"]
    else:
        assert numpy_native > 0.15
    files = dict((f["file"], f["total"]) for f in result["project_files"])
    assert files[os.path.join("ev", "model", "creature.py")] > 0.2


def test_under_a_function_keeps_only_its_samples_from_it_inwards(profiles, run):
    whole = read_profile(profiles["numpy"])
    result = run("traces.profile", profiles["numpy"], "--under", "run_step", "--json")
    assert result.returncode == 0, result.stderr
    under = json.loads(result.stdout)
    with_run_step = sum(w for frames, w in whole.samples   # qualified: Creature.run_step
                        if any(f.kind == "py" and f.name.split(".")[-1] == "run_step"
                               for f in frames))
    assert under["share_of_run"] == pytest.approx(with_run_step / whole.total_weight)
    assert 0.05 < under["share_of_run"] < 1.0
    # On PyPy a JIT trace that inlined run_step may still show its frame while the physics
    # of the same trace runs: a few samples land in ev/model/quadcopter.py.
    creature, share = under["project_files"][0]["file"], under["project_files"][0]["total"]
    assert creature == os.path.join("ev", "model", "creature.py") and share > 0.9
    assert under["top_total"][0]["function"].split(" (")[0].split(".")[-1] == "run_step"
    assert "evaluate" not in " ".join(f["function"] for f in under["top_total"])


def test_under_a_function_that_never_ran_is_one_line(profiles, run):
    result = run("traces.profile", profiles["numpy"], "--under", "no_such_function")
    assert result.returncode == 1
    assert result.stderr.strip().splitlines() == [
        "error: %s: no sample has a Python frame named no_such_function" % profiles["numpy"]]


def test_profile_of_specialized_creature_has_no_numpy(profiles):
    result = analyse_profile(read_profile(profiles["specialized"]))
    assert category(result, "numpy / BLAS (native)")["total"] < 0.02
    assert category(result, "project code")["total"] > 0.9
    if IS_PYPY:
        # Short runs are mostly warm-up (interpreter, tracer); some samples must already be
        # in machine code the JIT generated, recognised through the saved memory map.
        assert category(result, "JIT-compiled code")["total"] > 0.0


def test_cpython_profile_charges_the_eval_loop_to_the_python_function(vmprof_profiles):
    """vmprof 0.6 on CPython 3.11 ends bytecode samples in the C call that entered the eval
    loop (_PyObject_Call > _PyEval_Vector); those are the function's own time."""
    if IS_PYPY:
        pytest.skip("a CPython profile")
    from traces.profile_reader import read_raw_profile
    raw = analyse_profile(read_raw_profile(vmprof_profiles["specialized"]))
    result = analyse_profile(read_profile(vmprof_profiles["specialized"]))
    raw_top = dict((r["function"], r["self"]) for r in raw["top_self"])
    if raw_top.get("_PyEval_Vector", 0) < 0.1:
        pytest.skip("this vmprof/CPython records no eval-entry frames")
    assert result["eval_entry_folded"] > 0.1
    capi = category(result, "C-API / cpyext")["total"] + category(result, "call machinery")[
        "total"]
    assert capi <= 0.15
    for row in result["top_self"]:
        if row["self"] > 0.10:
            assert row["function"].split(" (")[0] not in ("_PyEval_Vector", "_PyObject_Call")
    assert category(result, "project code")["self"] > 0.5


def test_eval_entry_folding_keeps_real_native_frames():
    from traces.eval_frames import fold_eval_entry_frames
    from traces.samples import NATIVE, PY, Frame, Profile
    rates = Frame(PY, "rates", "/x/quadcopter.py", 115)
    entry = [Frame(NATIVE, "_PyObject_Call"), Frame(NATIVE, "_PyEval_Vector")]
    alloc = [Frame(NATIVE, "PyFloat_FromDouble")]
    profile = Profile("p", "cpython", [([rates] + entry, 3.0), ([rates] + alloc, 1.0),
                                       (entry, 1.0)], 1.0, False)
    folded = fold_eval_entry_frames(profile)
    assert [[f.name for f in frames] for frames, _ in folded.samples] == [
        ["rates"], ["rates", "PyFloat_FromDouble"], ["_PyObject_Call", "_PyEval_Vector"]]
    assert folded.folded_weight == 3.0
    assert fold_eval_entry_frames(Profile("p", "pypy", profile.samples, 1.0, False)) \
        .samples[0][0][-1].name == "_PyEval_Vector"


def test_profile_exports(profiles, tmp_path, run):
    speedscope, flame = tmp_path / "p.speedscope.json", tmp_path / "flame.png"
    result = run("traces.profile", profiles["numpy"], "--speedscope", speedscope,
                 "--flame", flame, "--json")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["samples"] > 50
    document = json.loads(speedscope.read_text())
    frames = document["shared"]["frames"]
    samples = document["profiles"][0]["samples"]
    assert len(samples) == len(document["profiles"][0]["weights"]) > 50
    assert all(0 <= i < len(frames) for sample in samples for i in sample)
    assert any(f["name"].split(".")[-1] == "run_step" for f in frames)
    assert flame.read_bytes()[:4] == b"\x89PNG"
    profile = document["profiles"][0]
    recorded = read_profile(profiles["numpy"]).runtime_seconds
    assert profile["unit"] == "milliseconds"
    assert profile["endValue"] == pytest.approx(1000 * recorded, rel=0.01)
    files = [f["file"] for f in frames]
    assert "ev/model/creature.py [project code]" in files
    assert any(f.endswith("[numpy / BLAS (native)]") for f in files)
    outermost = [frames[sample[0]]["file"] for sample in samples if sample]
    assert not any("runpy" in f or "click" in f for f in outermost)  # the launcher is dropped


def test_flame_labels_fit_their_boxes_with_an_ellipsis():
    from traces.export import fitted
    label = "rates (ev/model/quadcopter.py:115)"
    assert fitted(label, 1000) == label
    cut = fitted(label, 60)
    assert cut.endswith("\u2026") and len(cut) == int(60 / 5.6)
    assert fitted(label, 10) is None and fitted(label, 17) == "ra\u2026"


def test_repeated_unnamed_frames_merge_into_one():
    from traces.processors import merged_unnamed
    from traces.samples import NATIVE, PY, Frame
    pypy = Frame(NATIVE, "<libpypy3.9-c.so>", library="libpypy3.9-c.so")
    named = Frame(NATIVE, "PyPyTuple_New", library="libpypy3.9-c.so")
    fly = Frame(PY, "fly", "/x/ev/model/fitness.py", 35)
    merged = merged_unnamed([fly, pypy, pypy, pypy, named, pypy, pypy])
    assert [f.name for f in merged] == ["fly", "<libpypy3.9-c.so>", "PyPyTuple_New",
                                        "<libpypy3.9-c.so>"]


@pytest.mark.parametrize("symbol, library, expected", [
    ("object_vacall", "libpython3.11.so.1.0", "call machinery"),
    ("_PyObject_Call", "libpython3.11.so.1.0", "call machinery"),
    ("PyType_GenericAlloc", "libpython3.11.so.1.0", "allocation & GC"),
    ("PyFloat_FromDouble", "libpython3.11.so.1.0", "allocation & GC"),
    ("_PyEval_EvalFrameDefault", "libpython3.11.so.1.0", "interpreter"),
    ("PyNumber_Add", "libpython3.11.so.1.0", "arithmetic on boxed numbers"),
    ("PyPyFloat_FromDouble", "libpypy3.9-c.so", "C-API / cpyext"),
    ("<libpypy3.9-c.so>", "libpypy3.9-c.so", "PyPy runtime, unnamed"),
])
def test_native_categories(symbol, library, expected):
    from traces.categories import categorize_native
    assert categorize_native(symbol, library) == expected


def test_categories_are_named_for_the_interpreter():
    from traces.categories import CAPI, title
    assert title(CAPI, "cpython").startswith("other CPython C functions")
    assert title(CAPI, "pypy").startswith("cpyext")


@pytest.mark.parametrize("damage", ["empty", "header", "text", "missing"])
def test_bad_profiles_get_a_one_line_error(profiles, tmp_path, run, damage):
    bad = tmp_path / "bad.prof"
    real = open(profiles["specialized"], "rb").read()
    if damage == "empty":
        bad.write_bytes(b"")
    elif damage == "header":   # cut before its first sample
        bad.write_bytes(real[:30])
    elif damage == "text":
        bad.write_text("not a profile\n")
    result = run("traces.profile", bad)
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1 and str(bad) in result.stderr


def test_jit_log_on_cpython_is_a_usage_error(run, tmp_path):
    if IS_PYPY:
        pytest.skip("CPython only")
    result = run("ev.main", "-g", 1, "--jit-log", tmp_path / "x.log")
    assert result.returncode == 2 and "no JIT" in result.stderr


def record_jit_log(folder, categories):
    """A JIT log of a short specialized evolution, written by PyPy with PYPYLOG=categories."""
    python = pypy_python()
    if python is None:
        pytest.skip("needs PyPy (EV_PYPY_PY, set by run_tests.sh)")
    log = folder / "only.jitlog"
    env = dict(os.environ, PYPYLOG="%s:%s" % (categories, log))
    result = run_module("ev.main", "-n", 12, "-g", 3, "--seed", 3, python=python, env=env)
    assert result.returncode == 0, result.stderr
    return log


def first_sample_end(real, scratch):
    """The length of the shortest prefix of the profile ``real`` that holds a whole sample
    (to 1/200 of the file), found by writing prefixes to ``scratch``."""
    from traces.vmprof_file import read_state
    low, high = 0, len(real)
    while high - low > len(real) // 200:
        middle = (low + high) // 2
        scratch.write_bytes(real[:middle])
        try:
            found = bool(read_state(str(scratch))[1].profiles)
        except Exception:   # too short to read at all
            found = False
        low, high = (low, middle) if found else (middle, high)
    return high


@pytest.mark.parametrize("keep", [0.3, 0.95, 0.98, 0.999, "trailer"])
def test_cut_profiles_are_read_and_said_to_be_cut(vmprof_profiles, tmp_path, run, keep):
    """Issue 33 item 5: every whole sample of a cut recording is read, and one line says it
    was cut short; it never passes for whole (vmprof's format; py-spy's and austin's:
    tests/test_traces_field.py)."""
    profiles = vmprof_profiles
    real = open(profiles["numpy"], "rb").read()
    bad = tmp_path / "cut.prof"
    start = first_sample_end(real, bad)   # PyPy writes many code records before its samples
    cut = real[:-3] if keep == "trailer" else real[:start + int((len(real) - start) * keep)]
    bad.write_bytes(cut)
    result = run("traces.profile", bad, "--json")
    assert result.returncode == 0 and "Traceback" not in result.stderr, result.stderr
    found, whole = json.loads(result.stdout), analyse_profile(read_profile(profiles["numpy"]))
    assert found["cut_short"] and not whole["cut_short"]
    assert found["samples"] > 0
    if keep == 0.3:
        assert found["samples"] < whole["samples"]
    if keep == "trailer":
        assert found["samples"] == whole["samples"]
    text = run("traces.profile", bad).stdout
    assert sum("cut short" in line for line in text.splitlines()) == 1
    # vmprof writes CPython's function names when it stops: a cut file's may be missing
    assert ("names below cannot be trusted" in text) == (not IS_PYPY)


def test_summary_keeps_the_good_recordings_beside_a_bad_one(profiles, tmp_path, run):
    import shutil
    shutil.copy(profiles["numpy"], str(tmp_path / "good.prof"))
    real = open(profiles["numpy"], "rb").read()
    (tmp_path / "bad.prof").write_bytes(real[:int(len(real) * 0.97)])
    result = run("ev.cli.trace_summary", tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    rows = dict((r["cell"], r) for r in json.loads(result.stdout)["rows"])
    assert rows["good"]["samples"] > 0 and not rows["good"]["problems"]
    assert rows["bad"]["problems"]


@pytest.mark.parametrize("option, target", [("--speedscope", "/dev/full"),
                                            ("--flame", "/dev/full"),
                                            ("--speedscope", "/proc/x.json")])
def test_exports_that_cannot_be_written_are_one_line(profiles, run, option, target):
    result = run("traces.profile", profiles["specialized"], option, target)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "cannot write %s" % target in result.stderr


def test_piping_into_head_is_not_an_error(profiles, tmp_path):
    flame = tmp_path / "f.png"
    command = "%s -m traces.profile %s --flame %s | head -1" % (
        sys.executable, profiles["specialized"], flame)
    result = subprocess.run(["bash", "-o", "pipefail", "-c", command], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)
    assert "Broken pipe" not in result.stderr and "Traceback" not in result.stderr
    assert flame.read_bytes()[:4] == b"\x89PNG"


def test_a_cpython_profile_read_on_pypy_says_where_to_read_it(tmp_path):
    cpython = sys.executable if not IS_PYPY else os.environ.get("EV_CPYTHON_PY")
    pypy = pypy_python()
    if not cpython or not pypy:
        pytest.skip("needs both interpreters (set by run_tests.sh)")
    profile = tmp_path / "c.prof"
    recorded = run_module("ev.main", "-n", 12, "-g", 2, "--profile", profile, "--sampler",
                          "vmprof", python=cpython)
    assert recorded.returncode == 0, recorded.stderr
    result = run_module("traces.profile", profile, python=pypy)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert "CPython venv" in result.stderr
    assert run_module("traces.profile", profile, python=cpython).returncode == 0
    # CPython's default, py-spy, writes text: any interpreter reads it
    recorded = run_module("ev.main", "-n", 12, "-g", 2, "--profile", profile, python=cpython)
    assert recorded.returncode == 0, recorded.stderr
    result = run_module("traces.profile", profile, python=pypy)
    assert result.returncode == 0 and "recorded by py-spy" in result.stdout, result.stderr


def test_summary_gives_the_recording_cost_of_each_cell(tmp_path):
    """As run_all.sh --profile leaves a cell: a timed run's records, a recorded run's log."""
    cell = tmp_path / "cpython-specialized"
    timed = run_module("ev.main", "-n", 60, "-g", 4, "--seed", 3, "--results",
                       str(cell) + ".jsonl")
    recorded = run_module("ev.main", "-n", 60, "-g", 4, "--seed", 3, "--profile",
                          str(cell) + ".prof")
    assert timed.returncode == 0 and recorded.returncode == 0, recorded.stderr
    (tmp_path / "cpython-specialized.recorded.log").write_text(recorded.stdout +
                                                               recorded.stderr)
    result = run_module("ev.cli.trace_summary", tmp_path, "--json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)["rows"]
    assert row["timed_median"] > 0 and row["recorded_median"] > 0
    assert row["recording_overhead"] == pytest.approx(
        row["recorded_median"] / row["timed_median"])
    assert "recording cost" in run_module("ev.cli.trace_summary", tmp_path).stdout


def test_pypys_own_loops_are_named_for_people():
    """PyPy's log names a built-in's loop '(unpack_into: no get_printable_location)'."""
    from traces.trace_names import readable
    assert readable("(unpack_into: no get_printable_location)") == (
        "PyPy's own unpack_into loop (a built-in's, no Python source)")
    assert readable("fly;ev/model/fitness.py:35-45") == "fly;ev/model/fitness.py:35-45"


def test_pypys_builtin_loops_lose_their_addresses_and_long_state():
    from traces.trace_names import readable
    assert readable("update_set: mappingproxy <AsciiSetStrategy object at 0x7f2240953a60>") \
        == "update_set: mappingproxy <AsciiSetStrategy>"
    long_state = "re RegularSearch at 5 [%s]" % ", ".join(str(n) for n in range(40))
    assert readable(long_state).endswith(" ...]") and len(readable(long_state)) < 80
