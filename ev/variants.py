"""The ways to compute the same evolution: which creature class, and how a population is scored."""
import sys
from collections import namedtuple

from ev.fitness import evaluate_each

Variant = namedtuple("Variant", "name creature_class evaluate_all description")


class VariantUnavailable(Exception):
    """The variant needs something this interpreter lacks (numba, the compiled C module)."""


VARIANT_NAMES = ("numpy", "specialized", "vectorized", "numba", "c")


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
    if name == "numba":
        from specialized import creature_class_for
        try:
            from ev.numba_evaluation import evaluate_population
        except ImportError as error:
            raise VariantUnavailable("the numba variant needs numba, which this interpreter "
                                     "lacks (%s; there is no numba for PyPy)" % error)
        return Variant(name, creature_class_for(shape), evaluate_population,
                       "the flight loop compiled by numba @njit (rates() inlined)")
    if name == "c":
        from specialized import creature_class_for
        from ev.c_evaluation import NotBuilt, compiled_module, evaluate_population
        try:
            compiled_module()   # a missing build is a one-line error before the run starts
        except NotBuilt as error:
            raise VariantUnavailable(str(error))
        return Variant(name, creature_class_for(shape), evaluate_population,
                       "the flight loop in C (ev/c_flight.c through cffi)")
    raise ValueError("unknown variant %r (choose from %s)" % (name, ", ".join(VARIANT_NAMES)))


def main(argv):
    """python -m ev.variants NAME: exit 0 when the variant can run here, else say why (the
    matrix run reports such a cell as not run)."""
    from ev.creature_base import DEFAULT_SHAPE
    if len(argv) != 1 or argv[0] not in VARIANT_NAMES:
        print("usage: python -m ev.variants {%s}" % ",".join(VARIANT_NAMES), file=sys.stderr)
        return 2
    try:
        get_variant(argv[0], DEFAULT_SHAPE)
    except VariantUnavailable as error:
        print(error)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
