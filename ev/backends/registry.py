"""The ways to compute the same evolution: which creature class, and how a population is scored.

The unrolled creature (plain-float run_step) lives in the top-level package ``specialized``,
which sits above ev's model and back ends and registers itself here through the entry-point
group ``ev.creatures`` (setup.cfg): ev never imports it by name, and another package could
register its own creatures the same way."""
from collections import namedtuple

from ev.model.fitness import evaluate_each

Variant = namedtuple("Variant", "name creature_class evaluate_all description")


class VariantUnavailable(Exception):
    """The variant needs something this interpreter lacks (numba, the compiled C module)."""


VARIANT_NAMES = ("numpy", "specialized", "vectorized", "numba", "c")


ENTRY_POINT_GROUP = "ev.creatures"
_UNROLLED = []   # registered factories: shape -> unrolled creature class


def register_unrolled(factory):
    """Called by a plugin (``specialized``) at import: ``factory(shape)`` returns the unrolled
    creature class for a controller shape."""
    if factory not in _UNROLLED:
        _UNROLLED.append(factory)


def _entry_points(group):
    from importlib import metadata
    found = metadata.entry_points()
    if hasattr(found, "select"):
        return list(found.select(group=group))
    return list(found.get(group, ()))    # Python 3.9 (PyPy 7.3.11): a dict of groups


def unrolled_class(shape):
    """The unrolled creature class for ``shape``, from the first registered plugin.
    Raises VariantUnavailable when none is installed."""
    if not _UNROLLED:
        for entry_point in _entry_points(ENTRY_POINT_GROUP):
            entry_point.load()
    if not _UNROLLED:
        raise VariantUnavailable("no unrolled creature is registered (entry point group %r; "
                                 "install this checkout: pip install -e .)" % ENTRY_POINT_GROUP)
    return _UNROLLED[0](shape)


def numba_missing(error):
    """Why numba cannot be used here, in words a user can act on: PyPy has no numba at all;
    otherwise numba is either not installed or installed but broken (an interrupted install
    leaves a package that is found but fails to import: reinstall it)."""
    import importlib.util
    import platform
    if platform.python_implementation() == "PyPy":
        return "the numba variant needs numba, which does not exist for PyPy"
    if importlib.util.find_spec("numba") is None:
        return ("the numba variant needs numba, which is not installed in this interpreter "
                "(the set-up installs it; or: pip install numba)")
    return ("numba is installed but broken (%s: %s); the set-up reinstalls it, or: "
            "pip install --force-reinstall --no-deps numba" % (type(error).__name__, error))


def get_variant(name, shape):
    """The Variant called ``name`` for controllers of ``shape`` (imports lazily: the numpy-free
    variant must not need numpy to be importable)."""
    if name == "numpy":
        from ev.model.creature import Creature
        return Variant(name, Creature, evaluate_each, "numpy Creature (np.dot per step)")
    if name == "specialized":
        return Variant(name, unrolled_class(shape), evaluate_each,
                       "SpecializedCreature (unrolled plain-float run_step)")
    if name == "vectorized":
        from ev.model.creature import Creature
        from ev.backends.vectorized import evaluate_population
        return Variant(name, Creature, evaluate_population,
                       "whole population in lockstep with numpy arrays")
    if name == "numba":
        try:
            from ev.backends.numba_evaluation import evaluate_population
        except Exception as error:   # a half-installed numba may fail with anything
            raise VariantUnavailable(numba_missing(error))
        return Variant(name, unrolled_class(shape), evaluate_population,
                       "the flight loop compiled by numba @njit (rates() inlined)")
    if name == "c":
        from ev.backends.c_evaluation import NotBuilt, compiled_module, evaluate_population
        try:
            compiled_module()   # a missing build is a one-line error before the run starts
        except NotBuilt as error:
            raise VariantUnavailable(str(error))
        return Variant(name, unrolled_class(shape), evaluate_population,
                       "the flight loop in C (ev/backends/c_flight.c through cffi)")
    raise ValueError("unknown variant %r (choose from %s)" % (name, ", ".join(VARIANT_NAMES)))
