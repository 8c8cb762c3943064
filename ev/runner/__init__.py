"""ev's runner: the one place that starts child processes and times them.

What every caller (``ev matrix``, its ``--task fly`` and ``--profile`` runs; the benchmarks
may move onto it) shares: a plan of cells and rounds in rotating order (``plan``), child
processes run fresh or kept warm and run in slices (``children``), Ctrl-C, SIGTERM and SIGHUP
forwarded to the running child and turned into one exit status (``signals``), what a child's
records say about how it ended (``ends``), the machine's own noise timed between rounds
(``noise``) and the terminal a person reads while it all runs (``status``).  A one-shot
child's answer comes in a file its parent names (ev.common.result_file, in the lowest layer
so that the interpreter probe of ev.pythons uses it too: pyperformance's model).

Children talk to the runner in records only (ev.store.records: a run record, generation
records, an end record); their printed lines go to their logs and are never read for data.
"""
