"""The profiler_weight study (``ev bench profiler_weight``): what a profiler does to the times
it measures.

Every cell of the matrix (the cells of run_all.sh) runs the same seeded evolution three times,
one run after another: plain, under vmprof (ev.cli.evolve --profile: sampling, ~1,000 samples/s, and
its native frames), and under cProfile (``python -m cProfile``: a hook on every call and
return).  Each run writes its records; the steady median seconds per generation (without the
first) of each is compared with the plain run's.  A profiler that adds a fixed cost per call
distorts a comparison between code that makes many calls and code that makes few: the table
ends with the numpy vs specialized ratio of each interpreter under each mode.

Its parts: ``cases`` (the cells, the modes, each run's command), ``model`` (a measurement, the
overheads, the distortions), ``report`` (the table), ``command`` (the options).  Its measured
time and findings: docs/profilers.md.
"""
