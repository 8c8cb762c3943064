"""Mutation operators on a flat list of floats (a creature's matrix or its constant).

Every operator takes the seeded ``Rng`` and a list, and returns a new list: creatures never
share or alter a parent's genome.
"""


def scale_each_uniform(rng, values):
    """Scale every item by its own factor, uniform in [0.5, 1.5)."""
    return [x * rng.uniform(0.5, 1.5) for x in values]


def scale_each_normal(rng, values):
    """Scale every item by its own factor drawn from N(1, 0.1)."""
    return [x * rng.normal(1.0, 0.1) for x in values]


def scale_one(rng, values):
    """Scale one item by a factor uniform in [0.5, 1.5)."""
    values = list(values)
    i = rng.below(len(values))
    values[i] *= rng.uniform(0.5, 1.5)
    return values


def scale_all_common(rng, values):
    """Scale all items by one common factor, uniform in [0.5, 1.5)."""
    factor = rng.uniform(0.5, 1.5)
    return [x * factor for x in values]


def set_one_to_zero_or_one(rng, values):
    values = list(values)
    i = rng.below(len(values))
    values[i] = float(rng.below(2))
    return values


def set_one_to_plus_minus_other(rng, values):
    """Set one item to + or - another item (the same one when there is only one)."""
    values = list(values)
    i = rng.below(len(values))
    j = rng.below(len(values))
    sign = 1.0 if rng.below(2) else -1.0
    values[i] = sign * values[j]
    return values


OPERATORS = (
    scale_each_uniform,
    scale_each_normal,
    scale_one,
    scale_all_common,
    set_one_to_zero_or_one,
    set_one_to_plus_minus_other,
)


# What mutate() reports, for each operator and the list it changed: built once, because on
# PyPy formatting a string per child is a loop of its own for the JIT to trace.
NAMES = tuple(("%s(constant)" % operator.__name__, "%s(matrix)" % operator.__name__)
              for operator in OPERATORS)


def mutate(rng, matrix, constant):
    """Mutate either the matrix or the constant (never both) with one random operator.
    Returns the new matrix and constant (flat float lists) and what was done, e.g.
    "scale_one(matrix)".

    The list to change is picked by index rather than by an ``if``: on PyPy every branch
    here multiplies the paths the JIT compiles one by one while the GA warms up."""
    which = rng.below(len(OPERATORS))
    target = rng.below(2)   # 1: the matrix, 0: the constant
    genome = [constant, matrix]
    genome[target] = OPERATORS[which](rng, genome[target])    # a new list
    genome[1 - target] = list(genome[1 - target])
    return genome[1], genome[0], NAMES[which][target]
