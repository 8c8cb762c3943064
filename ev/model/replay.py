"""Replaying a creature: the flight recorded step by step, its step-response figures, and
whether it flies.

``ev.model.fitness.fly`` is the hot path and records nothing; ``fly_recorded`` flies the same
steps again with the altitude and the motor command kept at every step (a test scores the
recorded altitudes and gets fly's fitness to the last bit).
"""
import math
from collections import namedtuple

from ev.model.fitness import DT, ENVIRONMENTS, Environment, fly, settled
from ev.model.quadcopter import Quadcopter
from ev.model.step_response import flies, step_info

Flight = namedtuple("Flight", "env times altitudes commands fitness")

UNSEEN_SECONDS = 4.0
VALIDATION_START = 250.0


def fly_recorded(creature, env):
    """Fly ``env`` as ev.model.fitness.fly does, keeping every step's altitude and command;
    the fitness is fly's own (the hot path scores; this loop only records)."""
    fitness = fly(creature, env)
    quad = Quadcopter(env.start)
    creature.reset()
    times, altitudes, commands = [], [], []
    for step in range(env.steps):
        quad.set_thrust(creature.run_step([env.setpoint, quad.altitude])[0])
        quad.step(DT)
        times.append(DT * (step + 1))
        altitudes.append(quad.altitude)
        commands.append(quad.a1)
    return Flight(env, times, altitudes, commands, settled(fitness))


def random_environments(rng, count):
    """Steps the evolution never trained on: start 0-500 m, a step of +-0.5-10 m, 4 s."""
    envs = []
    for _ in range(count):
        start = rng.uniform(0.0, 500.0)
        size = rng.uniform(0.5, 10.0)
        up = rng.below(2) == 1 or start - size < 0.0
        envs.append(Environment.from_duration(start, start + size if up else start - size,
                                              UNSEEN_SECONDS))
    return envs


def assess(creature, envs=ENVIRONMENTS):
    """[(Flight, StepInfo or None)] for every environment; None when the flight failed."""
    results = []
    for env in envs:
        flight = fly_recorded(creature, env)
        info = None
        if math.isfinite(flight.fitness):
            info = step_info(flight.times, flight.altitudes, env.start, env.setpoint)
        results.append((flight, info))
    return results


def validation_grid():
    """The held-out steps --until-flies also checks: every size the definition of "flies"
    covers, 0.5 to 10 m in steps of 0.5 m, up and down, 4 s each, from 250 m.  A grid rather
    than a random draw: overshoot and settling change smoothly with the step's size, so a
    creature that flies the grid flies the steps between; ev.reporting.show's random steps stay unseen."""
    sizes = [0.5 * i for i in range(1, 21)]
    return [Environment.from_duration(VALIDATION_START, VALIDATION_START + sign * size,
                                      UNSEEN_SECONDS)
            for size in sizes for sign in (1.0, -1.0)]


VALIDATION_ENVIRONMENTS = tuple(validation_grid())


def flies_everywhere(creature, envs=ENVIRONMENTS):
    return all(info is not None and flies(info) for _, info in assess(creature, envs))


def flies_and_generalizes(creature):
    """What --until-flies waits for: flies in the five training environments and on the
    validation grid.  (The first creature to fly the training steps alone was often a
    high-gain controller that missed the 2% band or overshot on steps of other sizes.)"""
    return (flies_everywhere(creature)
            and flies_everywhere(creature, VALIDATION_ENVIRONMENTS))
