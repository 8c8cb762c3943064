import json
import random

import pytest

from ev.model.creature import Creature
from ev.model.creature_base import DEFAULT_SHAPE, Shape
from ev.common.rng import Rng
from specialized.creature import SpecializedCreature


def pair(rng):
    numpy_creature = Creature.random(rng)
    return numpy_creature, SpecializedCreature(numpy_creature.matrix_values,
                                               numpy_creature.constant_values)


def test_numpy_and_unrolled_agree_on_every_step_for_thousands_of_creatures():
    rng = Rng(1234)
    inputs_rng = random.Random(99)
    for _ in range(2000):
        a, b = pair(rng)
        for _ in range(10):
            inputs = [inputs_rng.uniform(-300, 300), inputs_rng.uniform(0, 300)]
            out_a, out_b = a.run_step(inputs), b.run_step(inputs)
            assert len(out_a) == len(out_b) == 1
            assert type(out_a[0]) is float and type(out_b[0]) is float
            assert out_b[0] == pytest.approx(out_a[0], rel=1e-12, abs=1e-12)
            assert b.state0 == pytest.approx(float(a.state[0]), rel=1e-12, abs=1e-12)


def test_reset_zeroes_the_state():
    for creature in pair(Rng(3)):
        creature.run_step([5.0, 3.0])
        creature.reset()
        first = creature.run_step([5.0, 3.0])
        creature.reset()
        assert creature.run_step([5.0, 3.0]) == first


def test_both_kinds_reproduce_identically_from_the_same_random_source():
    a, b = pair(Rng(7))
    rng_a, rng_b = Rng(11), Rng(11)
    for _ in range(200):
        a, b = a.child(rng_a), b.child(rng_b)
        assert type(a) is Creature and type(b) is SpecializedCreature
        assert a.matrix_values == b.matrix_values
        assert a.constant_values == b.constant_values


def test_a_child_differs_from_its_parent_in_matrix_or_constant_not_both():
    rng = Rng(5)
    parent = Creature.random(rng)
    changed_both = 0
    changed_any = 0
    for _ in range(500):
        child = parent.child(rng)
        m = child.matrix_values != parent.matrix_values
        c = child.constant_values != parent.constant_values
        changed_both += m and c
        changed_any += m or c
        assert child.fitness is None
        if m or c:   # the operator names the list it changed
            assert child.operator.endswith("(matrix)" if m else "(constant)")
    assert changed_both == 0
    assert changed_any > 400  # a few operators can leave a value as it was (e.g. 0 -> 0)


def test_genome_holds_plain_floats_never_numpy_scalars():
    import numpy as np
    creature = SpecializedCreature(np.arange(6.0), np.ones(2))
    assert all(type(x) is float for x in creature.matrix_values + creature.constant_values)
    assert type(creature.m00) is float


@pytest.mark.parametrize("kind", [Creature, SpecializedCreature])
def test_saved_creature_round_trips_through_json(kind):
    creature = kind.random(Rng(2))
    creature.fitness = 123.5
    again = kind.from_dict(json.loads(json.dumps(creature.to_dict())))
    assert again.matrix_values == creature.matrix_values
    assert again.constant_values == creature.constant_values
    assert again.fitness == 123.5
    assert again.run_step([1.0, 2.0]) == creature.run_step([1.0, 2.0])


def test_genome_that_does_not_fit_the_shape_is_refused():
    with pytest.raises(ValueError, match="does not fit"):
        Creature([1.0] * 5, [0.0, 0.0])


def test_specialized_creature_refuses_other_shapes():
    shape = Shape(2, 1, 2)
    with pytest.raises(ValueError):
        SpecializedCreature([0.0] * (shape.rows * shape.cols), [0.0] * shape.rows, shape)
