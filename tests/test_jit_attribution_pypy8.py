"""PyPy 8.0 (Debian sid's 8.0.1, Python 3.11): the known-split program recorded for real by
traces.record in ev's sid root (tests/fixtures/README.md says how), read on this interpreter.
What changed from PyPy 7.3.11: the profile is vmprof's format 7, each sample stamped and
weighted by the time since the one before; the JIT log is read as before."""
import gzip
import json
import os
import shutil

import pytest

from conftest import ROOT
from traces import known_split
from traces.jit_attribution import TRAMPOLINE
from traces.jitlog_reader import read_jitlog
from traces.own_time import OUTSIDE, own_time
from traces.processors import under_function
from traces.profile import analyse, render
from traces.profile_reader import format_version, newest_readable_version, read_profile
from traces.project import Project

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "pypy8_split")
PROGRAM_FOLDER = "/ev/traces"   # where the program was when recorded (the root's checkout)


@pytest.fixture(scope="module")
def split(tmp_path_factory):
    """(profile, JIT log, {part: CPU seconds}) of the recording, unpacked into a folder."""
    folder = tmp_path_factory.mktemp("pypy8")
    for name in ("split.prof", "split.jitlog"):
        with gzip.open(os.path.join(FIXTURE, name + ".gz")) as packed, \
                open(str(folder / name), "wb") as out:
            shutil.copyfileobj(packed, out)
    for name in ("split.prof.maps", "split.prof.meta.json"):
        shutil.copy(os.path.join(FIXTURE, name), str(folder / name))
    with open(os.path.join(FIXTURE, "split.times.json")) as times:
        timed = json.load(times)
    prof = str(folder / "split.prof")
    if format_version(prof) > newest_readable_version():
        pytest.skip("this interpreter's vmprof reads profile formats up to %d (PyPy 3.9's "
                    "0.4.18.1): PyPy 8.0's are read on CPython" % newest_readable_version())
    return prof, str(folder / "split.jitlog"), timed


def python_names(frames):
    return [f.name for f in frames if f.kind == "py"]


def test_pypy8_writes_format_7_and_its_samples_stand_for_the_time_since_the_last(split):
    prof, _, _ = split
    assert format_version(prof) == 7
    profile = read_profile(prof)
    weights = [w for _, w in profile.samples]
    assert min(weights) >= 1.0 and max(weights) > 1.0
    result = analyse(profile)
    assert result["periods"] == pytest.approx(sum(weights))
    text = render(result)
    if result["periods"] > 1.05 * result["samples"]:
        assert "samples weighted by wall-clock time" in text


def test_the_log_locates_every_trace_and_every_jit_sample(split):
    prof, log_path, _ = split
    log = read_jitlog(log_path)
    assert log.has_addresses
    user = [t for t in log.traces if "known_split_program.py" in t.name]
    assert {t.name.split(";")[0] for t in user if t.kind == "loop"} >= {"light", "heavy"}
    for trace in user:
        assert trace.code is not None and trace.code.block < trace.code.start < trace.code.end
        offsets = [op.offset for op in trace.ops if op.offset is not None]
        assert offsets and trace.code.block + max(offsets) <= trace.code.end
    loops = [t for t in user if t.kind == "loop"]
    assert all(t.iterations and t.iterations > 1000000 for t in loops)
    counts = read_profile(prof).jit.to_json()["counts"]
    assert counts["in_jit"]["samples"] > 0.8 * counts["samples"]["samples"]
    assert counts["unmapped"]["samples"] == 0


def test_siblings_stay_apart_and_within_the_whole(split):
    prof, _, _ = split
    profile = read_profile(prof, project=Project([PROGRAM_FOLDER]))
    names = set(f.name for frames, _ in profile.samples for f in frames if f.kind == "jit")
    assert all(n.startswith(("loop ", "bridge ", "entry bridge ")) or n == TRAMPOLINE
               for n in names), names
    assert [n for n in (python_names(f) for f, _ in profile.samples)
            if "light" in n and "heavy" in n] == []
    under = [f for f in (under_function(frames, "main") for frames, _ in profile.samples) if f]
    share = dict((name, sum(1 for f in under if name in python_names(f)) / float(len(under)))
                 for name in ("light", "heavy", "mix", "scale"))
    assert share["light"] + share["heavy"] <= 1.0 + 1e-9
    assert share["mix"] <= share["light"] + share["heavy"] + 1e-9
    assert share["scale"] <= share["light"] + 1e-9


def test_totals_match_the_runs_own_cpu_timing(split):
    """The recorded run timed its two loops itself (CPU time): the profile's totals by number
    of samples are within 5 points of that split; weighted, the siblings stay within 100%."""
    prof, _, timed = split
    shares, weighted, jit = known_split.totals(prof, known_split.PARTS + ("mix",))
    truth = known_split.shares_of(known_split.cpu_and_wall(timed)[0])
    for part in known_split.PARTS:
        assert abs(shares[part] - truth[part]) <= known_split.TOLERANCE, (part, shares, truth)
    assert sum(weighted[p] for p in known_split.PARTS) <= 1.0 + 1e-9
    assert jit["counts"]["unmapped"]["samples"] == 0


def test_own_time_ranks_the_programs_functions_with_their_jit_code(split):
    prof, _, _ = split
    rows = own_time(read_profile(prof, project=Project([PROGRAM_FOLDER])))
    functions = [r["function"].split(" (")[0] for r in rows if r["function"] != OUTSIDE]
    assert set(functions[:3]) <= {"mix", "heavy", "light", "scale"}
    assert abs(sum(r["own"] for r in rows) - 1.0) < 1e-6
    assert rows[0]["parts"].get("JIT code", 0) > 0.5 * rows[0]["own"]
    assert rows[0]["traces"][0]["trace"].startswith(("loop", "bridge"))


def test_a_profile_without_jit_code_says_why(split):
    """Recorded where vmprof cannot load libunwind, a PyPy profile has no JIT frame at all
    (PyPy 8.0 in a root without libunwind8: 0 of 259 samples): the report says why."""
    from traces.own_time import render_attribution
    prof, _, _ = split
    jit = read_profile(prof).jit.to_json()
    assert jit["loops_ran"] >= 2
    assert not any("No sample ran in JIT code" in line for line in render_attribution(jit))
    jit["counts"]["in_jit"] = {"samples": 0, "weight": 0}    # as such a recording reads
    said = " ".join(render_attribution(jit))
    assert "No sample ran in JIT code" in said and "libunwind8" in said


@pytest.fixture(scope="module")
def raytrace(tmp_path_factory):
    """pyperformance's raytrace on PyPy 8.0 (tests/fixtures/README.md says how), unpacked."""
    folder = tmp_path_factory.mktemp("raytrace8")
    source = os.path.join(ROOT, "tests", "fixtures", "pypy8_raytrace")
    for name in ("raytrace.prof", "raytrace.jitlog"):
        with gzip.open(os.path.join(source, name + ".gz")) as packed, \
                open(str(folder / name), "wb") as out:
            shutil.copyfileobj(packed, out)
    for name in ("raytrace.prof.maps", "raytrace.prof.meta.json"):
        shutil.copy(os.path.join(source, name), str(folder / name))
    prof = str(folder / "raytrace.prof")
    if format_version(prof) > newest_readable_version():
        pytest.skip("PyPy 8.0's profile format is read on CPython")
    return prof


def test_raytrace_on_pypy8_has_no_function_above_one_it_never_calls(raytrace):
    """On PyPy 8.0 raytrace's stacks hold stale JIT blocks whose recorded chains, kept as
    callers when the block was dropped, put Point.__sub__ (line 113) above functions it never
    calls (11 samples of this recording) and the list comprehension of line 271 above colourAt
    and visibleLights (51)."""
    from test_jit_attribution import LISTCOMP_CALLS, SUB_CALLS, bare
    profile = read_profile(raytrace)
    assert profile.jit.to_json()["counts"]["changed"]["samples"] > 0
    seen = dict.fromkeys(("__sub__", "<listcomp>"), 0)
    for frames, _ in profile.samples:
        python = [f for f in frames if f.kind == "py"]
        for index, frame in enumerate(python):
            below = set(f.name.split(".")[-1] for f in python[index + 1:])
            if frame.name.split(".")[-1] == "__sub__" and frame.line == 113:
                seen["__sub__"] += 1
                assert below <= bare(SUB_CALLS), [f.name for f in python]
            if frame.name == "<listcomp>" and frame.line == 271 and "raytrace" in (
                    frame.filename or ""):
                seen["<listcomp>"] += 1
                assert below <= bare(LISTCOMP_CALLS), [f.name for f in python]
    assert seen["__sub__"] > 10 and seen["<listcomp>"] > 10
