"""Study: how should two cells take turns so that their ratio holds on a noisy machine?

Two warm processes (ev.main --serve through ev.runner.children.Warm, as ev matrix runs
them): the fastest Python cell (PyPy + the unrolled creature) and the c cell.  Rounds of two
layouts alternate in one sitting -- **slices** (one slice of about 1.5 s each, as ev matrix
ran the headline's cells before) and **parts** (the same generations in parts of about a
quarter of a second, ev.runner.plan.parts, as it runs them now) -- and each round's ratio of
the evaluation's seconds per generation is taken two ways: of the two cells' medians and of
their means.  Each of the four series is summarised by ev.common.stats' one rule (median,
99% repeat range); the narrower the range, the better the layout and the statistic hold on
this machine.  Results: docs/report.md ("How the headline is measured")."""
