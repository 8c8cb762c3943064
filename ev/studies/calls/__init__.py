"""The calls study (``ev bench calls``): what one call costs (a Python function, a builtin, a
C-extension function), and the numpy and specialized run_step statement by statement.

Each interpreter times every case with pyperf (its own runner: fresh worker processes,
calibrated loops, PyPy-aware warm-up); the figures are medians with their median absolute
deviation, net of the timing loop.

Its parts: ``cases`` (the statements timed), ``timer`` (the child each interpreter runs:
pyperf's Runner, with pyperf's options), ``callee.c`` and ``callee_build`` (the do-nothing
C-API functions, built by the set-up), ``model`` (net times, the run_step decompositions),
``report`` (the tables), ``command`` (the options).  Its findings: docs/crossing-cost.md.
"""
