"""The clip_literals study (``ev bench clip_literals``): what a literal returned from a branch
costs on PyPy.

Evolves a population for a while (its controllers end up alternating between full and zero
thrust), then times the evaluation of the same 250 creatures with two clips of the motor
command, each in a fresh process (its answer: ev.common.result_file) so that neither inherits
the other's JIT state:

  literal   -- ``return 0.0`` / ``return 1.0`` in the branches (the obvious code)
  computed  -- ``return value * 0.0 + 0.0`` / ``+ 1.0`` (ev.model.quadcopter.clip_pwm: the
               same numbers)

Prints the median seconds of ROUNDS evaluations for each, and their ratio.

Its parts: ``cases`` (the two clips, one worker's measurement), ``command`` (the worker
processes and the lines it prints).  Its findings: docs/hot-path-fixes.md.
"""
