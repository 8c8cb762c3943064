"""PyPy's samples in JIT code, mapped through the JIT log (issue 34): programs recorded for real
by traces.record on PyPy (profile and JIT log with code addresses), read on this interpreter."""
import collections
import os
import shutil
import subprocess

import pytest

from conftest import ROOT, run_module
from test_traces import needs_pypy, pypy_python
from traces.jitlog_reader import read_jitlog
from traces.jit_attribution import JitMap, TRAMPOLINE
from traces.trace_names import trace_label
from traces.own_time import OUTSIDE, own_time, render_attribution
from traces.processors import under_function
from traces.profile_reader import read_profile
from traces.project import Project
from traces.trace_counts import body_operations, operations, work, work_with_bridges

# The known-split program (traces/known_split_program.py), its "untimed" part: two sibling
# loops called from a loop of its own, each calling a helper the JIT inlines; that loop's trace
# enters light's and heavy's loops by call_assembler, and the heavy loop's exit bridge returns
# into it -- the shape whose stale return addresses put heavy above light.  Run as rounds.py.
PROGRAM = os.path.join(ROOT, "traces", "known_split_program.py")


def rounds_program(folder):
    program = folder / "rounds.py"
    shutil.copy(PROGRAM, str(program))
    return program


def line_of(name, body=False):
    """The line of ``def name`` in the program (or of its body's first line)."""
    with open(PROGRAM) as source:
        found = next(number for number, line in enumerate(source, 1)
                     if line.startswith("def %s(" % name))
    return found + 1 if body else found


@pytest.fixture(scope="module")
def rounds(tmp_path_factory):
    """(profile, JIT log, program) of the rounds program, recorded by traces.record on PyPy."""
    if pypy_python() is None:
        pytest.skip("needs PyPy (EV_PYPY_PY, set by run_tests.sh)")
    folder = tmp_path_factory.mktemp("rounds")
    program = rounds_program(folder)
    prof, log = folder / "rounds.prof", folder / "rounds.jitlog"
    # ~1 s: at 8000 x 2000 (~0.3 s, 220 samples) warm-up took 25% of the samples on a loaded
    # machine, and the share in JIT code this module checks fell to 75%
    done = run_module("traces.record", "--profile", prof, "--jit-log", log, "--", program,
                      "untimed", "8000", "6000", python=pypy_python())
    assert done.returncode == 0, done.stderr
    return str(prof), str(log), str(program)


def python_names(frames):
    return [f.name for f in frames if f.kind == "py"]


@needs_pypy
def test_the_log_locates_every_trace_and_every_jit_sample(rounds):
    prof, log_path, _ = rounds
    log = read_jitlog(log_path)
    assert log.has_addresses
    user = [t for t in log.traces if "rounds.py" in t.name]
    assert user and all(t.code is not None and t.code.block < t.code.start < t.code.end
                        for t in user)
    # the '+N:' offsets count from the block vmprof records: every op lies inside the code
    for trace in user:
        offsets = [op.offset for op in trace.ops if op.offset is not None]
        assert offsets and trace.code.block + max(offsets) <= trace.code.end
    profile = read_profile(prof)
    counts = profile.jit.to_json()["counts"]
    assert counts["in_jit"]["samples"] > 0.8 * counts["samples"]["samples"]
    assert counts["unmapped"]["samples"] == 0
    names = set(f.name for frames, _ in profile.samples for f in frames if f.kind == "jit")
    assert names and all(n.startswith(("loop ", "bridge ", "entry bridge ")) or n == TRAMPOLINE
                         for n in names), names
    assert any(n.startswith("loop ") and " light (rounds.py:" in n for n in names)


@needs_pypy
def test_no_sample_has_a_sibling_above_the_other_and_siblings_stay_within_the_whole(rounds):
    prof, _, _ = rounds
    profile = read_profile(prof)
    both = [names for names in (python_names(frames) for frames, _ in profile.samples)
            if "light" in names and "heavy" in names]
    assert both == []
    under = [f for f in (under_function(frames, "untimed") for frames, _ in profile.samples) if f]
    share = collections.Counter()
    for frames in under:
        for name in set(python_names(frames)):
            share[name] += 1.0 / len(under)
    assert share["light"] + share["heavy"] <= 1.0 + 1e-9
    assert share["light"] > 0.1 and share["heavy"] > 0.1
    # a helper's total never exceeds what its callers spend
    assert share["mix"] <= share["light"] + share["heavy"] + 1e-9
    assert share["scale"] <= share["light"] + 1e-9


@needs_pypy
def test_own_time_ranks_the_programs_functions_with_their_jit_code(rounds):
    prof, _, program = rounds
    profile = read_profile(prof, project=Project([os.path.dirname(program)]))
    rows = own_time(profile)
    functions = [r["function"].split(" (")[0] for r in rows if r["function"] != OUTSIDE]
    assert set(functions[:3]) <= {"mix", "heavy", "light", "scale"}
    assert abs(sum(r["own"] for r in rows) - 1.0) < 1e-6      # every sample owned once
    top = rows[0]
    assert top["parts"].get("JIT code", 0) > 0.5 * top["own"]
    assert top["traces"] and top["traces"][0]["trace"].startswith(("loop", "bridge"))


@needs_pypy
def test_traces_rank_by_operations_executed_with_their_bridges(rounds):
    _, log_path, _ = rounds
    log = read_jitlog(log_path)
    bridges = [t for t in log.traces if t.kind == "bridge"]
    ranked = log.hottest(("loop", "entry bridge", "bridge"))
    keys = [work_with_bridges(t, bridges) for t in ranked]
    assert keys == sorted(keys, reverse=True) and keys[0] > 0
    heavy = next(t for t in log.traces if t.kind == "loop" and t.name.startswith("heavy;"))
    assert work(heavy) == heavy.iterations * body_operations(heavy)
    for bridge in bridges:
        assert work(bridge) == (bridge.iterations or 0) * operations(bridge)
        # every bridge of the program's own loops names its guard's source line
        if "rounds.py" in bridge.root.name:
            assert "rounds.py:" in trace_label(bridge), trace_label(bridge)


@needs_pypy
def test_a_stale_bridge_between_two_jit_frames_is_dropped(rounds):
    """A bridge that makes no call cannot be on the stack above another JIT frame: when the
    unwinder reads one (a return address left from a call that has returned), the sample keeps
    the frames the log says could have called the inner one."""
    prof, log_path, _ = rounds
    from traces.jit_attribution import StackCorrector, split_segments
    from traces.vmprof_file import read_state
    from vmprof.reader import AssemblerCode, JittedCode
    state, _ = read_state(prof)
    log = read_jitlog(log_path)
    corrector = StackCorrector(JitMap(log), state.registrations)
    main = next(t for t in log.traces if t.kind == "loop" and t.name.startswith("untimed;"))
    light = next(t for t in log.traces if t.kind == "loop" and t.name.startswith("light;"))
    exit_bridge = next(t for t in log.traces if t.kind == "bridge"
                       and t.root.name.startswith("heavy;")
                       and not any(op.name.startswith("call") for op in t.ops))
    ids = corrector.ids
    key = dict((k[0], v) for k, v in ids.items() if k[1] and k[1].endswith("rounds.py"))
    stack = [JittedCode(key["untimed"]), JittedCode(key["light"]), AssemblerCode(main.code.block),
             JittedCode(key["heavy"]), AssemblerCode(exit_bridge.code.block),
             JittedCode(key["light"]), AssemblerCode(light.code.block)]
    corrected = corrector.correct(stack)
    blocks = [int(a) for a in corrected if isinstance(a, AssemblerCode)]
    assert blocks == [main.code.block, light.code.block]
    assert int(key["heavy"]) not in [int(a) for a in corrected]
    assert corrector.counts.samples["changed"] == 1
    assert [k for k, _ in split_segments(corrected)] == ["jit", "jit"]


PERF = shutil.which("perf")


def perf_works():
    if PERF is None:
        return False
    done = subprocess.run([PERF, "stat", "-e", "cpu-clock", "--", "true"],
                          stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return done.returncode == 0


@needs_pypy
@pytest.mark.skipif(not perf_works(), reason="needs perf with the cpu-clock event")
def test_perf_places_jit_time_on_source_lines(tmp_path):
    program = rounds_program(tmp_path)
    stem = tmp_path / "rounds"
    done = subprocess.run([pypy_python(), "-m", "traces.jit_perf", "--out", str(stem), "--json",
                           "--", str(program), "untimed", "2000", "20000"], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=300)
    assert done.returncode == 0, done.stderr
    import json
    result = json.loads(done.stdout)
    assert result["jit"] > 0.5 * result["samples"]
    assert result["unlocated"] <= 0.05 * result["jit"]
    mix = next(v for k, v in result["functions"].items() if k.startswith("mix ("))
    # mix is one line: every sample in it that has a line has that line of the program
    lines = set(int(line) for line in mix["lines"] if line not in (None, "null"))
    assert lines == {line_of("mix", body=True)}
    assert not os.path.exists(str(stem) + ".perf.data")   # perf.data turned into text
    page = tmp_path / "page.html"
    done = run_module("traces.jitlog", str(stem) + ".jitlog", "--html", page,
                      "--perf", str(stem) + ".perf")
    assert done.returncode == 0, done.stderr
    text = page.read_text()
    assert "class='b time'" in text and "rounds.py:%d)</h3>" % line_of("mix") in text


def test_uncertain_samples_are_said_to_move_the_shares_when_they_matter():
    from traces.own_time import uncertainty
    counts = {"samples": {"samples": 4933}, "uncertain": {"samples": 2130}}
    (line,) = uncertainty(counts)
    assert line.startswith("43% of the samples are uncertain") and "up to 43 points" in line
    assert uncertainty({"samples": {"samples": 100}, "uncertain": {"samples": 4}}) == []


@needs_pypy
def test_a_traces_operations_are_split_by_the_function_they_came_from(rounds):
    """light's loop inlines scale and mix: its operations are theirs in part, shares that
    sum to one, read from the log's merge points."""
    from traces.trace_counts import operations_by_function
    _, log_path, _ = rounds
    light = next(t for t in read_jitlog(log_path).traces
                 if t.kind == "loop" and t.name.startswith("light;"))
    mix = operations_by_function(light)
    assert abs(sum(mix.values()) - 1.0) < 1e-9
    assert {"light", "scale", "mix"} <= set(mix), mix


def test_a_trace_mostly_of_another_functions_code_is_said_so():
    from traces.own_time import mostly_other
    mix = {"__iter__": 0.6, "bench_generators": 0.4}
    assert mostly_other("bench_generators (run_benchmark.py:36)", mix) == {
        "operations": [("__iter__", 0.6), ("bench_generators", 0.4)]}
    assert mostly_other("Tree.__iter__ (run_benchmark.py:21)", mix) == {}
    assert mostly_other("f (x.py:1)", {"f": 0.5, "g": 0.5}) == {}


@needs_pypy
def test_a_function_owns_the_library_code_it_calls(tmp_path):
    """PyPy's sorted() is Python code of its standard library: a program's function that
    sorts owns that time (it read as 'outside the program ... start-up' before)."""
    program = tmp_path / "sorts.py"
    program.write_text("import random\nrandom.seed(1)\nxs = [random.random() for _ in "
                       "range(200000)]\n\ndef sort_part(xs):\n    return sorted(xs)[0]\n\n"
                       "for _ in range(15):\n    sort_part(xs)\n")
    prof = tmp_path / "sorts.prof"
    done = run_module("traces.record", "--profile", prof, "--", program, python=pypy_python())
    assert done.returncode == 0, done.stderr
    rows = dict((r["function"].split(" (")[0], r) for r in own_time(read_profile(str(prof))))
    assert rows["sort_part"]["own"] > 0.6, rows
    assert rows.get(OUTSIDE, {"own": 0.0})["own"] < 0.2, rows


@needs_pypy
def test_a_dropped_stale_block_keeps_the_callers_it_was_inlined_into(tmp_path):
    """pyperformance's scimark fft: FFT_transform_internal is called only by FFT_transform
    and FFT_inverse; dropping a stale block of internal's took their frames with it (their
    totals 18 + 22 below internal's 87).  A callee's total stays within its callers'."""
    found = subprocess.run([pypy_python(), "-c", "import pyperformance, os; print(os.path."
                            "dirname(pyperformance.__file__))"], stdout=subprocess.PIPE,
                           universal_newlines=True)
    bench = os.path.join(found.stdout.strip(), "data-files", "benchmarks", "bm_scimark",
                         "run_benchmark.py")
    if found.returncode != 0 or not os.path.exists(bench):
        pytest.skip("pyperformance is not installed for PyPy (./run_tests.sh installs it)")
    prof = tmp_path / "fft.prof"
    done = run_module("traces.record", "--profile", prof, "--", bench, "fft", "--worker",
                      "-p", "1", "-l", "20", "-n", "3", "-w", "1", python=pypy_python())
    assert done.returncode == 0, done.stderr
    profile, total = read_profile(str(prof)), collections.Counter()
    for frames, weight in profile.samples:
        for name in set(f.name for f in frames if f.kind == "py"):
            total[name] += weight / float(profile.total_weight)
    callers = total["FFT_transform"] + total["FFT_inverse"]
    assert total["FFT_transform_internal"] > 0.3
    assert callers >= total["FFT_transform_internal"] - 0.02, total


# raytrace's functions that Point.__sub__ and rayColour's list comprehension (line 271) can
# have below them: what they call, and what those call (the benchmark's source)
SUB_CALLS = {"Point.isPoint", "Vector.isPoint", "Vector.__init__", "Point.__init__"}
LISTCOMP_CALLS = {"Sphere.intersectionTime", "Halfspace.intersectionTime", "Point.__sub__",
                  "Vector.__sub__", "Vector.__init__", "Point.__init__", "Point.isPoint",
                  "Vector.isPoint", "Vector.dot", "Vector.mustBeVector", "Vector.magnitude",
                  "Vector.scale", "Vector.normalized", "Point.__add__", "Vector.__add__",
                  "Vector.isVector", "Point.isVector", "Point.mustBeVector"}


def bare(names):
    return set(n.split(".")[-1] for n in names)


@needs_pypy
def test_raytrace_has_no_function_above_one_it_never_calls(tmp_path):
    """pyperformance's raytrace: a stale JIT block dropped from a stack kept its recorded
    chain's functions as callers (Point.__sub__ above visibleLights, the list comprehension
    above colourAt); and under a long path (vmprof cuts file names) no recorded chain matched
    the log's, so none was corrected."""
    found = subprocess.run([pypy_python(), "-c", "import pyperformance, os; print(os.path."
                            "dirname(pyperformance.__file__))"], stdout=subprocess.PIPE,
                           universal_newlines=True)
    bench = os.path.join(found.stdout.strip(), "data-files", "benchmarks", "bm_raytrace",
                         "run_benchmark.py")
    if found.returncode != 0 or not os.path.exists(bench):
        pytest.skip("pyperformance is not installed for PyPy (./run_tests.sh installs it)")
    prof = tmp_path / "raytrace.prof"
    done = run_module("traces.record", "--profile", prof, "--", bench, "--worker", "-p", "1",
                      "-l", "2", "-n", "3", "-w", "1", python=pypy_python())
    assert done.returncode == 0, done.stderr
    profile = read_profile(str(prof))
    assert profile.jit.to_json()["counts"]["changed"]["samples"] > 0
    seen, impossible = collections.Counter(), []
    for frames, _ in profile.samples:
        python = [f for f in frames if f.kind == "py"]
        for index, frame in enumerate(python):
            below = set(f.name.split(".")[-1] for f in python[index + 1:])
            if frame.name in ("Point.__sub__", "__sub__") and frame.line == 113:
                seen["__sub__"] += 1
                if not below <= bare(SUB_CALLS):
                    impossible.append([f.name for f in python])
            if frame.name == "<listcomp>" and frame.line == 271 and "bm_raytrace" in (
                    frame.filename or ""):
                seen["<listcomp>"] += 1
                if not below <= bare(LISTCOMP_CALLS):
                    impossible.append([f.name for f in python])
    assert seen["__sub__"] and seen["<listcomp>"]
    # what the correction could not restore is counted against the program's source, and said
    missing = profile.jit.to_json()["missing"]
    text = render_attribution(profile.jit.to_json())
    assert missing is not None and missing["samples"] <= len(profile.samples)
    assert any("Still missing a frame" in line for line in text) == (missing["samples"] > 0)
    # rayColour's frame, missing between colourAt's code (which calls rayColour's compiled
    # code) and the colourAt that rayColour called, is put back: before, 8-20% of the samples
    # still missed a frame by the source (colourAt above colourAt the commonest); after, 0-8 in
    # three recordings of 1,059-1,601 samples, 26 of 775 (3.4%) in one under the whole suite
    put_back = profile.jit.to_json()["counts"]["put_back"]["samples"]
    assert put_back > 0
    assert missing["samples"] <= 0.06 * len(profile.samples), missing
    assert any("had one put back by it are not checked by it again" in line
               for line in text) == (missing["samples"] == 0)
    # named by qualified name, from the source, even where vmprof cut the file's name
    named = set(f.name for frames, _ in profile.samples for f in frames if f.kind == "py")
    assert {"Point.__sub__", "Scene.rayColour"} <= named, sorted(named)[:20]
    # Before the corrections: 57 and 83 of 1,097 samples (5% and 8%).  Their residue: none in
    # most recordings, one stack in a fresh Debian root's (__sub__ above visibleLights, called
    # from normalAt): issue 34 stays open on it.  Bound, not zero, so that the test says
    # whether the corrections hold, not whether one recording was lucky.
    assert len(impossible) <= 0.01 * len(profile.samples), impossible[:3]


@needs_pypy
def test_a_program_kept_in_site_packages_is_the_programs_own_code(tmp_path):
    """pyperformance's benchmarks live in a venv's site-packages: the recording says the
    program's folder, so its loop is the one the report breaks down, not PyPy's or a library's."""
    from traces.trace_choice import choose_trace
    folder = tmp_path / "lib" / "site-packages" / "bench"
    folder.mkdir(parents=True)
    program = rounds_program(folder)
    prof, log = tmp_path / "rounds.prof", tmp_path / "rounds.jitlog"
    done = run_module("traces.record", "--profile", prof, "--jit-log", log, "--", program,
                      "untimed", "2000", "2000", python=pypy_python())
    assert done.returncode == 0, done.stderr
    trace, why = choose_trace(read_jitlog(str(log)))
    assert why is None and "site-packages/bench/rounds.py" in trace.name, (trace.name, why)
    report = run_module("traces.jitlog", log)
    assert report.returncode == 0 and "no trace of the program's own code" not in report.stdout
