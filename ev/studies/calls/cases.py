"""What the calls study times: plain records of a statement and its set-up, grouped.

Three groups.  ``calls``: what one call costs before any work is done (an empty Python function,
a builtin, a C-extension function with 0, 1 and 2 arguments).  ``numpy run_step`` and
``specialized run_step``: the article's creature's ``run_step`` as a whole and each of its
statements alone, so that the parts can be held against the whole; and, for reference, the
first k statements inline in one loop, to see what each statement costs in sequence.

Every whole feeds its output back as the next altitude (``inputs[1] = ...``), as the flight
loop does: on PyPy a step whose result nobody reads, or whose inputs never change, is partly
removed by the JIT, and the benchmark would time less than a flight runs.  The creature's
genome is chosen so that this feedback converges (no overflow, no subnormal numbers).
"""
from collections import namedtuple

WHOLE, PART, CALL, LOOP, SEQUENCE = "whole", "part", "call", "loop", "sequence"

# index: a statement's place in its run_step (PART), or how many of them run (SEQUENCE).
Case = namedtuple("Case", "group name role stmt setup index", defaults=(None,))

# State update 0.5 s + 0.1 sp - 0.2 alt + 0.05, output 0.3 s + 0.2 sp - 0.1 alt + 0.5 fed back
# as the altitude: eigenvalues 0.2 +- 0.17, a stable loop with a non-zero fixed point.
GENOME = ([0.5, 0.1, -0.2, 0.3, 0.2, -0.1], [0.05, 0.5])
INPUTS = [1.0, 0.0]   # setpoint, altitude
# A run_step as the flight loop calls it (its output fed back), and its call alone on a stand-in
# whose run_step has no body (``callee``: NumpyGlue, EmptyMethod).
STEP = "inputs[1] = self.run_step(inputs)[0]"
CALL_ONLY = "callee.run_step(inputs)"


def numpy_creature():
    from ev.model.creature import Creature
    return Creature(*GENOME)


def specialized_creature():
    from specialized.creature import SpecializedCreature
    return SpecializedCreature(*GENOME)


class EmptyMethod(object):
    """Stands for the call of a creature's run_step without its body."""

    def run_step(self, inputs):
        pass


class NumpyGlue(object):
    """The numpy run_step's Python around its numpy operations: the attribute reads."""

    def __init__(self, creature):
        self.shape, self.state = creature.shape, creature.state
        self.matrix, self.constant = creature.matrix, creature.constant

    def run_step(self, inputs):
        state_vars = self.shape.state_vars
        self.state, self.matrix, self.constant
        return state_vars


def empty_function():
    pass


CALLEE_SETUP = "from ev.studies.calls import _callee"

CALLS = [
    Case("calls", "the timing loop alone (pass)", LOOP, "pass", ""),
    Case("calls", "empty Python function f()", CALL, "f()",
         "from ev.studies.calls.cases import empty_function as f"),
    Case("calls", "builtin math.sqrt(x)", CALL, "sqrt(x)", "from math import sqrt; x = 2.0"),
    Case("calls", "C extension, 0 args (METH_NOARGS)", CALL, "f()",
         CALLEE_SETUP + "; f = _callee.no_args"),
    Case("calls", "C extension, 1 arg (METH_O)", CALL, "f(x)",
         CALLEE_SETUP + "; f = _callee.one_arg; x = 2.0"),
    Case("calls", "C extension, 2 args (METH_VARARGS)", CALL, "f(x, y)",
         CALLEE_SETUP + "; f = _callee.two_args; x = 2.0; y = 3.0"),
]


def run_step_cases(group, setup, statements, call_name, call_setup):
    """The whole run_step; each statement alone; the first 1, 2, ... statements in one loop
    (the last is the whole body inline): in sequence, statement k costs what the first k
    statements cost more than the first k - 1, which may differ from its cost alone."""
    cases = [Case(group, "whole: " + STEP, WHOLE, STEP, setup),
             Case(group, call_name, PART, CALL_ONLY, setup + "; " + call_setup)]
    for index, (name, stmt) in enumerate(statements, 1):
        cases.append(Case(group, name, PART, stmt, setup, index))
    for count in range(1, len(statements) + 1):
        cases.append(Case(group, "statements 1-%d in one loop" % count, SEQUENCE,
                          "; ".join(stmt for _, stmt in statements[:count]), setup, count))
    return cases


NUMPY_SETUP = ("from ev.studies.calls.cases import numpy_creature, NumpyGlue, INPUTS; "
               "self = numpy_creature(); inputs = list(INPUTS); state_vars = 1; "
               "dotted = self.matrix.dot(self.state); out_values = dotted + self.constant; "
               "outputs = out_values[1:].tolist()")

NUMPY_GLUE = "callee = NumpyGlue(self)"

NUMPY_RUN_STEP = run_step_cases("numpy run_step", NUMPY_SETUP, [
    ("state[1:] = inputs", "self.state[state_vars:] = inputs"),
    ("matrix.dot(state)", "dotted = self.matrix.dot(self.state)"),
    ("+ constant (a new array)", "out_values = dotted + self.constant"),
    ("state[:1] = out_values[:1]", "self.state[:state_vars] = out_values[:state_vars]"),
    ("out_values[1:].tolist()", "outputs = out_values[state_vars:].tolist()"),
    ("feed back: inputs[1] = outputs[0]", "inputs[1] = outputs[0]"),
], "the call, attribute reads", NUMPY_GLUE)

SPECIALIZED_SETUP = ("from ev.studies.calls.cases import specialized_creature, EmptyMethod, "
                     "INPUTS; self = specialized_creature(); inputs = list(INPUTS); "
                     "setpoint, altitude = inputs; state0 = self.state0; output = 0.5; "
                     "outputs = [output]")

SPECIALIZED_RUN_STEP = run_step_cases("specialized run_step", SPECIALIZED_SETUP, [
    ("read inputs and state",
     "setpoint = inputs[0]; altitude = inputs[1]; state0 = self.state0"),
    ("state update (3 mul, 3 add, 1 store)",
     "self.state0 = self.m00 * state0 + self.m01 * setpoint + self.m02 * altitude + self.c0"),
    ("output (3 mul, 3 add)",
     "output = self.m10 * state0 + self.m11 * setpoint + self.m12 * altitude + self.c1"),
    ("return [output]", "outputs = [output]"),
    ("feed back: inputs[1] = outputs[0]", "inputs[1] = outputs[0]"),
], "the call", "callee = EmptyMethod()")

CASES = CALLS + NUMPY_RUN_STEP + SPECIALIZED_RUN_STEP
