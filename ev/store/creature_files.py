"""Creatures saved as JSON (``ev.cli.evolve --save-best``), read back as the kind they were
saved as.

Format history (ev.common.formats): version 1 added "format": "ev-creature" and "version"
to the creature's own dict (``to_dict``); a file from before (the bare dict) reads as version 1.
"""
from ev.common.formats import Format, UnknownFormat
from ev.model import controllers

CREATURE_FILE = Format("ev-creature", 1, unversioned=lambda data: data
                       if isinstance(data, dict) else None, noun="a saved creature")


class NotACreature(ValueError):
    pass


def load_creature(path):
    """The creature saved in ``path``; NotACreature (one line) when the file holds none."""
    try:
        data = CREATURE_FILE.load(path)
        return creature_from_dict(data)
    except UnknownFormat as error:
        raise NotACreature("%s (a saved creature is a JSON object with a shape, a matrix and "
                           "a constant)" % error)
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
