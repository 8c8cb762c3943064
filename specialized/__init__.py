"""Creatures whose run_step is unrolled into plain float arithmetic (no numpy in the hot path)."""


def creature_class_for(shape):
    """The specialized creature class for a controller shape: the hand-written one for the
    article's shape, a generated one (compiled once per shape) for any other."""
    from ev.model.creature_base import DEFAULT_SHAPE
    if shape == DEFAULT_SHAPE:
        from specialized.creature import SpecializedCreature
        return SpecializedCreature
    from specialized.generator import creature_class_for as generated
    return generated(shape)


def _register():
    from ev.backends.registry import register_unrolled
    register_unrolled(creature_class_for)


_register()
