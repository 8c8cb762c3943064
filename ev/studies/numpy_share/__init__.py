"""The numpy_share study (``ev bench numpy_share``): numpy's share of a numpy-cell generation,
measured without a profiler -- the second, independent method that ``ev.pythons.native_share`` (perf) is held
against.

    share = run_step calls per generation x (run_step whole - its Python glue) per call / s/gen

s/gen: the median of the timed generations after the first (seeded, plain run).  All times are
CPU time of this process (time.process_time), as perf's samples are: on a shared machine the
wall clock would count other processes' turns.  Calls: the same seeded run again with run_step counted (same seed, same work, same count).  Per call:
timeit of the whole ``run_step`` and of its glue alone (the call and attribute reads,
ev.studies.calls.cases.NumpyGlue), best of 5; the difference is what the numpy statements cost,
the interpreter's work to issue them included (perf counts that as the interpreter's: this
method is an upper bound on numpy's own code, perf's self share a lower one).  Prints one JSON
line, named and versioned (``ev-numpy-share``, its history in ``command``).  Runs in the interpreter it measures (inside a root too: no pyperf needed).

Its parts: ``cases`` (the seeded generations, the counted calls, the timed statements: the
calls study's), ``model`` (the share, the row), ``command`` (the options, the line it prints).
Its findings: docs/pythons.md."""
