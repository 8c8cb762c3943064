"""The sweep study (``ev bench sweep``): where unrolling stops paying, per interpreter.

Measures the cost of one run_step call, numpy creature against generated unrolled code, for
controllers with 2 inputs, 1 output and 1..K state variables (matrices up to (K+1) x (K+2)),
on each interpreter asked for, and reports the crossover: the smallest matrix from which numpy
is measurably faster at every larger size measured.

A measurement with its spread, as ``ev matrix`` takes one: ``--rounds R``, each round a fresh
worker process per interpreter, the interpreters in an order rotated each round, so that a
noisy minute of the machine falls on every interpreter rather than on one.  A worker times each
call in chunks after a warm-up and gives the median chunk; the figure is the median over rounds
with its repeat range (ev.common.stats.Interval).

Its parts: ``cases`` (the creatures timed, the worker's measurement, the rounds of workers),
``model`` (figures over rounds, verdicts, the crossover), ``report`` (the words, the table,
the plot), ``sweep_file`` (sweep.jsonl and its format history), ``command`` (the options).
Its measured time and findings: docs/unrolling.md.
"""
