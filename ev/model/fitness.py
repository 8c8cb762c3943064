"""Environments (setpoints to reach) and the flight loop that scores a creature in them."""
from collections import namedtuple

from ev.model.quadcopter import Quadcopter

DT = 0.01
OVERSHOOT_PENALTY = 3.0
# The fitness of a flight that went non-finite (a controller whose state overflowed).
FAILED = float("inf")


class Environment(namedtuple("Environment", "start setpoint steps")):
    """Fly from altitude ``start`` towards ``setpoint`` for ``steps`` steps of DT seconds."""
    __slots__ = ()

    @classmethod
    def from_duration(cls, start, setpoint, seconds):
        # An integer step count: a float clock stepped by 0.01 drifts to one step too many.
        return cls(float(start), float(setpoint), int(round(seconds / DT)))

    @property
    def seconds(self):
        return self.steps * DT


ENVIRONMENTS = (
    Environment.from_duration(3, 5, 2),
    Environment.from_duration(5, 3, 2),
    Environment.from_duration(100, 102, 2),
    Environment.from_duration(302, 300, 2),
    Environment.from_duration(50, 60, 4),
)


def fly(creature, env):
    """Fly one environment from a fresh quadcopter and a zeroed creature; return the fitness
    (lower is better).  Each step adds the distance to the setpoint, times OVERSHOOT_PENALTY
    when it grew since the previous step.  (ev.model.replay.fly_recorded flies these steps again
    with the flight recorded, for replays and plots.)

    The controller's command for the next step is taken at the end of each step: PyPy's JIT
    compiles this loop for one path, and a branch it did not take leaves the loop through a
    bridge that runs the rest of the iteration.  With the clip of the command last, its bridge
    holds little more than the jump back (61 operations instead of 288, README "How far from
    C").  The command after the last step is computed and never flown; the fitness is the
    same."""
    quad = Quadcopter(env.start)
    creature.reset()
    setpoint = env.setpoint
    last_distance = abs(setpoint - env.start)
    fitness = 0.0
    quad.set_thrust(creature.run_step([setpoint, quad.altitude])[0])
    for _ in range(env.steps):
        quad.step(DT)
        distance = abs(setpoint - quad.altitude)
        if distance > last_distance:
            fitness += OVERSHOOT_PENALTY * distance
        else:
            fitness += distance
        last_distance = distance
        quad.set_thrust(creature.run_step([setpoint, quad.altitude])[0])
    return fitness


def evaluate(creature):
    """A creature's fitness: the sum over all environments, in a fixed order."""
    total = 0.0
    for env in ENVIRONMENTS:
        total += fly(creature, env)
    return settled(total)


def settled(total):
    """The fitness to rank by: FAILED when a flight went non-finite (NaN compares false, so it
    must never reach the ranking)."""
    return total if total == total else FAILED


def evaluate_each(creatures):
    """Give every creature its fitness, one after another."""
    for creature in creatures:
        creature.fitness = evaluate(creature)
