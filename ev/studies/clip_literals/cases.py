"""The cases of the clip_literals study: the literal clip beside ev's computed one, and one
worker's measurement (run in a fresh process, so that no JIT state is shared)."""
import time

KINDS = ("computed", "literal")
GENERATIONS = 15   # evolved before timing: the controllers then clip at both ends
ROUNDS = 7


def literal_clip(value):
    if value < 0.0:
        return 0.0
    if value > 1.0:
        return 1.0
    return value


def measure(kind, generations):
    """Median seconds of ROUNDS - 1 evaluations of 250 evolved creatures with the ``kind``
    clip (the first evaluation warms up)."""
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
