"""A yardstick, not a way ev runs: the leanest flight loop the Python source can give PyPy.

The same fitness as ``ev.model.fitness.evaluate`` for the article's controller, bit for bit
(tests/test_study_limits.py checks it), written as a JIT would wish: every value of the
flight in a local variable (no quadcopter object, nothing stored to the heap), the controller's
coefficients read once per flight and its step inlined, one motor command instead of four
equal ones, and nothing computed that the fitness does not read (no x, y or clock).  The physics
is ``ev.model.quadcopter.rates`` and ``clip_pwm`` themselves.

``ev bench limits --batches full-thrust`` times it against C on flights that stay on the
loop's path: what remains there is the distance between PyPy's machine code and GCC's for the
same arithmetic, which no rewrite of the source can close.  On the creatures of a real run it
is slower than ev's own loop: PyPy compiles the bridges out of its branches as whole further
steps (``traces.jitlog`` shows them: the clip's is 202 operations, ev's 59).
"""
import math

from ev.model.creature_base import DEFAULT_SHAPE
from ev.model.fitness import DT, ENVIRONMENTS, OVERSHOOT_PENALTY, settled
from ev.model.quadcopter import SINGULAR_COS, SingularAttitude, clip_pwm, rates
from specialized import creature_class_for

creature_class = creature_class_for(DEFAULT_SHAPE)


def evaluate_all(creatures):
    for creature in creatures:
        total = 0.0
        for env in ENVIRONMENTS:
            total += fly(creature.matrix_values, creature.constant_values, env)
        creature.fitness = settled(total)


def fly(matrix, constant, env):
    """ev.model.fitness.fly with Quadcopter.step and the article's controller written out."""
    m00, m01, m02, m10, m11, m12 = matrix
    c0, c1 = constant
    setpoint = env.setpoint
    u = v = w = p = q = r = phi = theta = psi = 0.0
    z = -env.start
    trig_phi = trig_theta = trig_psi = 0.0
    sin_phi = sin_theta = sin_psi = 0.0
    cos_phi = cos_theta = cos_psi = 1.0
    last_distance = abs(setpoint - env.start)
    fitness = 0.0
    altitude = env.start
    state = 0.0
    command = clip_pwm(m10 * state + m11 * setpoint + m12 * altitude + c1)
    state = m00 * state + m01 * setpoint + m02 * altitude + c0
    for _ in range(env.steps):
        if phi != trig_phi or theta != trig_theta or psi != trig_psi:
            cos_theta = math.cos(theta)
            if -SINGULAR_COS < cos_theta < SINGULAR_COS:
                raise SingularAttitude("pitch angle theta = %r: cos(theta) == 0" % (theta,))
            sin_phi = math.sin(phi); cos_phi = math.cos(phi); sin_theta = math.sin(theta)
            sin_psi = math.sin(psi); cos_psi = math.cos(psi)
            trig_phi = phi; trig_theta = theta; trig_psi = psi
        (du, dv, dw, dp, dq, dr, dphi, dtheta, dpsi, _, _, dz) = rates(
            u, v, w, p, q, r, sin_phi, cos_phi, sin_theta, cos_theta, sin_psi, cos_psi,
            command, command, command, command)
        u = u + du * DT; v = v + dv * DT; w = w + dw * DT
        p = p + dp * DT; q = q + dq * DT; r = r + dr * DT
        phi = phi + dphi * DT; theta = theta + dtheta * DT; psi = psi + dpsi * DT
        z = z + dz * DT
        if z >= 0.0:
            z = 0.0
            if w > 0.0:
                w = 0.0
        altitude = -z
        distance = abs(setpoint - altitude)
        if distance > last_distance:
            fitness += OVERSHOOT_PENALTY * distance
        else:
            fitness += distance
        last_distance = distance
        command = clip_pwm(m10 * state + m11 * setpoint + m12 * altitude + c1)
        state = m00 * state + m01 * setpoint + m02 * altitude + c0
    return fitness
