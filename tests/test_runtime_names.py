"""PyPy's unnamed libpypy samples, named by the stack that reached them (traces.runtime_names):
ev's numpy cell recorded for real on PyPy (profile and JIT log), read on this interpreter; and
the rules on stacks built from the frames such a recording holds."""
import collections

import pytest

from conftest import run_module
from test_traces import pypy_python
from traces.categories import CAPI, INTERPRETER, PYPY_RUNTIME, categorize
from traces.model import JIT, NATIVE, PY, Frame
from traces.own_time import OUTSIDE, own_time
from traces.profile_reader import read_profile, read_raw_profile
from traces.project import EV
from traces.runtime_names import APPEXEC_NAME, RuntimeNamer

LIBPYPY = "libpypy3.9-c.so"


@pytest.fixture(scope="module")
def numpy_cell(tmp_path_factory):
    """ev's numpy creature on PyPy, recorded by ev.main (profile after the first generations,
    and the JIT log): numpy through cpyext, the samples this module names."""
    if pypy_python() is None:
        pytest.skip("needs PyPy (EV_PYPY_PY, set by run_tests.sh)")
    folder = tmp_path_factory.mktemp("numpy_cell")
    prof, log = folder / "numpy.prof", folder / "numpy.jitlog"
    done = run_module("ev.main", "--creature", "numpy", "-n", "30", "--seed", "42", "-g", "4",
                      "--profile", prof, "--profile-from", "2", "--jit-log", log,
                      python=pypy_python())
    if done.returncode != 0 and "numpy" in done.stderr:
        pytest.skip("numpy is not installed for PyPy")
    assert done.returncode == 0, done.stderr
    return str(prof), str(log)


def self_shares(profile):
    shares = collections.Counter()
    for frames, weight in profile.samples:
        shares[categorize(frames[-1])] += weight
    total = float(sum(shares.values()))
    return dict((category, weight / total) for category, weight in shares.items())


def test_the_numpy_cells_libpypy_samples_are_named_by_their_callers(numpy_cell):
    prof, log = numpy_cell
    profile = read_profile(prof)
    shares = self_shares(profile)
    # before naming, most of the cell was "PyPy runtime, unnamed" (60% on 2026-12-07)
    assert shares.get(PYPY_RUNTIME, 0.0) < 0.20, shares
    assert shares[CAPI] > 0.40, shares
    assert profile.runtime_named > 0.3 * profile.total_weight


def test_every_name_comes_from_a_frame_on_the_same_stack(numpy_cell):
    """A libpypy frame named 'called from X' or 'inside X' has X on its own recorded stack,
    above it: the name is read from the sample, not guessed."""
    prof, _ = numpy_cell
    profile = read_raw_profile(prof)
    checked = 0
    for frames, _ in profile.samples:
        for index, frame in enumerate(frames):
            for marker in ("cpyext: C-API called from ", "cpyext: inside "):
                if frame.name.startswith(marker):
                    caller = frame.name[len(marker):].rsplit(" (", 1)[0]
                    assert caller in [f.name for f in frames[:index]], frame.name
                    checked += 1
    assert checked > 100


def test_run_step_owns_the_c_api_helpers_it_reaches(numpy_cell):
    """numpy 2 calls PyContextVar_Get on each ufunc call; PyPy runs it as Python code
    (_contextvars).  That time is the C-API call's, so run_step's, not the stdlib's."""
    prof, _ = numpy_cell
    profile = read_profile(prof)
    rows = own_time(profile)
    run_step = next(r for r in rows if r["function"].startswith("Creature.run_step"))
    outside = next((r["own"] for r in rows if r["function"] == OUTSIDE), 0.0)
    assert run_step["own"] > 0.8 and outside < 0.05, rows
    assert run_step["parts"]["cpyext"] > 0.4, run_step
    helpers = [f for frames, _ in profile.samples for f in frames if f.name == APPEXEC_NAME]
    assert helpers and all(categorize(f) == CAPI for f in helpers)


def frame(kind, name, library=None, filename=None):
    return EV.place(Frame(kind, name, filename=filename, library=library))


MAIN = frame(PY, "fly", filename="/x/ev/model/fitness.py")
LOOP = frame(JIT, "loop 63 fly (fitness.py:35)")
UNNAMED = frame(NATIVE, "<%s>" % LIBPYPY, library=LIBPYPY)
NUMPY = frame(NATIVE, "PyArray_ToList", library="_multiarray_umath.pypy39-pp73.so")
C_API = frame(NATIVE, "PyPyObject_CallFunctionObjArgs", library=LIBPYPY)
HELPER = frame(PY, "anonymous", filename="<builtin>/?")
LIBC = frame(NATIVE, "<libc.so.6>", library="libc.so.6")


def leaf(frames, cpyext_only=None):
    return RuntimeNamer(cpyext_only)(frames)[-1]


def test_beneath_an_extension_or_a_c_api_function_libpypy_is_cpyext():
    named = leaf([MAIN, LOOP, NUMPY, UNNAMED, UNNAMED])
    assert named.name.startswith("cpyext: C-API called from PyArray_ToList")
    assert categorize(named) == CAPI
    named = leaf([MAIN, LOOP, NUMPY, C_API, UNNAMED])
    assert named.name.startswith("cpyext: inside PyPyObject_CallFunctionObjArgs")
    # libc between the extension and libpypy does not change whose call it is
    assert leaf([MAIN, LOOP, NUMPY, LIBC, UNNAMED]).name.startswith(
        "cpyext: C-API called from PyArray_ToList")


def test_beneath_jit_code_with_nothing_named_between_libpypy_stays_unnamed():
    named = leaf([MAIN, LOOP, UNNAMED, UNNAMED])
    assert named is UNNAMED and categorize(named) == PYPY_RUNTIME


def test_beneath_an_interpreted_frame_libpypy_is_the_interpreter():
    named = leaf([MAIN, UNNAMED])
    assert named.name.startswith("interpreter, tracer or built-ins under fly")
    assert categorize(named) == INTERPRETER


def test_an_app_level_helper_is_cpyexts_only_under_a_trace_that_reaches_python_by_cpyext():
    only_cpyext = {LOOP.name: True}.get
    named = leaf([MAIN, LOOP, HELPER, UNNAMED], only_cpyext)
    assert categorize(named) == CAPI
    frames = RuntimeNamer(only_cpyext)([MAIN, LOOP, HELPER, UNNAMED])
    assert frames[2].name == APPEXEC_NAME and categorize(frames[2]) == CAPI
    # a trace that also makes other calls that can run Python code: not known to be cpyext's
    named = leaf([MAIN, LOOP, HELPER, UNNAMED], {LOOP.name: False}.get)
    assert categorize(named) == INTERPRETER
    # without a JIT log nothing says so either
    assert categorize(leaf([MAIN, LOOP, HELPER, UNNAMED])) == INTERPRETER


def test_libcs_unnamed_functions_beneath_cpyext_are_cpyexts():
    """memset and memcpy are local (unnamed) in libc: beneath a C-API function they are the
    call's work; beneath JIT code alone, nothing says whose."""
    named = leaf([MAIN, LOOP, NUMPY, C_API, LIBC])
    assert categorize(named) == CAPI and named.name.startswith("cpyext: inside")
    assert leaf([MAIN, LOOP, LIBC]) is LIBC


def test_libpypys_frames_named_alike_in_a_row_are_one_frame():
    """Tens of unnamed libpypy frames beneath one interpreted frame: one named frame, not a
    tower of one name (a flame graph of nqueens on PyPy showed 38)."""
    frames = RuntimeNamer(None)([MAIN] + [UNNAMED] * 38)
    assert len(frames) == 2 and frames[1].name.startswith("interpreter, tracer or built-ins")


def test_a_cffi_modules_calls_back_into_pypy_are_not_cpyext():
    """PyPy's _sqlite3 is a cffi module: libpypy beneath it is a callback (sqlite_synth's
    aggregate), not the C-API; libffi between passes the context through."""
    module = frame(NATIVE, "sqlite3_step", library="_sqlite3_cffi.pypy39-pp73.so")
    ffi = frame(NATIVE, "ffi_call", library="libffi.so.8.1.2")
    named = leaf([MAIN, LOOP, ffi, module, ffi, UNNAMED])
    assert named.name.startswith("runtime called back from sqlite3_step")
    assert categorize(named) == PYPY_RUNTIME
    assert leaf([MAIN, LOOP, NUMPY, ffi, UNNAMED]).name.startswith(
        "cpyext: C-API called from PyArray_ToList")
