import math

import numpy as np
import pytest

from ev.model.creature import Creature
from ev.model.fitness import FAILED, evaluate
from ev.common.rng import Rng
from ev.backends.vectorized import clip_pwm, evaluate_population
from specialized.creature import SpecializedCreature

from test_cli import fitness_lines


def test_lockstep_population_scores_like_one_creature_at_a_time():
    rng = Rng(17)
    creatures = [Creature.random(rng) for _ in range(40)]
    # A controller whose state overflows to inf/NaN must fail the same way in both.
    creatures.append(Creature([10.0, 0.0, 1.0, 10.0, 0.0, 0.0], [1.0, 0.0]))
    evaluate_population(creatures)
    for creature in creatures:
        scalar = evaluate(SpecializedCreature(creature.matrix_values, creature.constant_values))
        assert creature.fitness == pytest.approx(scalar, rel=1e-12)
    assert creatures[-1].fitness == FAILED


def test_array_clip_matches_the_scalar_clip():
    from ev.model.quadcopter import clip_pwm as scalar_clip
    values = np.array([-1e300, -2.0, -0.0, 0.0, 0.3, 1.0, 1.5, 1e300,
                       np.inf, -np.inf, np.nan])
    with np.errstate(invalid="ignore"):  # inf * 0.0 is the NaN we want
        clipped = clip_pwm(values)
    for got, value in zip(clipped.tolist(), values.tolist()):
        expected = scalar_clip(value)
        assert got == expected or (math.isnan(got) and math.isnan(expected))


def test_vectorized_evolution_prints_the_same_lines_as_specialized(run):
    outputs = []
    for variant in ("specialized", "vectorized"):
        result = run("ev.main", "-n", 16, "-g", 4, "--seed", 9, "--creature", variant)
        assert result.returncode == 0, result.stderr
        outputs.append(fitness_lines(result.stdout))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 4
