"""Creatures saved as JSON (``ev.cli.main --save-best``), read back as the kind they were
saved as."""
import json

from ev.model import controllers


class NotACreature(ValueError):
    pass


def load_creature(path):
    """The creature saved in ``path``; NotACreature (one line) when the file holds none."""
    try:
        with open(path) as saved:
            data = json.load(saved)
        if not isinstance(data, dict):
            raise NotACreature("%s: not a saved creature (%s, not a JSON object with a "
                               "shape, a matrix and a constant)" % (path, "an array" if isinstance(
                               data, list) else "null, a number or a string"))
        return creature_from_dict(data)
    except NotACreature:
        raise
    except KeyError as error:
        raise NotACreature("%s: not a saved creature (no %s field)" % (path, error))
    except (OSError, ValueError, TypeError, AttributeError, OverflowError,
            RecursionError) as error:
        raise NotACreature("%s: not a saved creature (%s)" % (path, error))


def creature_from_dict(data):
    """The creature a saved dict describes, of the kind (back end) it names: the controller
    it names (none: state-space) says its shape and class."""
    from ev.backends.registry import get_variant
    controller = controllers.get(data.get("controller"))
    shape = controller.saved_shape(data)
    base = get_variant(data.get("kind") or "numpy", shape).creature_class
    return controller.creature_class(base).from_dict(data)
