"""The numpy expert's contender: every creature awaiting a fitness flies in lockstep.

Matrices become one (P, rows, cols) array; the quadcopter's state becomes one array per state
variable, and ``ev.model.quadcopter.rates`` (the same physics) runs on those arrays element-wise.
Ground contact and the overshoot penalty are masks.  The matrix product is summed column by
column, in the same order as the scalar creatures, so results match them to the last bits.
The loop calls only ufuncs and indexing: numpy functions such as np.where or np.any call a
Python dispatcher from C, a transition on which vmprof 0.6.0 crashes CPython 3.11 when a
sample lands there.
"""
import numpy as np

from ev.model.fitness import DT, ENVIRONMENTS, OVERSHOOT_PENALTY, settled
from ev.model.quadcopter import SINGULAR_COS, SingularAttitude, rates


def genome_arrays(creatures):
    """(shape, matrices (P, rows, cols), constants (P, rows)) of creatures of one shape."""
    shape = creatures[0].shape
    matrices = np.array([c.matrix_values for c in creatures]).reshape(
        len(creatures), shape.rows, shape.cols)
    return shape, matrices, np.array([c.constant_values for c in creatures])


def evaluate_population(creatures):
    """Give every creature its fitness (the sum over all environments, in their order)."""
    if not creatures:
        return
    shape, matrices, constants = genome_arrays(creatures)
    with np.errstate(over="ignore", invalid="ignore"):  # overflow: a failed flight
        per_env = fly_population(matrices, constants, shape, ENVIRONMENTS,
                                 type(creatures[0]).vectorized_inputs(creatures))
    total = np.zeros(len(creatures))
    for env_fitness in per_env:
        total += env_fitness
    for creature, fitness in zip(creatures, total.tolist()):
        creature.fitness = settled(fitness)


def clip_pwm(values):
    """ev.model.quadcopter.clip_pwm over an array: [0, 1], and NaN for non-finite commands
    (values * 0.0 is 0.0 when finite, NaN otherwise)."""
    return np.minimum(np.maximum(values, 0.0), 1.0) + values * 0.0


def controller_outputs(matrices, constants, state):
    """out[e, p] = matrices[p] . state[e, p] + constants[p], summed in column order."""
    out = matrices[:, :, 0] * state[:, :, 0:1]
    for j in range(1, state.shape[-1]):
        out += matrices[:, :, j] * state[:, :, j:j + 1]
    return out + constants


def by_environment(values, grid):
    """One value per environment (row), repeated for every creature (column)."""
    return np.array(values, dtype=float)[:, None] * np.ones(grid)


def fly_population(matrices, constants, shape, environments, inputs):
    """The fitness of P controllers in E environments, an (E, P) array.  ``inputs`` maps the
    (setpoint, altitude) arrays to the controllers' two input columns (CreatureBase's
    vectorized_inputs).

    All environments fly at once (rows of the arrays); an environment's row stops counting once
    its own step count is reached, so the longest environment sets the number of steps."""
    grid = (len(environments), len(matrices))
    u, v, w, p, q, r, phi, theta, psi, x, y = (np.zeros(grid) for _ in range(11))
    z = -by_environment([env.start for env in environments], grid)
    setpoint = by_environment([env.setpoint for env in environments], grid)
    last_distance = np.abs(setpoint + z)
    fitness = np.zeros(grid)
    final = np.zeros(grid)
    state = np.zeros(grid + (shape.cols,))
    sv = shape.state_vars
    for step in range(max(env.steps for env in environments)):
        state[:, :, sv], state[:, :, sv + 1] = inputs(setpoint, -z)
        out = controller_outputs(matrices, constants, state)
        state[:, :, :sv] = out[:, :, :sv]
        pwm = clip_pwm(out[:, :, sv])

        cos_theta = np.cos(theta)
        if np.minimum.reduce(np.abs(cos_theta), axis=None) < SINGULAR_COS:
            raise SingularAttitude("pitch angle theta reached +-90 degrees: cos(theta) == 0")
        du, dv, dw, dp, dq, dr, dphi, dtheta, dpsi, dx, dy, dz = rates(
            u, v, w, p, q, r, np.sin(phi), np.cos(phi), np.sin(theta), cos_theta,
            np.sin(psi), np.cos(psi), pwm, pwm, pwm, pwm)
        u = u + du * DT; v = v + dv * DT; w = w + dw * DT
        p = p + dp * DT; q = q + dq * DT; r = r + dr * DT
        phi = phi + dphi * DT; theta = theta + dtheta * DT; psi = psi + dpsi * DT
        x = x + dx * DT; y = y + dy * DT
        z = z + dz * DT
        grounded = z >= 0.0
        z[grounded] = 0.0
        w[grounded & (w > 0.0)] = 0.0

        distance = np.abs(setpoint + z)
        grew = distance > last_distance
        fitness += distance * (1.0 + (OVERSHOOT_PENALTY - 1.0) * grew)
        last_distance = distance
        for e, env in enumerate(environments):
            if env.steps == step + 1:
                final[e] = fitness[e]
    return final
