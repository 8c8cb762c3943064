"""Unroll run_step for any controller shape: generate its source once per shape, compile it.

For a shape with R = state_vars + outputs rows and C = state_vars + inputs columns the generated
run_step is R * C multiply-adds on local floats, in the order np.dot would sum them (left to
right along a row, then the constant), with no loop, no numpy and no temporary array.  The
hand-written ``specialized.creature.SpecializedCreature`` is the readable example for the
article's shape; ``source_for(DEFAULT_SHAPE)`` produces the same arithmetic.
"""
from ev.model.creature_base import CreatureBase

MAX_MULTIPLY_ADDS = 4096

_classes = {}
compile_count = 0  # how many shapes were compiled in this process (the cache's witness)


class ShapeTooLarge(ValueError):
    pass


def check_shape(shape):
    if min(shape) < 0 or shape.inputs < 1 or shape.outputs < 1:
        raise ValueError("a controller needs >= 1 input and output, and >= 0 state variables: "
                         "%r" % (tuple(shape),))
    size = shape.rows * shape.cols
    if size > MAX_MULTIPLY_ADDS:
        raise ShapeTooLarge(
            "shape %r needs %d multiply-adds per step; unrolling stops at %d (the code would be "
            "huge and, on PyPy, longer than a JIT trace may be): use the numpy creature"
            % (tuple(shape), size, MAX_MULTIPLY_ADDS))


def source_for(shape):
    """The Python source of an unrolled ``run_step(self, inputs)`` for ``shape``."""
    check_shape(shape)
    sv, cols = shape.state_vars, shape.cols
    lines = ["def run_step(self, inputs):",
             "    m = self.matrix_values",
             "    c = self.constant_values"]
    if sv:
        lines.append("    state = self.state")
    names = ["x%d" % j for j in range(cols)]
    for j in range(sv):
        lines.append("    %s = state[%d]" % (names[j], j))
    for j in range(shape.inputs):
        lines.append("    %s = inputs[%d]" % (names[sv + j], j))
    for r in range(shape.rows):
        terms = " + ".join("m[%d] * %s" % (r * cols + j, names[j]) for j in range(cols))
        lines.append("    y%d = %s + c[%d]" % (r, terms, r))
    for k in range(sv):
        lines.append("    state[%d] = y%d" % (k, k))
    lines.append("    return [%s]" % ", ".join("y%d" % (sv + o) for o in range(shape.outputs)))
    return "\n".join(lines) + "\n"


class GeneratedCreature(CreatureBase):
    """Base of the generated classes: the genome lists are what run_step reads."""
    kind = "specialized"
    SHAPE = None

    def _compile(self):
        if self.shape != self.SHAPE:
            raise ValueError("%s is generated for shape %r, not %r"
                             % (type(self).__name__, tuple(self.SHAPE), tuple(self.shape)))

    def reset(self):
        self.state = [0.0] * self.shape.state_vars


def creature_class_for(shape):
    """The generated creature class for ``shape``, compiled on first use and cached."""
    global compile_count
    cls = _classes.get(shape)
    if cls is None:
        namespace = {}
        filename = "<unrolled run_step %dx%d>" % (shape.rows, shape.cols)
        exec(compile(source_for(shape), filename, "exec"), namespace)
        name = "Unrolled_%d_%d_%d" % tuple(shape)
        cls = type(name, (GeneratedCreature,), {"SHAPE": shape,
                                                "run_step": namespace["run_step"]})
        _classes[shape] = cls
        compile_count += 1
    return cls
