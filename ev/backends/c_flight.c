/* ev's evaluation in C: the limit the Python cells are measured against.
 *
 * The same algorithm as ev/quadcopter.py (rates, clip_pwm, the step with its sin/cos cache and
 * ground contact) and ev/fitness.py (the flight loop and its overshoot penalty), operation for
 * operation and in the same order, so that every fitness is bit-identical to the Python cells'
 * (tests/test_native.py checks it; nothing here is trusted).  Built with -ffp-contract=off: a
 * fused multiply-add would round differently from Python's separate * and +.
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#define G 9.81
#define MASS 1.0
#define MOTOR_THRUST 1.0
#define MAX_MOTOR_FORCE (MOTOR_THRUST * G)
#define ARM 1.0
#define DRAG_ARM 10.0
#define IX 1.0
#define IY 1.0
#define IZ 2.0
#define SINGULAR_COS 1e-12
#define DT 0.01
#define OVERSHOOT_PENALTY 3.0

#define ALWAYS_INLINE static inline __attribute__((always_inline))

typedef struct { double u, v, w, p, q, r, phi, theta, psi, x, y, z; } state12;

/* ev.quadcopter.rates (d holds the time derivatives of each field of the state). */
ALWAYS_INLINE void rates(const state12 *s, double sin_phi, double cos_phi, double sin_theta,
                         double cos_theta, double sin_psi, double cos_psi,
                         double a1, double a2, double a3, double a4, state12 *d)
{
    double u = s->u, v = s->v, w = s->w, p = s->p, q = s->q, r = s->r;
    double o1 = a1 * a1, o2 = a2 * a2, o3 = a3 * a3, o4 = a4 * a4;
    double Zf = -MAX_MOTOR_FORCE * (o1 + o2 + o3 + o4);
    double L = ARM * MAX_MOTOR_FORCE * (o4 - o2);
    double M = ARM * MAX_MOTOR_FORCE * (o1 - o3);
    double N = DRAG_ARM * MAX_MOTOR_FORCE * (o2 + o4 - o1 - o3);

    /* No X or Y rotor force; principal axes (Izx = 0), as in ev.quadcopter.rates. */
    d->u = -G * sin_theta - q * w + r * v;
    d->v = G * cos_theta * sin_phi - r * u + p * w;
    d->w = Zf / MASS + G * cos_theta * cos_phi - p * v + q * u;

    d->p = (L - q * r * (IZ - IY)) / IX;
    d->q = (M - r * p * (IX - IZ)) / IY;
    d->r = (N - p * q * (IY - IX)) / IZ;

    double q_sin_r_cos = q * sin_phi + r * cos_phi;
    d->phi = p + q_sin_r_cos * (sin_theta / cos_theta);
    d->theta = q * cos_phi - r * sin_phi;
    d->psi = q_sin_r_cos / cos_theta;

    d->x = (u * cos_theta * cos_psi
            + v * (sin_phi * sin_theta * cos_psi - cos_phi * sin_psi)
            + w * (cos_phi * sin_theta * cos_psi + sin_phi * sin_psi));
    d->y = (u * cos_theta * sin_psi
            + v * (sin_phi * sin_theta * sin_psi + cos_phi * cos_psi)
            + w * (cos_phi * sin_theta * sin_psi - sin_phi * cos_psi));
    d->z = -u * sin_theta + v * sin_phi * cos_theta + w * cos_phi * cos_theta;
}

/* rates() for the tests, which check it against ev.quadcopter.rates on random arguments:
 * s and d in the order u v w p q r phi theta psi x y z, trig as sin/cos of phi, theta, psi. */
void ev_rates(const double *s, const double *trig, double a1, double a2, double a3, double a4,
              double *d)
{
    state12 state, derivative;
    memcpy(&state, s, sizeof state);
    rates(&state, trig[0], trig[1], trig[2], trig[3], trig[4], trig[5], a1, a2, a3, a4,
          &derivative);
    memcpy(d, &derivative, sizeof derivative);
}

/* ev.quadcopter.clip_pwm: [0, 1], NaN for a non-finite command. */
ALWAYS_INLINE double clip_pwm(double value)
{
    if (value < 0.0)
        return value * 0.0 + 0.0;
    if (value > 1.0)
        return value * 0.0 + 1.0;
    return value;
}

/* ev.fitness.fly (with Quadcopter.set_thrust and .step inlined) for a state-space controller
 * of `rows` x `cols` (cols = state_vars + 2 inputs, setpoint then altitude) whose first output
 * (row state_vars) is the motor command.  out[i] sums matrix[i][j] * state[j] over j in
 * order, then adds constant[i], as np.dot and the unrolled creatures do.  Always inlined, so
 * that for the article's shape (constant rows and cols) the compiler unrolls the controller.
 * Returns 0 at the Euler-angle singularity. */
ALWAYS_INLINE int fly(const double *matrix, const double *constant, int rows, int cols,
                      int state_vars, double start, double setpoint, long steps,
                      double *state, double *out, double *fitness_out)
{
    state12 s = {0}, d;
    s.z = -start;
    double trig_phi = 0.0, trig_theta = 0.0, trig_psi = 0.0;  /* the cache's angles */
    double sin_phi = 0.0, cos_phi = 1.0, sin_theta = 0.0, cos_theta = 1.0;
    double sin_psi = 0.0, cos_psi = 1.0;
    for (int j = 0; j < cols; j++)
        state[j] = 0.0;
    double last_distance = fabs(setpoint - start);
    double fitness = 0.0;
    for (long step = 0; step < steps; step++) {
        state[state_vars] = setpoint;
        state[state_vars + 1] = -s.z;
        for (int i = 0; i < rows; i++) {
            const double *row = matrix + (long)i * cols;
            double sum = row[0] * state[0];
            for (int j = 1; j < cols; j++)
                sum += row[j] * state[j];
            out[i] = sum + constant[i];
        }
        for (int i = 0; i < state_vars; i++)
            state[i] = out[i];
        double pwm = clip_pwm(out[state_vars]);

        /* Quadcopter._sines_cosines: recomputed only when the attitude changed. */
        if (s.phi != trig_phi || s.theta != trig_theta || s.psi != trig_psi) {
            cos_theta = cos(s.theta);
            if (-SINGULAR_COS < cos_theta && cos_theta < SINGULAR_COS)
                return 0;
            sin_phi = sin(s.phi); cos_phi = cos(s.phi); sin_theta = sin(s.theta);
            sin_psi = sin(s.psi); cos_psi = cos(s.psi);
            trig_phi = s.phi; trig_theta = s.theta; trig_psi = s.psi;
        }
        rates(&s, sin_phi, cos_phi, sin_theta, cos_theta, sin_psi, cos_psi,
              pwm, pwm, pwm, pwm, &d);
        s.u = s.u + d.u * DT; s.v = s.v + d.v * DT; s.w = s.w + d.w * DT;
        s.p = s.p + d.p * DT; s.q = s.q + d.q * DT; s.r = s.r + d.r * DT;
        s.phi = s.phi + d.phi * DT; s.theta = s.theta + d.theta * DT;
        s.psi = s.psi + d.psi * DT;
        s.x = s.x + d.x * DT; s.y = s.y + d.y * DT;
        double z = s.z + d.z * DT;
        if (z >= 0.0) {       /* ground contact */
            z = 0.0;
            if (s.w > 0.0)
                s.w = 0.0;
        }
        s.z = z;

        double distance = fabs(setpoint - -s.z);
        if (distance > last_distance)
            fitness += OVERSHOOT_PENALTY * distance;
        else
            fitness += distance;
        last_distance = distance;
    }
    *fitness_out = fitness;
    return 1;
}

/* One creature over the environments, summed in their order; NaN becomes +inf
 * (ev.fitness.settled).  Returns 0 at the singularity. */
ALWAYS_INLINE int evaluate(const double *matrix, const double *constant, int rows, int cols,
                           int state_vars, int environment_count, const double *starts,
                           const double *setpoints, const long *steps, double *state,
                           double *out, double *fitness)
{
    double total = 0.0, flight;
    for (int e = 0; e < environment_count; e++) {
        if (!fly(matrix, constant, rows, cols, state_vars, starts[e], setpoints[e], steps[e],
                 state, out, &flight))
            return 0;
        total += flight;
    }
    *fitness = total == total ? total : INFINITY;
    return 1;
}

/* The article's shape (1 state variable, 2 inputs, 1 output), with its sizes known to the
 * compiler; every other shape takes the general path below. */
static int evaluate_article_shape(const double *matrix, const double *constant,
                                  int environment_count, const double *starts,
                                  const double *setpoints, const long *steps, double *fitness)
{
    double state[3], out[2];
    return evaluate(matrix, constant, 2, 3, 1, environment_count, starts, setpoints, steps,
                    state, out, fitness);
}

static int evaluate_any_shape(const double *matrix, const double *constant, int rows,
                              int cols, int state_vars, int environment_count,
                              const double *starts, const double *setpoints,
                              const long *steps, double *state, double *out, double *fitness)
{
    return evaluate(matrix, constant, rows, cols, state_vars, environment_count, starts,
                    setpoints, steps, state, out, fitness);
}

/* The fitness of `count` creatures (matrices row-major, one after another).  Returns the
 * index of the first creature whose flight hit the singularity, or -1; -2 when out of memory. */
long ev_evaluate_batch(long count, int rows, int cols, int state_vars,
                       const double *matrices, const double *constants,
                       int environment_count, const double *starts, const double *setpoints,
                       const long *steps, double *fitness)
{
    int article = rows == 2 && cols == 3 && state_vars == 1;
    double *state = malloc(sizeof(double) * (size_t)(cols + rows));
    if (state == NULL)
        return -2;
    for (long c = 0; c < count; c++) {
        const double *matrix = matrices + c * rows * cols;
        const double *constant = constants + c * rows;
        int ok = article
            ? evaluate_article_shape(matrix, constant, environment_count, starts, setpoints,
                                     steps, &fitness[c])
            : evaluate_any_shape(matrix, constant, rows, cols, state_vars, environment_count,
                                 starts, setpoints, steps, state, state + cols, &fitness[c]);
        if (!ok) {
            free(state);
            return c;
        }
    }
    free(state);
    return -1;
}
