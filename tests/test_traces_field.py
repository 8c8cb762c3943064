"""The trace tools on programs that are not ev (issue 27): the small programs of
tests/fixtures/field, copied outside the checkout and recorded for real by traces.record, on the
interpreter under test."""
import json
import os
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, run_module
from traces.categories import CATEGORIES, COLOURS, PROJECT, UNKNOWN
from traces.profile import analyse, render
from traces.profile_reader import read_profile
from traces.model import PY
from traces.project import Project

IS_PYPY = hasattr(sys, "pypy_version_info")
FIELD = os.path.join(ROOT, "tests", "fixtures", "field")


def user_program(tmp_path, name):
    """The field program ``name`` copied into a folder of its own, outside the checkout."""
    folder = tmp_path / "user"
    folder.mkdir(exist_ok=True)
    shutil.copy(os.path.join(FIELD, name), str(folder / name))
    return folder / name


def record(tmp_path, name, *options, python=sys.executable, check=True):
    """Record the field program ``name`` with traces.record; (profile path, result)."""
    program = user_program(tmp_path, name)
    profile = tmp_path / (os.path.splitext(name)[0] + ".prof")
    for attempt in range(3):
        result = run_module("traces.record", "--profile", profile, *(list(options) + [
            "--", program]), python=python, timeout=120)
        # austin 3.7 now and then does not recognise a starting CPython, on a loaded machine,
        # even with 5 s to wait (its own fault, said in one line): the test is of ours
        if "not a Python process" not in result.stderr:
            break
    if check:
        assert result.returncode == 0, result.stderr
    return str(profile), result


def start_recording(profile, program):
    """traces.record of ``program`` into ``profile``, running in the background."""
    return subprocess.Popen([sys.executable, "-m", "traces.record", "--profile", str(profile),
                             "--", str(program)], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, universal_newlines=True)


def share(result, category, kind="self"):
    return next(c[kind] for c in result["categories"] if c["category"] == category)


def test_line_entries_are_lines_of_their_frame_not_native_frames(tmp_path):
    """busy.py recorded with --lines: inner() ~100% self, its lines listed (fault 1)."""
    if IS_PYPY:
        pytest.skip("vmprof on PyPy records no line numbers")
    profile, _ = record(tmp_path, "busy.py", "--lines", "--sampler", "vmprof")
    result = analyse(read_profile(profile))
    top = result["top_self"][0]
    assert top["function"] == "inner (user/busy.py:3)", result["top_self"]
    assert top["total"] > 0.9   # the rest of it: math.sin and the float and int C functions
    assert share(result, UNKNOWN, "total") == 0.0
    lines = dict((row["line"], row["self"]) for row in result["lines"][top["function"]])
    assert set(lines) <= {4, 5, 6, 7} and {6, 7} <= set(lines), lines
    assert "lines of the top functions" in render(result)


def test_a_code_address_reused_by_other_functions_is_named_or_warned(tmp_path):
    """reuse3.py: twelve kernels made at run time, one after another at one address
    (fault 2).  PyPy's file says which was registered before each sample: each is named;
    CPython's vmprof writes every name after the samples: the report says so; py-spy, the
    default on CPython, reads each frame's code object as it samples: each is named."""
    if not IS_PYPY:
        default, _ = record(tmp_path, "reuse3.py")
        named = analyse(read_profile(default), top=40)
        kernel = [row for row in named["top_total"]   # co_qualname stays "kernel"
                  if row["function"].startswith("kernel (user/reuse3.py:5)")]
        assert kernel and kernel[0]["total"] > 0.5, named["top_total"]
        assert not named["reused_addresses"]
    profile, _ = record(tmp_path, "reuse3.py", "--sampler", "vmprof")
    result = analyse(read_profile(profile), top=40)
    kernels = set(row["function"].split(" (")[0] for row in result["top_total"]
                  if "kernel_" in row["function"])
    if IS_PYPY:
        assert len(kernels) >= 3, result["top_total"]
        assert not any("shared this code address" in k for k in kernels)
        return
    groups = [row["functions"] for row in result["reused_addresses"]]
    assert any(sum(":kernel_" in n for n in names) == 12 for names in groups), groups
    # every kernel row is a group of the functions of its address (one address for all
    # twelve, or, as on Debian's 3.11.2, a second one for the last few)
    assert kernels and all("functions shared this code address]" in k for k in kernels), kernels
    assert any("kernel_11" in k for k in kernels), kernels
    assert "belonged to several functions one after another" in render(result)


def test_stacks_cut_at_the_recorders_depth_limit_are_reported(tmp_path, run):
    """deep.py recurses 2,500 deep: vmprof keeps ~1,017 entries (fault 4)."""
    profile, _ = record(tmp_path, "deep.py", "--sampler", "vmprof")
    result = analyse(read_profile(profile))
    assert result["cut_samples"] > 0 and result["cut_at_depth_limit"] > 0.5, result
    assert "reached the recorder's depth limit" in render(result)
    under = run("traces.profile", profile, "--under", "top")
    if under.returncode == 1:   # no sample kept top(): say the cut ones may have
        assert len(under.stderr.strip().splitlines()) == 1
        assert "depth limit" in under.stderr and "top may be among them" in under.stderr
    else:   # some did (PyPy, before the recursion got deep): say the cut ones are left out
        assert under.returncode == 0, under.stderr
        assert "whether they ran under top() cannot be told" in under.stdout


def test_a_program_outside_the_checkout_is_project_code(tmp_path, run):
    """traces.record on np_small.py: the program's functions are project code, numpy is
    numpy, unnamed native frames are under 5%; the readers find the project by themselves."""
    profile, recorded = record(tmp_path, "np_small.py")
    meta = json.loads(open(profile + ".meta.json").read())
    assert meta["project"] == [str(tmp_path / "user")] and meta["recorded_by"] == "traces.record"
    result = analyse(read_profile(profile), top=40)
    assert share(result, PROJECT, "total") > 0.5
    assert share(result, UNKNOWN, "total") < 0.05
    assert any(row["function"].startswith("step (user/np_small.py:3)")
               for row in result["top_total"]), result["top_total"]
    assert [row["file"] for row in result["project_files"]] == ["user/np_small.py"]
    assert "numpy" in [row["package"] for row in result["packages"]]
    text = run("traces.profile", profile)
    assert text.returncode == 0 and "user/np_small.py" in text.stdout
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    other = analyse(read_profile(profile, project=Project([str(elsewhere)])))
    assert share(other, PROJECT, "total") == 0.0


def test_flame_and_speedscope_of_a_profile_with_unnamed_native_frames(tmp_path, run):
    """Without the memory map (stock vmprof), native frames stay unnamed: every export still
    works (fault 3)."""
    profile, _ = record(tmp_path, "np_small.py", "--sampler", "vmprof")
    os.remove(profile + ".maps")
    result = analyse(read_profile(profile))
    if not share(result, UNKNOWN, "total"):
        pytest.skip("this interpreter's vmprof named every native frame")
    flame, speedscope = tmp_path / "f.png", tmp_path / "s.json"
    done = run("traces.profile", profile, "--flame", flame, "--speedscope", speedscope, "--json")
    assert done.returncode == 0, done.stderr
    assert flame.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    names = [f["file"] for f in json.loads(speedscope.read_text())["shared"]["frames"]]
    assert any(UNKNOWN in name for name in names)


def one_frame_of_every_category():
    """{category: frame} built by hand, one per category (a new category fails this test until
    it has a frame here, and so until every export has been tried on it)."""
    from traces.project import CHECKOUT
    from traces.samples import JIT, NATIVE, PY, UNKNOWN as UNKNOWN_KIND, Frame
    site = "/venv/lib/python3.11/site-packages/"
    frames = [Frame(PY, "fly", os.path.join(CHECKOUT, "ev", "model", "fitness.py"), 35),
              Frame(PY, "dot", site + "numpy/core/multiarray.py", 1),
              Frame(NATIVE, "DOUBLE_add", library="_multiarray_umath.so"),
              Frame(NATIVE, "PyObject_Repr", library="libpython3.11.so"),
              Frame(NATIVE, "_PyObject_Vectorcall", library="libpython3.11.so"),
              Frame(NATIVE, "type_getattro", library="libpython3.11.so"),
              Frame(NATIVE, "float_div", library="libpython3.11.so"),
              Frame(NATIVE, "_Py_dict_lookup", library="libpython3.11.so"),
              Frame(NATIVE, "_PyPegen_run_parser", library="libpython3.11.so"),
              Frame(NATIVE, "malloc", library="libc.so.6"),
              Frame(JIT, "<JIT-compiled code>"),
              Frame(NATIVE, "ev_evaluate_batch", library="_c_flight.so"),
              Frame(NATIVE, "_PyEval_EvalFrameDefault", library="libpython3.11.so"),
              Frame(NATIVE, "<libpypy3.9-c.so>", library="libpypy3.9-c.so"),
              Frame(PY, "loads", "/usr/lib/python3.11/json/__init__.py", 299),
              Frame(PY, "invoke", site + "click/core.py", 700),
              Frame(PY, "helper", "/opt/elsewhere/tool.py", 3),
              Frame(UNKNOWN_KIND, "<unknown native code>")]
    project = ev_project()
    return dict((project.place(frame).category, frame) for frame in frames)


def ev_project():
    """ev's project with its own category passed in, as ev reads its profiles."""
    from ev.backends.c_build import PROFILE_CATEGORY
    from traces.project import EV
    return EV.with_extra((PROFILE_CATEGORY,))


def test_every_export_works_on_every_category(tmp_path):
    from traces.export import write_flame_graph, write_speedscope
    from traces.samples import Profile
    from traces.categories import EXTRA_COLOURS, all_categories
    project = ev_project()
    every = all_categories(project.extra)
    frames = one_frame_of_every_category()
    assert sorted(frames) == sorted(every) and len(every) == len(CATEGORIES) + 1
    assert set(COLOURS) == set(CATEGORIES) and len(set(COLOURS.values())) == len(CATEGORIES)
    assert not set(EXTRA_COLOURS) & set(COLOURS.values())
    entry = frames[PROJECT]
    samples = [([entry, frame] if frame is not entry else [entry], 1.0)
               for frame in frames.values()]
    profile = Profile(str(tmp_path / "made.prof"), "cpython", samples, 1.4, True)
    profile.project = project
    result = analyse(profile)
    assert [row["category"] for row in result["categories"]] == list(every)
    assert all(row["self"] > 0 for row in result["categories"]), result["categories"]
    assert all(row["title"] in render(result) for row in result["categories"])
    json.dumps(result)
    write_speedscope(profile, str(tmp_path / "s.json"))
    files = " ".join(f["file"] for f in json.loads(
        (tmp_path / "s.json").read_text())["shared"]["frames"])
    assert all("[%s]" % category in files for category in every)
    write_flame_graph(profile, str(tmp_path / "f.png"))
    assert (tmp_path / "f.png").read_bytes()[:4] == b"\x89PNG"
    from ev.cli.trace_summary import COLUMNS
    in_columns = [category for _, members in COLUMNS for category in members]
    assert sorted(in_columns) == sorted(every)   # the summary table: each in one column


@pytest.mark.parametrize("arguments, message", [
    ([], "no program given"), (["--", "missing.py"], "no such program file"),
    (["--", "-x"], "unknown option")])
def test_record_bad_command_lines_are_one_line(run, arguments, message):
    result = run("traces.record", *arguments)
    assert result.returncode == 2 and message in result.stderr
    assert "Traceback" not in result.stderr


def test_record_keeps_the_programs_exit_code_and_says_when_it_was_killed(tmp_path, run):
    program = tmp_path / "exits.py"
    program.write_text("import sys, time\nprint('ran', sys.argv[1:])\nt = time.time()\n"
                       "while time.time() < t + 0.3:\n    pass\nsys.exit(3)\n")
    result = run("traces.record", "--profile", tmp_path / "e.prof", "--", program, "a", "b")
    assert result.returncode == 3 and "ran ['a', 'b']" in result.stdout, result.stderr
    assert read_profile(str(tmp_path / "e.prof")).samples is not None
    killed = tmp_path / "killed.py"
    # it sleeps rather than computes: vmprof's handler can crash a computing CPython (issue 33)
    killed.write_text("import os, signal, time\ntime.sleep(0.3)\n"
                      "os.kill(os.getpid(), signal.SIGKILL)\n")
    result = run("traces.record", "--sampler", "vmprof", "--profile", tmp_path / "k.prof",
                 "--", killed)
    assert result.returncode == 128 + 9 and "died of signal SIGKILL" in result.stderr
    assert not os.path.exists(str(tmp_path / "k.prof.meta.json"))
    if IS_PYPY:
        return
    # py-spy outside the process: what ran is a whole recording, the exit is said
    killed.write_text("import os, signal, time\nt = time.time()\nwhile time.time() < t + 0.3:"
                      "\n    pass\nos.kill(os.getpid(), signal.SIGKILL)\n")
    result = run("traces.record", "--profile", tmp_path / "s.prof", "--", killed)
    assert result.returncode == 1 and "ended without an exit status" in result.stderr
    assert read_profile(str(tmp_path / "s.prof")).samples_taken > 0


FAKE_PY_SPY = """#!/bin/sh
# py-spy as it is when the program ends before its first sample: it runs the program, writes an
# empty recording, says "Samples: 0" and exits 0 (a real py-spy did so in this suite once, on a
# loaded machine; it cannot be made to happen on purpose)
while [ $# -gt 0 ]; do
    case "$1" in --output) out="$2"; shift 2 ;; --) shift; break ;; *) shift ;; esac
done
"$@"
: > "$out"
echo "py-spy> Wrote raw flamegraph data to '$out'. Samples: 0 Errors: 0"
"""


def test_a_program_shorter_than_one_sample_is_an_empty_recording_not_a_failure(run, tmp_path,
                                                                              monkeypatch):
    """No sample, exit 0: a whole, empty recording and a note, not "py-spy failed"; the reader
    says why the profile is empty."""
    if IS_PYPY:
        pytest.skip("py-spy records CPython only (traces.record refuses it on PyPy)")
    fake = tmp_path / "py-spy"
    fake.write_text(FAKE_PY_SPY)
    fake.chmod(0o755)
    monkeypatch.setenv("TRACES_PY_SPY", str(fake))
    quick = tmp_path / "quick.py"
    quick.write_text("print('done')\n")
    result = run("traces.record", "--sampler", "py-spy", "--profile", tmp_path / "q.prof", "--",
                 quick)
    assert result.returncode == 0 and "done" in result.stdout, result.stderr
    assert "# no samples: the program ended before py-spy's first sample" in result.stderr
    assert (tmp_path / "q.prof").exists() and not (tmp_path / "q.prof.incomplete").exists()
    read = run("traces.profile", tmp_path / "q.prof")
    assert read.returncode == 1 and "empty file (no samples" in read.stderr


def test_record_runs_a_module_with_its_arguments(tmp_path):
    (tmp_path / "mymod.py").write_text("import sys\nprint('module', sys.argv[1:])\n")
    env = dict(os.environ, PYTHONPATH=ROOT)   # this checkout's traces, from another folder
    result = subprocess.run([sys.executable, "-m", "traces.record", "--profile", "m.prof",
                             "--", "-m", "mymod", "x"], cwd=str(tmp_path), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=120)
    assert result.returncode == 0 and "module ['x']" in result.stdout, result.stderr
    meta = json.loads((tmp_path / "m.prof.meta.json").read_text())
    assert meta["project"] == [str(tmp_path)] and meta["program"] == "-m mymod"


def test_summary_rows_are_keyed_by_interpreter_and_variant(tmp_path, run):
    """Issue 24 item 6: a CPython loop.prof and a PyPy loop.jitlog are two rows; a PyPy
    profile with its JIT log beside it, one."""
    cpython = sys.executable if not IS_PYPY else os.environ.get("EV_CPYTHON_PY")
    pypy = sys.executable if IS_PYPY else os.environ.get("EV_PYPY_PY")
    if not cpython or not pypy:
        pytest.skip("needs both interpreters (set by run_tests.sh)")
    program = user_program(tmp_path, "loop.py")
    folder = tmp_path / "cells"
    folder.mkdir()
    for python, options in ((cpython, ["--profile", folder / "loop.prof"]),
                            (pypy, ["--jit-log", folder / "loop.jitlog"]),
                            (pypy, ["--profile", folder / "both.prof",
                                    "--jit-log", folder / "both.jitlog"])):
        done = run("traces.record", *(options + ["--", program]), python=python)
        assert done.returncode == 0, done.stderr
    result = run("ev.cli.trace_summary", folder, "--json", python=cpython)
    assert result.returncode == 0, result.stderr
    rows = sorted((r["cell"], r["python"]) for r in json.loads(result.stdout)["rows"])
    assert rows == [("both", "pypy"), ("loop", "cpython"), ("loop", "pypy")]
    by_key = dict(((r["cell"], r["python"]), r) for r in json.loads(result.stdout)["rows"])
    assert "samples" in by_key[("loop", "cpython")]
    assert "ops_per_iteration" not in by_key[("loop", "cpython")]
    assert by_key[("loop", "pypy")]["hot_loop"].startswith("accumulate;")
    assert "samples" in by_key[("both", "pypy")] and "hot_loop" in by_key[("both", "pypy")]
    assert "| loop | cpython |" in run("ev.cli.trace_summary", folder, python=cpython).stdout


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_signal_to_record_finishes_the_profile(tmp_path, signum):
    """Ctrl-C or SIGTERM sent to traces.record alone: passed on once, the program stops, the
    profile is whole, the exit code says which signal."""
    program = tmp_path / "spin.py"
    started = tmp_path / "started"
    program.write_text("open(%r, 'w').close()\nwhile True:\n    sum(range(1000))\n"
                       % str(started))
    profile = tmp_path / "spin.prof"
    recorder = start_recording(profile, program)
    deadline = time.time() + 60
    while not started.exists() and time.time() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)   # some samples of the loop
    recorder.send_signal(signum)
    _, stderr = recorder.communicate(timeout=60)
    assert recorder.returncode == 128 + signum, stderr
    assert "Traceback" not in stderr and "the recording of what ran is kept" in stderr
    assert read_profile(str(profile)).samples
    assert os.path.exists(str(profile) + ".meta.json")


def test_a_crashing_programs_traceback_is_the_one_python_prints(tmp_path):
    """The program's own frames, as ``python prog.py`` shows them: no frame of traces.record's
    child or of runpy above them; the exit status is Python's (1), the profile is kept."""
    program = tmp_path / "crash.py"
    program.write_text("def deep():\n    raise ValueError('boom')\n\n\ndeep()\n")
    plain = subprocess.run([sys.executable, str(program)], capture_output=True, text=True,
                           cwd=str(tmp_path))
    recorded = run_module("traces.record", "--profile", tmp_path / "crash.prof", "--",
                          program, timeout=120)
    assert plain.returncode == recorded.returncode == 1
    traceback_of = lambda text: text[text.index("Traceback"):text.index("ValueError: boom")]
    assert traceback_of(recorded.stderr) == traceback_of(plain.stderr)
    assert "record_child" not in recorded.stderr and "runpy" not in recorded.stderr
    assert (tmp_path / "crash.prof").stat().st_size > 0


@pytest.mark.skipif(IS_PYPY, reason="PyPy's JIT inlines the helpers into the loop's machine "
                                    "code: naming them there is issue 34's (per-function "
                                    "attribution of JIT code)")
@pytest.mark.parametrize("sampler", ["py-spy", "austin", "vmprof", "perf"])
def test_one_line_helpers_show_under_their_own_names_on_every_sampler(tmp_path, sampler):
    """helpers12k.py: scale, shift and clamp, one line each, called for each of 12,000 floats,
    300 times; pickle's class bodies, freed at import, left code addresses the helpers may
    get.  Each helper is named, by itself, on every sampler (issue 33); perf where it runs
    (CPython 3.13+ with perf installed: the Debian sid root's venvs)."""
    if sampler == "perf" and (sys.version_info < (3, 13) or not shutil.which("perf")):
        pytest.skip("perf records CPython 3.13+ (-X perf_jit), with perf installed")
    if sampler == "austin" and sys.version_info >= (3, 14):
        pytest.skip("austin 3.7 cannot launch CPython 3.14+ (traces.record says so: "
                    "test_perf_sampler.py)")
    profile, _ = record(tmp_path, "helpers12k.py", "--sampler", sampler)
    result = analyse(read_profile(profile), top=40)
    names = [row["function"] for row in result["top_total"]]
    shared = [f for g in result["reused_addresses"] for f in g["functions"]]
    warned = sampler == "vmprof" and sys.version_info < (3, 12)
    for helper in ("scale", "shift", "clamp"):
        found = [n for n in names if n.split(" (")[0] == helper]
        if not found and warned and any(":%s:" % helper in f for f in shared):
            # CPython 3.11's vmprof writes names after the samples: a helper whose code
            # address a freed function had (pickle's, typing's class bodies) is named as the
            # group of that address's functions, and the report warns (fault 2); seen on
            # Debian's 3.11.2, not on 3.11.7
            continue
        assert found and found[0].startswith("%s (user/helpers12k.py" % helper), names
    assert warned or not any("shared this code address" in n for n in names), names
    assert not any("_Pickle" in n or "Typing" in n for n in names), names


@pytest.mark.skipif(IS_PYPY, reason="py-spy reads CPython only")
def test_a_missing_sampler_is_one_line_and_nothing_is_written(tmp_path, run):
    program = user_program(tmp_path, "loop.py")
    profile = tmp_path / "x.prof"
    env = dict(os.environ, TRACES_PY_SPY=str(tmp_path / "no-such-py-spy"))
    result = run_module("traces.record", "--profile", profile, "--", program, env=env)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert "pip install py-spy" in result.stderr and "--sampler vmprof" in result.stderr
    assert not any(p.name.startswith("x.prof") for p in tmp_path.iterdir())
    helped = " ".join(run_module("traces.record", "--help", env=env).stdout.split())
    assert "Default here: none here: py-spy is not installed" in helped, helped


@pytest.mark.skipif(IS_PYPY, reason="py-spy reads CPython only")
def test_ptrace_not_permitted_is_one_line_and_nothing_passes_for_whole(tmp_path):
    """py-spy refused the program's memory (a container without CAP_SYS_PTRACE), simulated by
    a py-spy that says what the real one says and fails."""
    fake = tmp_path / "py-spy"
    fake.write_text("#!/bin/sh\necho 'Error: Permission Denied: Try running again with "
                    "elevated permissions' >&2\nexit 1\n")
    fake.chmod(0o755)
    program = user_program(tmp_path, "loop.py")
    profile = tmp_path / "x.prof"
    result = run_module("traces.record", "--profile", profile, "--", program,
                        env=dict(os.environ, TRACES_PY_SPY=str(fake)))
    assert result.returncode == 1 and "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1 and "ptrace not permitted" in errors[0], result.stderr
    assert "--sampler vmprof" in errors[0]
    assert not profile.exists() and not os.path.exists(str(profile) + ".meta.json")


def weight(line):
    """A collapsed line's count, 0 for a line without frames (py-spy's `` COUNT``) and for
    austin's ``# name: value`` metadata."""
    stack, _, count = line.rpartition(b" ")
    return int(count) if count.isdigit() and stack.strip() and not line.startswith(b"#") else 0


@pytest.mark.skipif(IS_PYPY, reason="py-spy and austin read CPython only")
@pytest.mark.parametrize("sampler", ["py-spy", "austin"])
def test_a_cut_short_recording_of_an_outside_sampler_is_read(tmp_path, run, sampler):
    """Issue 33 item 5 for the text formats: a file cut inside a line gives its whole lines,
    and one line of the report says it was cut short."""
    profile, _ = record(tmp_path, "busy.py", "--sampler", sampler)
    whole = read_profile(profile)
    data = open(profile, "rb").read()
    cut = tmp_path / "cut.prof"
    # the program's heaviest stack's line last, cut in its middle (the order of lines means nothing;
    # the file's own last lines may be samples without frames, which count for nothing)
    lines = data.split(b"\n")[:-1]
    heaviest = max(range(len(lines)), key=lambda i: weight(lines[i]) * (b"busy.py" in lines[i]))
    rest = lines[:heaviest] + lines[heaviest + 1:]
    cut.write_bytes(b"\n".join(rest) + b"\n" + lines[heaviest][:len(lines[heaviest]) // 2])
    os.link(profile + ".meta.json", str(cut) + ".meta.json")
    found = read_profile(str(cut))
    assert found.cut_short and not whole.cut_short and found.sampler == sampler
    assert 0 < found.samples_taken < whole.samples_taken
    text = run("traces.profile", cut)
    assert text.returncode == 0, text.stderr
    assert sum("cut short" in line for line in text.stdout.splitlines()) == 1


def test_a_program_whose_workers_are_terminated_does_not_hang(tmp_path):
    """A multiprocessing pool's workers are forks of the recorded program: they get Python's
    own signal handling back, so that the pool's terminate() (SIGTERM) stops them
    (pyperformance's concurrent_imap hung under traces.record before)."""
    program = tmp_path / "pool.py"
    program.write_text("import multiprocessing\n\nif __name__ == '__main__':\n"
                       "    with multiprocessing.Pool(2) as pool:\n"
                       "        print(sum(pool.map(abs, range(-50, 50))))\n")
    result = run_module("traces.record", "--profile", tmp_path / "pool.prof", "--", program,
                        timeout=120)
    assert result.returncode == 0 and "2500" in result.stdout, result.stderr


def test_a_foreign_program_never_names_evs_own_category(tmp_path):
    """Issue 33 items 2 and 4: traces carries no ev-only category; a program that is not ev,
    recorded by traces.record (with native frames where the sampler has them), is reported
    in every output without ev's "compiled evaluation (the c cell's C)"."""
    from ev.backends.c_build import PROFILE_CATEGORY
    profile, _ = record(tmp_path, "np_small.py", *([] if IS_PYPY else ["--native"]))
    speedscope = tmp_path / "s.json"
    done = [run_module("traces.profile", profile, *options) for options in (
        ["--speedscope", speedscope], ["--json"], ["--under", "run", "--json"])]
    assert all(d.returncode == 0 for d in done), [d.stderr for d in done]
    said = [d.stdout for d in done] + [speedscope.read_text()]
    assert all(said) and json.loads(said[1])["samples"] > 0
    for text in said:
        assert PROFILE_CATEGORY.name not in text and "c cell" not in text


def test_a_samplers_error_is_its_one_error_line_not_its_backtrace():
    """py-spy prints "Error: ..." then a Rust backtrace (here its write past a full disk)."""
    import errno
    from traces.samplers import problem_from, write_error
    said = ("py-spy> Sampling process 100 times a second. Press Control-C to exit.\n\n"
            "py-spy> Stopped sampling because process exited\n"
            "Error: File too large (os error 27)\n\nStack backtrace:\n   0: anyhow::error\n"
            "   1: py_spy::flamegraph::Flamegraph::write_raw\n")
    assert problem_from("py-spy", said, 1) == "py-spy failed: File too large (os error 27)"
    assert write_error(said) == errno.EFBIG
    assert write_error("Error: no such process (os error 3)") is None


@pytest.mark.skipif(IS_PYPY, reason="py-spy reads CPython only")
def test_a_program_whose_sampler_dies_is_stopped_not_orphaned(tmp_path):
    """py-spy starts the program as its child: killed, it would leave the program running on
    under init, unseen.  traces.record stops it and fails."""
    import signal
    import time
    program = tmp_path / "forever.py"
    program.write_text("while True:\n    pass\n")
    profile = tmp_path / "f.prof"
    recorder = start_recording(profile, program)
    end = time.time() + 60
    while not (tmp_path / "f.prof.pid").exists() and time.time() < end:
        time.sleep(0.05)
    pid = int((tmp_path / "f.prof.pid").read_text())
    sampler = int(open("/proc/%d/stat" % pid).read().rsplit(")", 1)[1].split()[1])  # ppid
    os.kill(sampler, signal.SIGKILL)
    _, err = recorder.communicate(timeout=60)
    assert recorder.returncode != 0 and "Traceback" not in err
    assert "ended before the recorded program, which was then stopped" in err, err
    assert not os.path.exists("/proc/%d" % pid) or not open(
        "/proc/%d/cmdline" % pid).read()   # gone (or a zombie init is about to reap)


@pytest.mark.skipif(IS_PYPY, reason="py-spy reads CPython only")
def test_the_recorders_own_start_and_end_are_not_the_programs(tmp_path, run):
    """runpy imports pkgutil (and typing) before the program starts, and the child writes
    the exit status after it: the recorder's time, which a short program's profile showed
    as 12% of 'standard library'."""
    program = tmp_path / "busy.py"
    program.write_text("import time\nt = time.time()\nwhile time.time() < t + 0.5:\n"
                       "    pass\n")
    result = run("traces.record", "--profile", tmp_path / "b.prof", "--", program)
    assert result.returncode == 0, result.stderr
    profile = read_profile(str(tmp_path / "b.prof"))
    files = set(os.path.basename(f.filename or "") for frames, _ in profile.samples
                for f in frames)
    assert "busy.py" in files and not files & {"pkgutil.py", "typing.py"}, files
    innermost = [[f for f in frames if f.kind == PY][-1].filename
                 for frames, _ in profile.samples]
    assert not [f for f in innermost if f.endswith(("record_child.py", "runpy>", "runpy.py"))]
    assert any(f.endswith("busy.py") for f in innermost), innermost


def test_compare_says_what_it_left_out_and_when_interpreters_differ():
    """austin's ':INVALID:' stacks have no Python frame: left out of the shares, and said;
    a CPython and a PyPy recording are two programs, and said so."""
    from traces.compare import agreement, render
    from traces.model import NATIVE, Frame, Profile
    hot = Frame(PY, "hot", filename="/p/prog.py")
    invalid = Frame(NATIVE, ":INVALID:")
    first = Profile("a.prof", "cpython", [([hot], 9.0), ([invalid], 1.0)], None,
                    sampler="austin")
    second = Profile("b.prof", "pypy", [([hot], 10.0)], None)
    result = agreement(first, second)
    assert result["first_left_out"] == pytest.approx(0.1) and result["second_left_out"] == 0
    text = render(result)
    assert "10.0% of its samples have no Python frame" in text
    assert "recorded on cpython and on pypy" in text


def test_a_recording_of_another_interpreter_is_replaced_with_a_line_saying_so(tmp_path):
    """The default name is the program's on CPython and on PyPy alike."""
    from test_traces import pypy_python
    cpython = sys.executable if not IS_PYPY else os.environ.get("EV_CPYTHON_PY")
    if not cpython or not pypy_python():
        pytest.skip("needs both interpreters (set by run_tests.sh)")
    program = tmp_path / "busy.py"
    program.write_text("import time\nt = time.time()\nwhile time.time() < t + 0.3:\n"
                       "    pass\n")
    said = []
    env = dict(os.environ, PYTHONPATH=ROOT)   # this checkout's traces, from another folder
    for python in (pypy_python(), cpython):
        done = subprocess.run([python, "-m", "traces.record", "--", str(program)],
                              cwd=str(tmp_path), env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True, timeout=120)
        assert done.returncode == 0, done.stderr
        said.append(done.stderr)
    assert "held a recording made on" not in said[0]
    assert "busy.prof held a recording made on PyPy; this one, on CPython, replaces it" in said[1]


def test_compare_agrees_on_a_program_of_fewer_functions_than_its_top():
    """Two functions and noise below 1%: the noise ranks nothing (it said 'agree: NO')."""
    from traces.compare import agreement
    from traces.model import Frame, Profile
    def frames(name):
        return [Frame(PY, name, filename="/p/prog.py")]
    first = Profile("a", "cpython", [(frames("a"), 75.9), (frames("b"), 24.0),
                                     (frames("x"), 0.1)], None)
    second = Profile("b", "cpython", [(frames("a"), 75.0), (frames("b"), 24.9),
                                      (frames("y"), 0.1)], None)
    assert agreement(first, second)["agree"]


def test_compare_ties_a_function_just_over_1_percent_on_one_side_only():
    """spectral_norm on CPython 3.14, py-spy against perf (2,000+ samples each): eval_times_u
    1.2% against 0.7%, the rest within 3 points: the same functions (it said NO)."""
    from traces.compare import agreement
    from traces.model import Frame, Profile

    def frames(name):
        return [Frame(PY, name, filename="/p/run_benchmark.py")]
    first = Profile("a", "cpython", [(frames("eval_A"), 57.4), (frames("part_A"), 20.4),
                                     (frames("part_At"), 19.8), (frames("eval_u"), 1.2),
                                     (frames("x"), 1.2)], None)
    second = Profile("b", "cpython", [(frames("eval_A"), 54.5), (frames("part_A"), 22.0),
                                      (frames("part_At"), 22.1), (frames("eval_u"), 0.7),
                                      (frames("x"), 0.7)], None)
    result = agreement(first, second)
    assert result["same_functions"] and result["agree"], result["rows"]
    third = Profile("c", "cpython", [(frames("eval_A"), 50.0), (frames("part_A"), 22.0),
                                     (frames("part_At"), 22.0), (frames("other"), 6.0)], None)
    assert not agreement(first, third)["agree"]   # 6 points the first does not have


def test_a_long_function_name_keeps_its_line_number():
    """The per-line table cut 'bench_list_unpacking (bm_unpack_sequence/run_benchmark.py:421)'
    to '...run_benchmark.py:42', one digit short of its line."""
    from traces.profile import shorten
    name = "bench_list_unpacking (bm_unpack_sequence/run_benchmark.py:421)"
    short = shorten(name, 60)
    assert len(short) <= 60 and short.endswith("run_benchmark.py:421)")
    assert short.startswith("bench_list_unpacking (")


def test_a_py_spy_file_whose_first_stack_is_longer_than_the_head_is_recognised(tmp_path):
    """py-spy --native can write a first stack of over 4 KB: the reader looks at the file's
    first 4 KB and said 'not a recording traces reads' (one run in five of np_small)."""
    stack = "0x7f64fd24524a (/usr/lib/x86_64-linux-gnu/libc.so.6);" + ";".join(
        "f%d (/p/prog.py:%d)" % (i, i) for i in range(300))   # as py-spy --native begins
    path = tmp_path / "deep.prof"
    path.write_text(stack + " 7\nf0 (/p/prog.py:1) 3\n")
    profile = read_profile(str(path))
    assert profile.sampler == "py-spy" and profile.samples_taken == 10


def test_a_file_name_vmprof_cut_is_the_one_file_it_begins(tmp_path):
    """vmprof keeps about 128 characters of a file name and ends it with '...' (a venv's
    pyperformance benchmarks): the source that qualifies the function's name is still found."""
    from traces.source_names import qualified_name, whole_filename
    folder = tmp_path / ("deep" * 30)
    folder.mkdir()
    program = folder / "run_benchmark.py"
    program.write_text("class Point:\n    def __sub__(self, other):\n        return 0\n")
    cut = str(program)[:120] + "..."
    assert whole_filename(cut) == str(program)
    assert qualified_name(whole_filename(cut), "__sub__", 2) == "Point.__sub__"
    (folder / "run_benchmark_two.py").write_text("")
    assert whole_filename(str(folder / "run_bench") + "...").endswith("...")   # two: kept
    assert whole_filename(str(program)) == str(program)
