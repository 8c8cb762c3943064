"""The scaling study (``ev bench scaling``): seconds per generation on 1 and 2 local workers, the parallel
efficiency, the cost of shipping the work, and how many CPython + numpy cores it would take
to match one PyPy + specialized core.

Each measurement is a real run, ``ev.main -n P -g G --seed S --creature V --results F`` in a
fresh process: serial (in-process, today's evaluation), ``--workers 1`` and ``--workers 2``,
in a rotated order within each round; s/gen is the median over its generations after the
first (imports, warm-up); a cell's figures over rounds are medians with their 99% repeat range
(ev.common.stats.Interval).  Every run of a cell must print the same fitness lines, whatever N.
Shipping is measured apart (``ship``, a child process: the same chunks with a no-op
evaluation).  The cores figure is Amdahl's law with the measured serial part; its model and
assumptions are printed with it.  A cell runs at a population only when its s/gen there,
extrapolated from the population below, stays under --max-seconds (the "fast cells").

Its parts: ``cases`` (the cells, the modes, each run and the plan of which run where),
``ship`` (the shipping child), ``model`` (efficiency and Amdahl's arithmetic), ``report`` (the
tables), ``command`` (the options).  Its measured time and findings: docs/workers.md.
"""
