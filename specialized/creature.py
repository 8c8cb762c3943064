"""The article's controller (2 inputs, 1 output, 1 state variable) unrolled by hand.

Same genome, mutations and identity as ``ev.model.creature.Creature`` (both derive from
``CreatureBase``); only the arithmetic differs: plain Python floats on locals, no numpy call, no
temporary array.  On PyPy the JIT compiles this to a handful of float_mul/float_add operations.
"""
from ev.model.creature_base import CreatureBase, DEFAULT_SHAPE


class SpecializedCreature(CreatureBase):
    kind = "specialized"

    def _compile(self):
        if self.shape != DEFAULT_SHAPE:
            raise ValueError("SpecializedCreature is unrolled for shape %r only, not %r"
                             % (tuple(DEFAULT_SHAPE), tuple(self.shape)))
        # Plain floats (never numpy scalars: those would make PyPy ~20x slower here).
        (self.m00, self.m01, self.m02,
         self.m10, self.m11, self.m12) = self.matrix_values
        self.c0, self.c1 = self.constant_values

    def reset(self):
        self.state0 = 0.0

    def run_step(self, inputs):
        setpoint = inputs[0]
        altitude = inputs[1]
        state0 = self.state0
        self.state0 = self.m00 * state0 + self.m01 * setpoint + self.m02 * altitude + self.c0
        output = self.m10 * state0 + self.m11 * setpoint + self.m12 * altitude + self.c1
        return [output]
