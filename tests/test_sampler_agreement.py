"""Issue 33 item 6, the independent check: pyperformance's benchmarks (programs nobody here
wrote) recorded on CPython by traces.record with its default sampler (py-spy) and, on the same
command, by a sampler that shares none of its code (austin; perf on CPython 3.14, where
austin 3.7 cannot run; profiling.sampling on 3.15+); the top five functions by self
time (C folded into its Python caller) must be the same, each within 5 points of all samples,
with at least 2,000 samples on each side.  Not a timed test: the figures are shares."""
import glob
import os
import sys

import pytest

from conftest import run_module
from traces import samplers
from traces.compare import agreement
from traces.profile_reader import read_profile

IS_PYPY = hasattr(sys, "pypy_version_info")
# pyperf's worker options: one process, no calibration; LOOPS long enough for 2,000 samples at
# py-spy's default 250/s (about 10 s of work on an idle machine).
# Loops that run 9-12 s on a quiet 2-core VM: the default sampler (py-spy, 250 samples a
# second) then takes the 2,000 samples the comparison asks for (these loops' 40% gave it
# 1,000-1,400 on a fresh machine).  py-spy at 1,000/s is not the default, and it moved nbody's
# advance from 98% to 76% (start-up over-weighted): the default rate is what is checked.
# raytrace is left to ev bench sampler_field: one of its recordings here hung (killed after
# 5 min, 2026-12-07), not yet understood.
BENCHMARKS = {"nbody": 90, "richards": 160, "spectral_norm": 75}
# The independent sampler: austin where it runs (austin 3.7 cannot launch CPython 3.14+); on
# 3.14, perf (a kernel sampler, sharing no code with py-spy); on 3.15+, the interpreter's own
# profiling.sampling (perf there gave spectral_norm's one-line eval_A 5.2 points less than py-spy
# and profiling.sampling did: perf's trampoline on every call is the suspect, docs/own-program.md).
INDEPENDENT = (samplers.AUSTIN if sys.version_info < (3, 14) else
               samplers.PERF if sys.version_info < (3, 15) else samplers.STDLIB)


def benchmark_script(name):
    try:
        import pyperformance
    except ImportError:
        return None
    found = glob.glob(os.path.join(os.path.dirname(pyperformance.__file__), "data-files",
                                   "benchmarks", "bm_%s" % name, "run_benchmark.py"))
    return found[0] if found else None


def missing():
    """Why the check cannot run here, or None."""
    if IS_PYPY:
        return "py-spy and austin read CPython only"
    if benchmark_script("nbody") is None:
        return "pyperformance is not installed (setup.cfg's test extra)"
    for sampler in (samplers.PY_SPY, INDEPENDENT):
        problem = samplers.missing(sampler)
        if problem:
            return problem
    return None


@pytest.mark.skipif(not os.environ.get("EV_SAMPLER_CHECK"),
                    reason="six recordings of ~10 s each (2 min) that a loaded machine can "
                           "push past 5 points: run when asked (EV_SAMPLER_CHECK=1); on "
                           "2026-12-07 it passed on CPython 3.11 (austin), 3.14 (perf) and 3.15 "
                           "(profiling.sampling)")
@pytest.mark.skipif(missing() is not None, reason=missing() or "")
@pytest.mark.parametrize("name", sorted(BENCHMARKS))
def test_default_sampler_agrees_with_an_independent_one(tmp_path, name):
    command = ["--", benchmark_script(name), "--worker", "-p", 1, "-l", BENCHMARKS[name],
               "-n", 1, "-w", 0]
    profiles = {}
    for sampler in (None, INDEPENDENT):
        path = tmp_path / ("%s.%s.prof" % (name, sampler or "default"))
        options = ["--profile", path] + (   # austin does not pause the program: 1,000/s
            ["--sampler", sampler, "--rate", 1000] if sampler == samplers.AUSTIN else
            ["--sampler", sampler] if sampler else [])
        done = run_module("traces.record", *(options + command), timeout=180)
        assert done.returncode == 0, done.stderr
        profiles[sampler] = read_profile(str(path))
    default, independent = profiles[None], profiles[INDEPENDENT]
    assert default.sampler == samplers.PY_SPY
    assert default.samples_taken >= 2000 and independent.samples_taken >= 2000
    result = agreement(default, independent, top=5)
    rows = "\n".join("%-60s %5.1f%% %5.1f%%" % (r["function"], 100 * r["first"],
                                               100 * r["second"]) for r in result["rows"])
    assert result["same_functions"] and result["within_tolerance"], rows
    assert "run_benchmark.py" in result["rows"][0]["function"], rows   # the benchmark's own
