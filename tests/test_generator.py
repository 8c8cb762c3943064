import random

import pytest

from ev.model.creature import Creature
from ev.model.creature_base import DEFAULT_SHAPE, Shape
from ev.model.fitness import evaluate
from ev.common.rng import Rng
from specialized import creature_class_for
from specialized import generator
from specialized.creature import SpecializedCreature
from test_cli import fitness_lines


def test_generated_code_equals_numpy_for_many_random_shapes_and_inputs():
    rng, draw = Rng(31), random.Random(32)
    for _ in range(300):
        shape = Shape(draw.randint(1, 4), draw.randint(1, 3), draw.randint(0, 6))
        reference = Creature.random(rng, shape)
        unrolled = generator.creature_class_for(shape)(
            reference.matrix_values, reference.constant_values, shape)
        for _ in range(5):
            inputs = [draw.uniform(-100, 100) for _ in range(shape.inputs)]
            expected, got = reference.run_step(inputs), unrolled.run_step(inputs)
            assert len(got) == shape.outputs
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-9)
            assert unrolled.state == pytest.approx(reference.state[:shape.state_vars].tolist(),
                                                   rel=1e-12, abs=1e-9)


def test_generated_code_for_the_article_shape_matches_the_hand_written_one_exactly():
    generated_class = generator.creature_class_for(DEFAULT_SHAPE)
    rng, draw = Rng(5), random.Random(6)
    for _ in range(500):
        hand = SpecializedCreature.random(rng)
        gen = generated_class(hand.matrix_values, hand.constant_values)
        for _ in range(20):
            inputs = [draw.uniform(-300, 300), draw.uniform(0, 300)]
            assert gen.run_step(inputs) == hand.run_step(inputs)
            assert gen.state == [hand.state0]
    assert evaluate(gen) == evaluate(hand)


def test_each_shape_is_compiled_once():
    shape = Shape(3, 2, 7)  # a shape no other test uses
    before = generator.compile_count
    first = creature_class_for(shape)
    assert generator.compile_count == before + 1
    assert creature_class_for(shape) is first
    assert creature_class_for(Shape(3, 2, 7)) is first
    assert generator.compile_count == before + 1


def test_shapes_beyond_the_limit_are_refused_clearly():
    too_big = Shape(2, 1, 63)                     # 64 x 65 = 4160 multiply-adds
    assert too_big.rows * too_big.cols > generator.MAX_MULTIPLY_ADDS
    with pytest.raises(generator.ShapeTooLarge, match="4160 multiply-adds.*numpy"):
        generator.creature_class_for(too_big)
    assert generator.source_for(Shape(2, 1, 62))  # 63 x 64 = 4032: still allowed


def test_the_cli_runs_a_pid_sized_controller_identically_with_every_variant(run):
    lines = []
    for variant in ("numpy", "specialized", "vectorized"):
        result = run("ev.main", "-n", 12, "-g", 3, "--seed", 8, "--state-vars", 2,
                     "--creature", variant)
        assert result.returncode == 0, result.stderr
        lines.append(fitness_lines(result.stdout))
    assert lines[0] == lines[1] == lines[2] and len(lines[0]) == 3
