"""A PID altitude controller whose genome is its gains, flown as the state-space creature.

The gains live on very different scales (a proportional gain near 1, a derivative gain near
0.1, an error limit of metres), so they are mutated in log space: a step multiplies a gain by
exp(N(0, sigma)), the same relative change whatever its size.

Two choices a control engineer would make, and why:
- The error is clamped to +-error_limit before it reaches the gains.  A controller linear in
  the error cannot fly this model: to settle a 2 m step in time it must close in at ~2.4 m/s
  per metre of error, which from 10 m away means ~13 m/s, and a quadcopter whose motors can
  only switch off (1 g of braking) cannot stop from that without overshooting by a third.  The
  clamp caps the approach speed far from the setpoint and leaves the PID linear near it.
- The feed-forward is the hover command, computed from the model (HOVER), not evolved: an
  evolved one was always a little off, and a PD's steady-state error is that offset / Kp,
  which misses the 2% band of a 0.5 m step.

``state_space`` compiles the gains into the linear form every creature kind already runs
(numpy, unrolled, vectorized), with two state variables, the integral of the clamped error
and the previous altitude, fed the clamped error and the altitude:

    integral'  = integral + DT * error
    previous'  = altitude
    command    = HOVER + Kp * error + Ki * integral - Kd * (altitude - previous) / DT

The derivative acts on the altitude, not the error, so a new setpoint gives no kick.  In the
very first step ``previous`` is 0 (creatures start with a zeroed state): that step's
derivative is meaningless and the command is clipped for one step of 0.01 s.
"""
import math

from ev.model.creature_base import Shape
from ev.model.fitness import DT
from ev.model.quadcopter import G, MASS, MAX_MOTOR_FORCE

GAIN_NAMES = ("kp", "ki", "kd", "error_limit")
# The command at which the four motors carry the weight: 4 * MAX_MOTOR_FORCE * c**2 = MASS * G.
HOVER = math.sqrt(MASS * G / (4.0 * MAX_MOTOR_FORCE))
PID_SHAPE = Shape(inputs=2, outputs=1, state_vars=2)
# Log-uniform start: wide, so that evolution finds the scale rather than being given it.
INITIAL_RANGES = (("kp", 0.01, 10.0), ("ki", 0.001, 1.0), ("kd", 0.01, 10.0),
                  ("error_limit", 0.1, 10.0))
SIGMA = 0.25          # a typical step: a gain times exp(N(0, 0.25)), about +-25%
LARGE_SIGMA = 1.5     # a rare large jump, for a gain stuck at the wrong scale


def state_space(gains, dt=DT):
    """(matrix, constant) as flat lists for PID_SHAPE: rows integral', previous', command;
    columns integral, previous, error (clamped), altitude.  The error limit is not in it:
    ``PidMixin.run_step`` clamps the error before the matrix sees it."""
    kp, ki, kd = gains[:3]
    matrix = [1.0, 0.0, dt, 0.0,
              0.0, 0.0, 0.0, 1.0,
              ki, kd / dt, kp, -(kd / dt)]
    constant = [0.0, 0.0, HOVER]
    return matrix, constant


def gains_from_state_space(matrix, constant, dt=DT):
    """kp, ki and kd of a state-space genome of PID form (the inverse of state_space)."""
    ki, kd_over_dt, kp = matrix[8], matrix[9], matrix[10]
    return (kp, ki, kd_over_dt * dt)


def random_gains(rng):
    return tuple(math.exp(rng.uniform(math.log(low), math.log(high)))
                 for _, low, high in INITIAL_RANGES)


def step_one(rng, gains):
    """One gain times exp(N(0, SIGMA))."""
    gains = list(gains)
    i = rng.below(len(gains))
    gains[i] *= math.exp(rng.normal(0.0, SIGMA))
    return tuple(gains)


def step_all(rng, gains):
    """Every gain times its own exp(N(0, SIGMA / 2))."""
    return tuple(g * math.exp(rng.normal(0.0, SIGMA / 2.0)) for g in gains)


def jump_one(rng, gains):
    """One gain times exp(N(0, LARGE_SIGMA)): a change of scale."""
    gains = list(gains)
    i = rng.below(len(gains))
    gains[i] *= math.exp(rng.normal(0.0, LARGE_SIGMA))
    return tuple(gains)


OPERATORS = (step_one, step_one, step_all, step_all, jump_one)


def mutate_gains(rng, gains):
    """(new gains, the operator's name)."""
    operator = OPERATORS[rng.below(len(OPERATORS))]
    return operator(rng, gains), operator.__name__


_classes = {}


def pid_creature_class(base):
    """The PID creature computed the way ``base`` (a creature kind) computes: the same
    run_step, fed the compiled state-space genome.  A numpy creature sums its product in
    order (ev.model.creature.InOrderCreature), so that every kind gives the same bits."""
    if base.kind == "numpy":
        from ev.model.creature import InOrderCreature
        base = InOrderCreature
    cls = _classes.get(base)
    if cls is None:
        cls = _classes[base] = type("Pid" + base.__name__, (PidMixin, base), {})
    return cls


class PidMixin(object):
    controller = "pid"

    def __init__(self, gains):
        self.gains = tuple(float(g) for g in gains)
        if len(self.gains) != len(GAIN_NAMES):
            raise ValueError("a PID genome has %d gains (%s), got %d"
                             % (len(GAIN_NAMES), ", ".join(GAIN_NAMES), len(self.gains)))
        self.error_limit = self.gains[3]
        matrix, constant = state_space(self.gains)
        super(PidMixin, self).__init__(matrix, constant, PID_SHAPE)

    def run_step(self, inputs):
        """Clamp the error, then run the creature kind's own state-space step on it."""
        altitude = inputs[1]
        error = inputs[0] - altitude
        limit = self.error_limit
        if error > limit:
            error = limit
        elif error < -limit:
            error = -limit
        return super(PidMixin, self).run_step([error, altitude])

    @classmethod
    def vectorized_inputs(cls, creatures):
        """ev.backends.vectorized's version of the clamp: (setpoint, altitude) arrays of shape
        (environments, creatures) -> the two input columns."""
        import numpy as np
        limits = np.array([c.error_limit for c in creatures])
        return lambda setpoint, altitude: (
            np.minimum(np.maximum(setpoint - altitude, -limits), limits), altitude)

    @classmethod
    def random(cls, rng, shape=PID_SHAPE):
        return cls(random_gains(rng))

    def mutation(self, rng):
        return mutate_gains(rng, self.gains)

    def born(self, mutation):
        gains, operator = mutation
        child = type(self)(gains)
        child.operator = operator
        return child

    def to_dict(self):
        data = super(PidMixin, self).to_dict()
        data["controller"] = self.controller
        data["gains"] = dict(zip(GAIN_NAMES, self.gains))
        return data

    @classmethod
    def from_dict(cls, data):
        creature = cls(tuple(data["gains"][name] for name in GAIN_NAMES))
        creature.fitness = data.get("fitness")
        return creature
