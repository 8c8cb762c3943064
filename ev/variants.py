"""The ways to compute the same evolution: which creature class, and how a population is scored."""
from collections import namedtuple

from ev.fitness import evaluate_each

Variant = namedtuple("Variant", "name creature_class evaluate_all description")

VARIANT_NAMES = ("numpy", "specialized", "vectorized")


def get_variant(name, shape):
    """The Variant called ``name`` for controllers of ``shape`` (imports lazily: the numpy-free
    variant must not need numpy to be importable)."""
    if name == "numpy":
        from ev.creature import Creature
        return Variant(name, Creature, evaluate_each, "numpy Creature (np.dot per step)")
    if name == "specialized":
        from specialized import creature_class_for
        return Variant(name, creature_class_for(shape), evaluate_each,
                       "SpecializedCreature (unrolled plain-float run_step)")
    if name == "vectorized":
        from ev.creature import Creature
        from ev.vectorized import evaluate_population
        return Variant(name, Creature, evaluate_population,
                       "whole population in lockstep with numpy arrays")
    raise ValueError("unknown variant %r (choose from %s)" % (name, ", ".join(VARIANT_NAMES)))
