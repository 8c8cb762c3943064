"""What every creature kind shares: its shape, its genome, reproduction and (de)serialisation.

A creature is a linear state-space controller.  Its state vector is
``[state_vars..., inputs...]``; one step computes ``out = matrix . state + constant``; the
first ``state_vars`` outputs become the new state and the rest are the controller's outputs.
The genome is held as flat lists of plain Python floats (row-major matrix, constant); each
creature kind turns it into whatever its ``run_step`` computes with.
"""
from collections import namedtuple

from ev.model.mutation import mutate


class Shape(namedtuple("Shape", "inputs outputs state_vars")):
    __slots__ = ()

    @property
    def rows(self):
        return self.state_vars + self.outputs

    @property
    def cols(self):
        return self.state_vars + self.inputs


# The article's controller: inputs (setpoint, altitude), one output (PWM), one state variable.
DEFAULT_SHAPE = Shape(inputs=2, outputs=1, state_vars=1)


class CreatureBase(object):
    kind = None  # the variant name a subclass stands for

    def __init__(self, matrix, constant, shape=DEFAULT_SHAPE):
        matrix = [float(x) for x in matrix]
        constant = [float(x) for x in constant]
        if len(matrix) != shape.rows * shape.cols or len(constant) != shape.rows:
            raise ValueError("genome does not fit shape %r: %d matrix and %d constant values"
                             % (tuple(shape), len(matrix), len(constant)))
        self._take_genome(matrix, constant, shape)

    def _take_genome(self, matrix, constant, shape):
        """Hold a checked genome (lists of floats that fit ``shape``) and compile it."""
        self.shape = shape
        self.matrix_values = matrix
        self.constant_values = constant
        self.fitness = None
        self.id = self.parent_id = self.operator = None   # lineage, set by the Universe
        self._compile()
        self.reset()

    @classmethod
    def random(cls, rng, shape=DEFAULT_SHAPE):
        matrix = [rng.uniform(-1.0, 1.0) for _ in range(shape.rows * shape.cols)]
        constant = [rng.uniform(-1.0, 1.0) for _ in range(shape.rows)]
        return cls(matrix, constant, shape)

    def child(self, rng):
        """A mutated copy; ``operator`` says which mutation made it."""
        return self.born(self.mutation(rng))

    def mutation(self, rng):
        """A child's genome and how it was made, ``(matrix, constant, operator)``: every
        random draw of ``child()`` happens here, none in ``born()``."""
        return mutate(rng, self.matrix_values, self.constant_values)

    def born(self, mutation):
        """The creature of this kind and shape that ``mutation()`` describes.  Its lists are new
        lists of floats of the right lengths, so __init__'s conversions and checks are skipped
        (children are the GA's own work, most of what a PyPy generation spends outside the
        evaluation)."""
        matrix, constant, operator = mutation
        child = object.__new__(type(self))
        child._take_genome(matrix, constant, self.shape)
        child.operator = operator
        return child

    def to_dict(self):
        return {
            "kind": self.kind,
            "shape": dict(self.shape._asdict()),
            "matrix": self.matrix_values,
            "constant": self.constant_values,
            "fitness": self.fitness,
        }

    @classmethod
    def from_dict(cls, data):
        creature = cls(data["matrix"], data["constant"], Shape(**data["shape"]))
        creature.fitness = data.get("fitness")
        return creature

    @classmethod
    def vectorized_inputs(cls, creatures):
        """For ev.backends.vectorized, which flies ``creatures`` in lockstep: a function from the
        (setpoint, altitude) arrays to the controller's two input columns (here the same
        two; a PID creature clamps the error, ev.model.pid)."""
        return lambda setpoint, altitude: (setpoint, altitude)

    # What a creature kind provides:
    def _compile(self):
        """Build the representation run_step computes with from the genome lists."""
        raise NotImplementedError

    def reset(self):
        """Zero the controller's state (at the start of every flight)."""
        raise NotImplementedError

    def run_step(self, inputs):
        """Feed one list of inputs, return the list of outputs (plain floats)."""
        raise NotImplementedError
