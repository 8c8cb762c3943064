"""A rigid-body quadrotor: the "simple quad rotor model" of TU Delft's embedded software lab.

Full 6-DOF dynamics, integrated with explicit Euler.  Internally the model follows the aircraft
convention (body z axis and earth z axis point down); the public API speaks of altitude, which
points up.  ``step`` is a hot path of the whole project: it is written with locals and plain
floats so that PyPy's JIT turns it into straight float arithmetic.
"""
import math

G = 9.81
MASS = 1.0
MOTOR_THRUST = 1.0
MAX_MOTOR_FORCE = MOTOR_THRUST * G   # mf: force of one motor at full PWM
ARM = 1.0                            # b: roll/pitch moment arm
DRAG_ARM = 10.0                      # d: yaw moment per unit of motor force
IX = 1.0
IY = 1.0
IZ = 2.0


# |cos(theta)| below this is taken as the singularity: tan and 1/cos would be ~1e12 and above.
SINGULAR_COS = 1e-12


class SingularAttitude(ArithmeticError):
    """cos(theta) == 0 (pitch at +-90 degrees): the Euler-angle kinematics are undefined."""


def clip_pwm(value):
    """Clip a motor command to [0, 1]; a non-finite command gives NaN (a failed flight).

    Each branch returns a number computed from ``value`` (x * 0.0 is exactly 0.0 for finite x)
    rather than a literal: with a literal 0.0 or 1.0, PyPy's JIT specializes the compiled loop
    on that constant, and a controller that alternates between full and zero thrust switches
    loop versions through bridges at every change, which made flights 4x slower."""
    if value < 0.0:
        return value * 0.0 + 0.0
    if value > 1.0:
        return value * 0.0 + 1.0
    return value


class Quadcopter(object):
    """State of one quadrotor.  Velocities u, v, w and rates p, q, r are in body axes;
    angles phi, theta, psi are Euler angles (roll, pitch, yaw); x, y, z are earth position."""

    def __init__(self, altitude=0.0):
        if altitude < 0.0:
            raise ValueError("altitude must be >= 0 (the ground is at 0), got %r" % (altitude,))
        self.t = 0.0
        self.u = self.v = self.w = 0.0
        self.p = self.q = self.r = 0.0
        self.phi = self.theta = self.psi = 0.0
        self.x = self.y = 0.0
        self.z = -float(altitude)
        self.altitude = float(altitude)   # = -z, kept by step() (a plain attribute, not a property)
        self.a1 = self.a2 = self.a3 = self.a4 = 0.0
        # The sin/cos cache (see _update_trig): the angles it holds, then their sines and cosines.
        self._trig_phi = self._trig_theta = self._trig_psi = 0.0
        self._sin_phi = self._sin_theta = self._sin_psi = 0.0
        self._cos_phi = self._cos_theta = self._cos_psi = 1.0

    def set_thrust(self, pwm):
        """The same command on all four motors."""
        pwm = clip_pwm(pwm)
        self.a1 = self.a2 = self.a3 = self.a4 = pwm

    def set_motors(self, a1, a2, a3, a4):
        self.a1 = clip_pwm(a1)
        self.a2 = clip_pwm(a2)
        self.a3 = clip_pwm(a3)
        self.a4 = clip_pwm(a4)

    def step(self, dt):
        """Advance the state by dt seconds (one explicit Euler step of the full model)."""
        u = self.u; v = self.v; w = self.w
        p = self.p; q = self.q; r = self.r
        phi = self.phi; theta = self.theta; psi = self.psi
        if phi != self._trig_phi or theta != self._trig_theta or psi != self._trig_psi:
            self._update_trig(phi, theta, psi)
        (du, dv, dw, dp, dq, dr, dphi, dtheta, dpsi, dx, dy, dz) = rates(
            u, v, w, p, q, r, self._sin_phi, self._cos_phi, self._sin_theta, self._cos_theta,
            self._sin_psi, self._cos_psi, self.a1, self.a2, self.a3, self.a4)
        self.u = u + du * dt; self.v = v + dv * dt; self.w = w + dw * dt
        self.p = p + dp * dt; self.q = q + dq * dt; self.r = r + dr * dt
        self.phi = phi + dphi * dt; self.theta = theta + dtheta * dt; self.psi = psi + dpsi * dt
        self.x += dx * dt; self.y += dy * dt
        z = self.z + dz * dt
        if z >= 0.0:
            # Ground contact: the model rests on the ground.  Its downward body velocity is
            # zeroed (w is the vertical speed when level, which is the case in this project).
            z = 0.0
            if self.w > 0.0:
                self.w = 0.0
        self.z = z
        self.altitude = -z
        self.t += dt

    def _update_trig(self, phi, theta, psi):
        """Recompute the sines and cosines step() uses, for new angles.

        Six libm calls were most of a step's cost on PyPy, while in altitude-only flight the
        attitude never changes: step() calls this only when an angle changed, so the values
        are the very same and results are unaffected.  The cache is plain float attributes,
        not tuples: a JIT bridge that re-enters the flight loop re-reads and re-checks every
        boxed float of a tuple.  Also guards the Euler-angle singularity."""
        cos_theta = math.cos(theta)
        if -SINGULAR_COS < cos_theta < SINGULAR_COS:
            raise SingularAttitude("pitch angle theta = %r: cos(theta) == 0" % (theta,))
        self._sin_phi = math.sin(phi); self._cos_phi = math.cos(phi)
        self._sin_theta = math.sin(theta); self._cos_theta = cos_theta
        self._sin_psi = math.sin(psi); self._cos_psi = math.cos(psi)
        self._trig_phi = phi; self._trig_theta = theta; self._trig_psi = psi


def rates(u, v, w, p, q, r, sin_phi, cos_phi, sin_theta, cos_theta, sin_psi, cos_psi,
          a1, a2, a3, a4):
    """The model's time derivatives (du, dv, dw, dp, dq, dr, dphi, dtheta, dpsi, dx, dy, dz).

    Plain arithmetic only, so the same function serves one quadcopter (floats) and a whole
    population in lockstep (numpy arrays, ev.backends.vectorized): one source for the physics.

    Written for this model's rotors and frame, not the general rigid body the original
    ``qrmod.c`` spells out: the rotors push along the body z axis only (no X or Y force), and
    the frame is symmetric (product of inertia Izx = 0), so Euler's equations take their
    principal-axes form.  The general form adds terms that are ``0.0 * something``, which
    neither PyPy nor GCC may drop (``0.0 * x`` is not 0.0 for every float); written out, they
    were 18 of the 212 float operations of the flight loop on PyPy.  The values are the same
    (only the sign of a zero, or a state that already overflowed, can differ);
    tests/test_quadcopter.py checks this against the general form."""
    # Forces and moments from the four rotors (thrust ~ command squared).
    o1 = a1 * a1; o2 = a2 * a2; o3 = a3 * a3; o4 = a4 * a4
    Z = -MAX_MOTOR_FORCE * (o1 + o2 + o3 + o4)
    L = ARM * MAX_MOTOR_FORCE * (o4 - o2)
    M = ARM * MAX_MOTOR_FORCE * (o1 - o3)
    N = DRAG_ARM * MAX_MOTOR_FORCE * (o2 + o4 - o1 - o3)

    # Translational accelerations in body axes (gravity rotated into the body frame).
    du = -G * sin_theta - q * w + r * v
    dv = G * cos_theta * sin_phi - r * u + p * w
    dw = Z / MASS + G * cos_theta * cos_phi - p * v + q * u

    # Rotational accelerations (Euler's equations, principal axes).
    dp = (L - q * r * (IZ - IY)) / IX
    dq = (M - r * p * (IX - IZ)) / IY
    dr = (N - p * q * (IY - IX)) / IZ

    # Euler-angle rates from body rates.
    q_sin_r_cos = q * sin_phi + r * cos_phi
    dphi = p + q_sin_r_cos * (sin_theta / cos_theta)
    dtheta = q * cos_phi - r * sin_phi
    dpsi = q_sin_r_cos / cos_theta

    # Earth velocities: body velocities rotated body -> earth (yaw-pitch-roll).
    dx = (u * cos_theta * cos_psi
          + v * (sin_phi * sin_theta * cos_psi - cos_phi * sin_psi)
          + w * (cos_phi * sin_theta * cos_psi + sin_phi * sin_psi))
    dy = (u * cos_theta * sin_psi
          + v * (sin_phi * sin_theta * sin_psi + cos_phi * cos_psi)
          + w * (cos_phi * sin_theta * sin_psi - sin_phi * cos_psi))
    dz = -u * sin_theta + v * sin_phi * cos_theta + w * cos_phi * cos_theta
    return du, dv, dw, dp, dq, dr, dphi, dtheta, dpsi, dx, dy, dz
