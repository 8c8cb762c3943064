"""Creatures whose run_step is unrolled into plain float arithmetic (no numpy in the hot path)."""


def creature_class_for(shape):
    """The specialized creature class for a controller shape."""
    from ev.creature_base import DEFAULT_SHAPE
    from specialized.creature import SpecializedCreature
    if shape == DEFAULT_SHAPE:
        return SpecializedCreature
    raise ValueError("no specialized creature for shape %r yet" % (tuple(shape),))
