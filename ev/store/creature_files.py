"""Creatures saved as JSON (``ev.cli.main --save-best``), read back as the kind they were saved as."""
import json
import math

from ev.model.creature_base import Shape

FLYABLE_INPUTS = 2  # the setpoint and the altitude


class NotACreature(ValueError):
    pass


def load_creature(path):
    """The creature saved in ``path``; NotACreature (one line) when the file holds none."""
    try:
        with open(path) as saved:
            data = json.load(saved)
        return creature_from_dict(data)
    except NotACreature:
        raise
    except (OSError, ValueError, KeyError, TypeError, AttributeError, OverflowError,
            RecursionError) as error:
        raise NotACreature("%s: not a saved creature (%s)" % (path, error))


def creature_from_dict(data):
    from ev.backends.registry import get_variant
    kind = data.get("kind") or "numpy"
    if data.get("controller") == "pid":
        from ev.model.pid import GAIN_NAMES, PID_SHAPE, pid_creature_class
        if set(data["gains"]) != set(GAIN_NAMES):
            raise ValueError("its PID gains are %s; this ev's are %s"
                             % (", ".join(data["gains"]), ", ".join(GAIN_NAMES)))
        check_finite([data["gains"][name] for name in GAIN_NAMES])
        return pid_creature_class(get_variant(kind, PID_SHAPE).creature_class).from_dict(data)
    shape = Shape(**data["shape"])
    check_flyable(shape, data["matrix"], data["constant"])
    return get_variant(kind, shape).creature_class.from_dict(data)


def check_flyable(shape, matrix, constant):
    """Raise ValueError for a shape or genome no flight can use."""
    if shape.inputs != FLYABLE_INPUTS or shape.outputs < 1 or shape.state_vars < 0:
        raise ValueError("shape %r cannot fly: it needs %d inputs (setpoint, altitude) and "
                         "at least one output" % (tuple(shape), FLYABLE_INPUTS))
    check_finite(list(matrix) + list(constant))


def check_finite(values):
    if not all(isinstance(x, (int, float)) and not isinstance(x, bool) and math.isfinite(x)
               for x in values):
        raise ValueError("the genome holds values that are not finite numbers")
