"""The studies: each a question about where Python's time goes, answered by measurement, run as
``ev bench NAME`` (``ev bench --list`` says what each answers, its docs page and the time a
run took there). A study's home is a package here (its cases, its model, its report, its
command: ev.studies.profiler_weight); ``python -m benchmarks.NAME`` is its old name, kept as
a shim. What several studies share: ``interpreter_options`` (the options of a
cross-interpreter study). The studies sit above every layer of ev: they may import any of it,
and nothing of ev imports them (ev.cli.command names ev.studies.bench by its module name,
imported when ``ev bench`` runs)."""
import collections

Study = collections.namedtuple("Study", "name module question docs")

STUDIES = (
    Study("limits", "ev.studies.limits",
          "How far is each contender (numpy, unrolled, numba, PyPy) from C on the same "
          "creatures?", "docs/how-far-from-c.md"),
    Study("calls", "ev.studies.calls",
          "What does one call cost, and one numpy run_step statement by statement?",
          "docs/crossing-cost.md"),
    Study("sweep", "ev.studies.sweep",
          "Where does unrolling stop paying, per interpreter?", "docs/unrolling.md"),
    Study("profiler_weight", "ev.studies.profiler_weight",
          "What does a profiler (vmprof, cProfile) do to the times it measures?",
          "docs/profilers.md"),
    Study("pid_vs_cma", "ev.studies.pid_vs_cma",
          "Does ev's evolution find a flying PID as fast as pycma's CMA-ES?",
          "docs/pid-that-flies.md"),
    Study("scaling", "ev.studies.scaling",
          "What do 1 and 2 local workers buy, and how many CPython cores match one PyPy "
          "core?", "docs/workers.md"),
    Study("clip_literals", "ev.studies.clip_literals",
          "What does a literal returned from a branch cost on PyPy?", "docs/hot-path-fixes.md"),
    Study("interleave", "ev.studies.interleave",
          "How should two cells take turns so that their ratio holds on a noisy machine?",
          "docs/report.md"),
    Study("numpy_share", "ev.studies.numpy_share",
          "What share of a numpy cell's generation is numpy, measured without a profiler?",
          "docs/pythons.md"),
    Study("sampler_field", "ev.studies.sampler_field",
          "Do the samplers (py-spy, austin, perf, profiling.sampling, vmprof) crash, agree "
          "and cost the same on programs nobody here wrote (pyperformance's)?",
          "docs/own-program.md"),
)
BY_NAME = dict((study.name, study) for study in STUDIES)
