import pytest

from ev.model.creature import Creature
from ev.model.fitness import (DT, ENVIRONMENTS, OVERSHOOT_PENALTY, Environment, evaluate, fly,
                              settled)
from ev.model.replay import fly_recorded
from ev.common.rng import Rng
from specialized.creature import SpecializedCreature


def test_environments_have_integer_step_counts():
    assert [env.steps for env in ENVIRONMENTS] == [200, 200, 200, 200, 400]
    assert Environment.from_duration(0, 1, 4.0).steps == int(4.0 / DT + 0.5)


def test_fitness_is_the_distance_summed_with_overshoot_tripled():
    # A controller that always outputs 0.5 hovers: fitness is the constant distance per step.
    hover = SpecializedCreature([0.0] * 6, [0.0, 0.5])
    env = Environment(10.0, 12.0, 50)
    assert fly(hover, env) == pytest.approx(2.0 * 50)
    # Full power towards a setpoint below: every step moves away and its distance is tripled,
    # except the first (explicit Euler moves the position with the old velocity, zero).
    climb = SpecializedCreature([0.0] * 6, [0.0, 1.0])
    flight = fly_recorded(climb, Environment(10.0, 5.0, 30))
    fitness, altitudes = fly(climb, Environment(10.0, 5.0, 30)), flight.altitudes
    assert altitudes[0] == 10.0 < altitudes[1]
    assert fitness == pytest.approx(5.0 + sum(3 * (a - 5.0) for a in altitudes[1:]))


def test_fitness_does_not_depend_on_what_flew_before():
    rng = Rng(21)
    creatures = [SpecializedCreature.random(rng) for _ in range(6)]
    alone = [evaluate(c) for c in creatures]
    in_reverse = [evaluate(c) for c in reversed(creatures)][::-1]
    interleaved = []
    for c in creatures:
        evaluate(creatures[0])
        interleaved.append(evaluate(c))
    assert alone == in_reverse == interleaved


def test_numpy_and_specialized_fitness_agree():
    rng = Rng(8)
    for _ in range(10):
        a = Creature.random(rng)
        b = SpecializedCreature(a.matrix_values, a.constant_values)
        assert evaluate(b) == pytest.approx(evaluate(a), rel=1e-9)


def test_recorded_altitudes_follow_the_flight():
    creature = SpecializedCreature([0.0] * 6, [0.0, 0.6])
    flight = fly_recorded(creature, ENVIRONMENTS[0])
    altitudes = flight.altitudes
    assert len(altitudes) == len(flight.commands) == ENVIRONMENTS[0].steps
    assert altitudes[-1] > altitudes[1] > altitudes[0] == ENVIRONMENTS[0].start
    assert set(flight.commands) == {0.6}


def scored(altitudes, env):
    """The fitness rule applied to a recorded flight's altitudes (written out again here, so
    that the recording is checked against the hot loop's score, not against itself)."""
    last, total = abs(env.setpoint - env.start), 0.0
    for altitude in altitudes:
        distance = abs(env.setpoint - altitude)
        total += OVERSHOOT_PENALTY * distance if distance > last else distance
        last = distance
    return settled(total)


def test_a_recorded_flight_is_the_flight_the_hot_loop_scored():
    rng = Rng(5)
    for _ in range(20):
        creature = SpecializedCreature.random(rng)
        for env in ENVIRONMENTS:
            flight = fly_recorded(creature, env)
            assert scored(flight.altitudes, env) == flight.fitness == settled(fly(creature, env))
