"""The sampler_field study (``ev bench sampler_field``, options ``--out DIR``, ``--only NAME``...,
``--repeats N``): every sampler of traces.record on programs nobody here wrote --
pyperformance's benchmarks that need nothing but pyperf -- under the interpreter that runs this
command. Outside CI (about half an hour).

Each benchmark runs in one process with pyperf's worker options (``run_benchmark.py --worker
-p 1 -l LOOPS -n 1 -w 0``), LOOPS calibrated so that a plain run takes 2-5 s.  One round is
the plain run, then one recording by each sampler (py-spy, perf and vmprof at their
defaults, py-spy with --native, austin at 1,000 samples/s since it does not pause the
program), back to back, so that each recording's overhead is a ratio to a plain run taken
beside it; raytrace, chaos, float, deltablue, nbody, richards, spectral_norm and go get 5
rounds, the others 1.  Each run is a record in DIR/runs.jsonl (written as it finishes: a
stopped run keeps the rounds done); the table (DIR/table.md, and printed) gives per benchmark
and sampler: recordings that crashed (the program died of a signal or hung) and those the
sampler failed to make, agreement with py-spy (top 5 by self time, C folded into its Python
caller: the largest difference in points, and whether the functions were the same), and the
overhead (median ratio of recorded to plain wall time, with its range; perf's includes turning
its recording into stacks after the run, and each record keeps the run's own seconds too).

Its parts: ``cases`` (the benchmarks, the samplers, one round of runs), ``report`` (the
table), ``command`` (the options, the records file).  Its findings: docs/own-program.md.
"""
