"""The limits study (``ev bench limits``): how far each contender is from C, on the same
creatures.

Records the batches of a seeded run (``batches``: every creature ev evaluated, with
its fitness), then, round after round, has each interpreter evaluate them through every
contender it can run (``timer``, a fresh process per interpreter and round;
the interpreters, and the contenders within each, take turns in an order rotated each
round).  Each contender's fitness must equal ev's bit for bit, or within 1e-12 relative (the
numpy creature's BLAS dot may round the last bit differently).  Reports milliseconds per 250
creatures (a generation's batch) and, per round, the ratio to the C contender (cpython-c, or
pypy-c without CPython) and to pypy-specialized; medians over rounds.

``--batches full-thrust`` evaluates as many controllers at full thrust instead, whose flights
stay on the path PyPy compiled the flight loop for: the distance to C of the loop body alone.
There, pypy-lean (``lean_flight``, the leanest loop the source can give PyPy) is the
floor of that distance for any rewrite of the Python code.

Its parts: ``batches`` (the creatures and the fitness ev gave them), ``timer`` (the child that
times one interpreter's contenders), ``lean_flight`` (the yardstick), ``cases`` (which
contenders each interpreter runs, one round of one interpreter), ``model`` (the rows over
rounds), ``report`` (the table), ``command`` (the options). Its measured time and findings:
docs/how-far-from-c.md.
"""
