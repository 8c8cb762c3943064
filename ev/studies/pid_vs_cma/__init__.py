"""The pid_vs_cma study (``ev bench pid_vs_cma``): ev's evolution against pycma's CMA-ES on
the PID task.

Both search the same PID gains (ev.model.pid) for the same fitness (ev.model.fitness.evaluate,
lower is better) with the same number of evaluations: ev's GA with its population and
generations, and CMA-ES (pycma, the well-kept implementation) on the logarithms of the gains,
started from the same log-uniform range, with its default population, restarted from a new
random point whenever it stops until the budget is spent. For each seed: the best fitness each
reached, whether that controller flies, and the evaluations each had spent when its best so far
first flew (what --until-flies waits for: ev.model.replay.flies_and_generalizes; the GA's best
is checked after each generation, CMA-ES's at each improvement). Run it on PyPy: the
evaluations are ev's JIT-compiled flights, pycma's own arithmetic is numpy.

Its parts: ``cases`` (the two searches, and when each best first flew), ``model`` (a row
per seed), ``report`` (the table), ``command`` (the options).  Its measured time and
findings: docs/pid-that-flies.md.
"""
