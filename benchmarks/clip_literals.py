"""python -m benchmarks.clip_literals: what a literal returned from a branch costs on PyPy.

Evolves a population for a while (its controllers end up alternating between full and zero
thrust), then times the evaluation of the same 250 creatures with two clips of the motor
command, each in a fresh process (its answer: ev.common.result_file) so neither inherits the other's JIT state:
  literal   -- ``return 0.0`` / ``return 1.0`` in the branches (the obvious code)
  computed  -- ``return value * 0.0 + 0.0`` / ``+ 1.0`` (ev.model.quadcopter.clip_pwm: same numbers)
Prints the median seconds of ROUNDS evaluations for each, and their ratio.
"""
import sys
import time

from ev.common import result_file

ROUNDS = 7


def literal_clip(value):
    if value < 0.0:
        return 0.0
    if value > 1.0:
        return 1.0
    return value


def measure(kind, generations):
    from ev.model import quadcopter
    from ev.model.creature_base import DEFAULT_SHAPE
    from ev.model.fitness import evaluate_each
    from ev.common.rng import Rng
    from ev.common.stats import median
    from ev.evolution.universe import Universe
    from specialized.creature import SpecializedCreature
    universe = Universe.random(SpecializedCreature, 500, evaluate_each, Rng(42), DEFAULT_SHAPE)
    for _ in range(generations):
        universe.run_generation()
    if kind == "literal":
        quadcopter.clip_pwm = literal_clip   # set_thrust looks the name up at each call
    creatures = universe.creatures[:250]
    timings = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        evaluate_each(creatures)
        timings.append(time.perf_counter() - start)
    return median(timings[1:])


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--worker":
        result_file.answer(measure(sys.argv[2], int(sys.argv[3])))
        return
    generations = 15
    results = {}
    for kind in ("computed", "literal"):
        try:
            results[kind] = result_file.ask([sys.executable, "-m", "benchmarks.clip_literals",
                                             "--worker", kind, generations]).result
        except result_file.ChildFailed as error:
            sys.exit("the %s clip's worker failed: %s" % (kind, error))
        print("%-9s clip: %.4f s per evaluation of 250 evolved creatures (median of %d)"
              % (kind, results[kind], ROUNDS - 1))
    print("literal / computed: %.1fx  (%s)" % (results["literal"] / results["computed"],
                                               sys.version.split("\n")[-1]))


if __name__ == "__main__":
    main()
