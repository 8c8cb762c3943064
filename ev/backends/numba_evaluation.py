"""The ``numba`` variant: the evaluation a CPython user would write with numba.

``ev.model.quadcopter.rates`` and ``clip_pwm`` are compiled as they are (one source for the physics),
inlined into an ``@njit`` flight loop that mirrors Quadcopter.step and ev.model.fitness.fly.
Inlining matters: without it numba keeps rates() as a 16-argument call that returns its tuple
through memory, about 1.5x slower.  Compilation happens in the first generation (no cache), so
the report's first-generation column shows its cost.
"""
import math

import numpy as np
from numba import njit

from ev.model import quadcopter
from ev.model.fitness import DT, ENVIRONMENTS, OVERSHOOT_PENALTY
from ev.model.quadcopter import SINGULAR_COS, SingularAttitude
from ev.backends.vectorized import genome_arrays

rates = njit(inline="always")(quadcopter.rates)
clip_pwm = njit(inline="always")(quadcopter.clip_pwm)


@njit
def fly(matrix, constant, state_vars, start, setpoint, steps, state, out):
    """(fitness, ok) of one flight; ok is False at the Euler-angle singularity."""
    u = v = w = p = q = r = phi = theta = psi = x = y = 0.0
    z = -start
    trig_phi = trig_theta = trig_psi = 0.0          # the angles the sines/cosines belong to
    sin_phi, cos_phi, sin_theta, cos_theta, sin_psi, cos_psi = 0.0, 1.0, 0.0, 1.0, 0.0, 1.0
    state[:] = 0.0
    rows, cols = matrix.shape
    last_distance = abs(setpoint - start)
    fitness = 0.0
    for _ in range(steps):
        state[state_vars] = setpoint
        state[state_vars + 1] = -z
        for i in range(rows):
            total = matrix[i, 0] * state[0]
            for j in range(1, cols):
                total += matrix[i, j] * state[j]
            out[i] = total + constant[i]
        for i in range(state_vars):
            state[i] = out[i]
        pwm = clip_pwm(out[state_vars])
        if phi != trig_phi or theta != trig_theta or psi != trig_psi:
            cos_theta = math.cos(theta)
            if -SINGULAR_COS < cos_theta < SINGULAR_COS:
                return fitness, False
            sin_phi, cos_phi, sin_theta = math.sin(phi), math.cos(phi), math.sin(theta)
            sin_psi, cos_psi = math.sin(psi), math.cos(psi)
            trig_phi, trig_theta, trig_psi = phi, theta, psi
        du, dv, dw, dp, dq, dr, dphi, dtheta, dpsi, dx, dy, dz = rates(
            u, v, w, p, q, r, sin_phi, cos_phi, sin_theta, cos_theta, sin_psi, cos_psi,
            pwm, pwm, pwm, pwm)
        u = u + du * DT; v = v + dv * DT; w = w + dw * DT
        p = p + dp * DT; q = q + dq * DT; r = r + dr * DT
        phi = phi + dphi * DT; theta = theta + dtheta * DT; psi = psi + dpsi * DT
        x = x + dx * DT; y = y + dy * DT
        z = z + dz * DT
        if z >= 0.0:
            z = 0.0
            if w > 0.0:
                w = 0.0
        distance = abs(setpoint - -z)
        if distance > last_distance:
            fitness += OVERSHOOT_PENALTY * distance
        else:
            fitness += distance
        last_distance = distance
    return fitness, True


@njit
def evaluate_batch(matrices, constants, state_vars, starts, setpoints, steps, fitness):
    """Fill fitness[c] with creature c's sum over the environments; return the index of the
    first creature that hit the singularity, or -1."""
    cols = matrices.shape[2]
    state = np.zeros(cols)
    out = np.zeros(matrices.shape[1])
    for c in range(matrices.shape[0]):
        total = 0.0
        for e in range(starts.shape[0]):
            flight, ok = fly(matrices[c], constants[c], state_vars, starts[e], setpoints[e],
                             steps[e], state, out)
            if not ok:
                return c
            total += flight
        fitness[c] = total if total == total else math.inf
    return -1


STARTS = np.array([env.start for env in ENVIRONMENTS])
SETPOINTS = np.array([env.setpoint for env in ENVIRONMENTS])
STEPS = np.array([env.steps for env in ENVIRONMENTS], dtype=np.int64)


def evaluate_population(creatures):
    """Give every creature its fitness (the sum over ENVIRONMENTS, in their order)."""
    if not creatures:
        return
    shape, matrices, constants = genome_arrays(creatures)
    fitness = np.empty(len(creatures))
    failed = evaluate_batch(matrices, constants, shape.state_vars, STARTS, SETPOINTS, STEPS,
                            fitness)
    if failed >= 0:
        raise SingularAttitude("pitch angle theta reached +-90 degrees: cos(theta) == 0")
    for creature, value in zip(creatures, fitness.tolist()):
        creature.fitness = value
