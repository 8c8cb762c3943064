"""The numpy creature: the controller evaluated with np.dot, as in the original experiment."""
import numpy as np

from ev.model.creature_base import CreatureBase


class Creature(CreatureBase):
    kind = "numpy"

    def _compile(self):
        self.matrix = np.array(self.matrix_values).reshape(self.shape.rows, self.shape.cols)
        self.constant = np.array(self.constant_values)

    def reset(self):
        self.state = np.zeros(self.shape.cols)

    def run_step(self, inputs):
        # matrix.dot is np.dot minus numpy's __array_function__ dispatch, a C -> Python call
        # per step that costs ~0.3 us and on which vmprof 0.6.0 crashes CPython 3.11.
        state_vars = self.shape.state_vars
        self.state[state_vars:] = inputs
        out_values = self.matrix.dot(self.state) + self.constant
        self.state[:state_vars] = out_values[:state_vars]
        return out_values[state_vars:].tolist()


class InOrderCreature(Creature):
    """The numpy creature with its product summed left to right: bit-identical to the
    unrolled creature.  np.dot rounds as BLAS does (fused multiply-adds, its own order of
    summation); the article's evolution shrugs such last-bit differences off, but a PID's
    (a derivative gain / DT of ~50) turns them into other clip decisions and another
    evolution, which would leave the numpy cells of ``run_all.sh --task fly`` doing other
    work than the rest.  (On a contiguous row of a few elements numpy's sum adds in order.)"""

    def run_step(self, inputs):
        state_vars = self.shape.state_vars
        self.state[state_vars:] = inputs
        out_values = (self.matrix * self.state).sum(axis=1) + self.constant
        self.state[:state_vars] = out_values[:state_vars]
        return out_values[state_vars:].tolist()
