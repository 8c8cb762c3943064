import math
import random

import pytest

from ev.model.quadcopter import G, Quadcopter, SingularAttitude

DT = 0.01


def fly_steps(quad, steps):
    for _ in range(steps):
        quad.step(DT)


def test_free_fall_for_one_second_matches_half_g_t_squared():
    quad = Quadcopter(altitude=100.0)
    fly_steps(quad, 100)
    fallen = 100.0 - quad.altitude
    exact = G / 2 * 1.0 ** 2
    # Explicit Euler lags the exact fall by g*dt*t/2.
    assert fallen < exact
    assert exact - fallen == pytest.approx(G * DT * 1.0 / 2, rel=1e-9)
    assert quad.t == pytest.approx(1.0)


def test_half_pwm_on_all_motors_hovers_without_drift():
    quad = Quadcopter(altitude=10.0)
    quad.set_thrust(0.5)
    fly_steps(quad, 1000)
    assert quad.altitude == 10.0
    assert (quad.u, quad.v, quad.w, quad.x, quad.y) == (0.0, 0.0, 0.0, 0.0, 0.0)


def test_more_than_half_pwm_climbs_less_descends():
    up, down = Quadcopter(10.0), Quadcopter(10.0)
    up.set_thrust(0.6)
    down.set_thrust(0.4)
    fly_steps(up, 50)
    fly_steps(down, 50)
    assert up.altitude > 10.0 > down.altitude


@pytest.mark.parametrize("seed", range(5))
def test_equal_motors_keep_attitude_and_horizontal_position_exactly_zero(seed):
    rng = random.Random(seed)
    quad = Quadcopter(altitude=50.0)
    for _ in range(500):
        quad.set_thrust(rng.random())
        quad.step(DT)
        assert (quad.phi, quad.theta, quad.psi) == (0.0, 0.0, 0.0)
        assert (quad.p, quad.q, quad.r, quad.x, quad.y) == (0.0, 0.0, 0.0, 0.0, 0.0)


def test_unequal_motors_roll_pitch_and_yaw_with_the_model_signs():
    balance = math.sqrt((0.4 ** 2 + 0.6 ** 2) / 2)   # keeps o1 + o3 == o2 + o4: no yaw moment
    roll = Quadcopter(50.0)
    roll.set_motors(balance, 0.4, balance, 0.6)      # o4 > o2: L > 0
    pitch = Quadcopter(50.0)
    pitch.set_motors(0.6, balance, 0.4, balance)     # o1 > o3: M > 0
    yaw = Quadcopter(50.0)
    yaw.set_motors(0.4, 0.6, 0.4, 0.6)        # o2 + o4 > o1 + o3: N > 0
    for quad in (roll, pitch, yaw):
        fly_steps(quad, 20)
    tiny = pytest.approx(0.0, abs=1e-12)
    assert roll.p > 0 and roll.phi > 0 and roll.q == tiny and roll.theta == tiny
    assert pitch.q > 0 and pitch.theta > 0 and pitch.p == tiny and pitch.phi == tiny
    assert yaw.r > 0 and yaw.psi > 0 and yaw.phi == 0 and yaw.theta == 0
    # Reversed commands turn the other way.
    neg = Quadcopter(50.0)
    neg.set_motors(balance, 0.6, balance, 0.4)
    fly_steps(neg, 20)
    assert neg.phi == pytest.approx(-roll.phi)


def test_rolled_thrust_moves_sideways():
    quad = Quadcopter(50.0)
    quad.phi = 0.1  # rolled right: thrust has a +y component in earth axes
    quad.set_thrust(0.5)
    fly_steps(quad, 100)
    assert quad.y > 0.0


def test_ground_stops_the_fall_and_zeroes_vertical_speed():
    quad = Quadcopter(altitude=0.5)
    fly_steps(quad, 100)
    assert quad.altitude == 0.0
    assert quad.w == 0.0
    quad.set_thrust(1.0)
    fly_steps(quad, 10)
    assert quad.altitude > 0.0


def test_pwm_is_clipped_to_unit_interval():
    quad = Quadcopter(10.0)
    quad.set_thrust(7.0)
    assert quad.a1 == quad.a4 == 1.0
    quad.set_motors(-1.0, 0.3, 2.0, 0.0)
    assert (quad.a1, quad.a2, quad.a3, quad.a4) == (0.0, 0.3, 1.0, 0.0)


def test_pitch_of_ninety_degrees_raises_a_clear_error():
    quad = Quadcopter(10.0)
    quad.theta = math.pi / 2
    with pytest.raises(SingularAttitude, match="cos\\(theta\\)"):
        quad.step(DT)


def test_altitude_below_ground_is_refused():
    with pytest.raises(ValueError):
        Quadcopter(-1.0)


def test_clip_is_exact_for_finite_commands_and_nan_for_the_rest():
    from ev.model.quadcopter import clip_pwm
    rng = random.Random(4)
    for _ in range(20000):
        value = rng.uniform(-3.0, 4.0) * 10 ** rng.randint(-5, 300)
        assert clip_pwm(value) == min(max(value, 0.0), 1.0)
        assert math.copysign(1.0, clip_pwm(value)) == 1.0     # never -0.0
    for value in (float("inf"), -float("inf"), float("nan")):
        assert math.isnan(clip_pwm(value))


def general_rates(u, v, w, p, q, r, sin_phi, cos_phi, sin_theta, cos_theta, sin_psi, cos_psi,
                  a1, a2, a3, a4, izx=0.0):
    """The general rigid body of the original qrmod.c: rotor forces X, Y along the body x and
    y axes (zero for these rotors) and the p-r coupling through the product of inertia Izx
    (Cramer's rule).  The reference ev.model.quadcopter.rates is checked against."""
    from ev.model.quadcopter import ARM, DRAG_ARM, IX, IY, IZ, MASS, MAX_MOTOR_FORCE
    o1, o2, o3, o4 = a1 * a1, a2 * a2, a3 * a3, a4 * a4
    X = Y = 0.0
    Z = -MAX_MOTOR_FORCE * (o1 + o2 + o3 + o4)
    L = ARM * MAX_MOTOR_FORCE * (o4 - o2)
    M = ARM * MAX_MOTOR_FORCE * (o1 - o3)
    N = DRAG_ARM * MAX_MOTOR_FORCE * (o2 + o4 - o1 - o3)
    du = X / MASS - G * sin_theta - q * w + r * v
    dv = Y / MASS + G * cos_theta * sin_phi - r * u + p * w
    dw = Z / MASS + G * cos_theta * cos_phi - p * v + q * u
    rhs_p = L - q * r * (IZ - IY) + izx * p * q
    rhs_r = N - p * q * (IY - IX) - izx * q * r
    det = IX * IZ - izx * izx
    dp = (rhs_p * IZ + izx * rhs_r) / det
    dr = (IX * rhs_r + izx * rhs_p) / det
    dq = (M - r * p * (IX - IZ) + izx * (p * p - r * r)) / IY
    q_sin_r_cos = q * sin_phi + r * cos_phi
    dphi = p + q_sin_r_cos * (sin_theta / cos_theta)
    dtheta = q * cos_phi - r * sin_phi
    dpsi = q_sin_r_cos / cos_theta
    dx = (u * cos_theta * cos_psi + v * (sin_phi * sin_theta * cos_psi - cos_phi * sin_psi)
          + w * (cos_phi * sin_theta * cos_psi + sin_phi * sin_psi))
    dy = (u * cos_theta * sin_psi + v * (sin_phi * sin_theta * sin_psi + cos_phi * cos_psi)
          + w * (cos_phi * sin_theta * sin_psi - sin_phi * cos_psi))
    dz = -u * sin_theta + v * sin_phi * cos_theta + w * cos_phi * cos_theta
    return du, dv, dw, dp, dq, dr, dphi, dtheta, dpsi, dx, dy, dz


@pytest.mark.parametrize("seed", range(4))
def test_rates_equal_the_general_rigid_body_with_this_models_constants(seed):
    from ev.model.quadcopter import rates
    rng = random.Random(seed)

    def value():   # exact zeros (level flight, equal motors) as often as anything else
        return rng.choice((0.0, -0.0, rng.uniform(-50.0, 50.0), rng.uniform(-1e6, 1e6)))

    for _ in range(3000):
        angles = [rng.choice((0.0, rng.uniform(-1.5, 1.5))) for _ in range(3)]
        trig = []
        for angle in angles:
            trig += [math.sin(angle), math.cos(angle)]
        motors = [rng.choice((0.0, 0.5, 1.0, rng.random())) for _ in range(4)]
        args = [value() for _ in range(6)] + trig + motors
        # == also holds between 0.0 and -0.0: the one difference the general form can make
        # for finite states (a sign of zero, which no later step can turn into a value).
        assert list(rates(*args)) == list(general_rates(*args)), args
    # The check has teeth: with a product of inertia the coupling terms do not vanish.
    args = [1.0, 2.0, 3.0, 0.5, -0.25, 0.75, 0.0, 1.0, 0.0, 1.0, 0.0, 1.0, 0.9, 0.1, 0.4, 0.6]
    assert list(rates(*args)) != list(general_rates(*args, izx=0.1))
