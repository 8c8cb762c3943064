"""The one list of the matrix's cells: which variants each implementation runs, and which
cells are not recorded.  ev.cli.cells makes the matrix's cells (interpreter x variant) from
it; the studies (ev.studies: profiler_weight, scaling, limits) name their cells from it, as
the matrix's short names (``cpython-numpy``, ``pypy-specialized``, ``c``)."""
from ev.backends.registry import VARIANT_NAMES

# What each implementation runs: the C cell is the same evaluation in C, driven by the same
# Python GA on CPython (cffi); numba and the vectorized creature are CPython cells.
VARIANTS = {"cpython": VARIANT_NAMES, "pypy": ("numpy", "specialized")}
OTHER_VARIANTS = ("numpy", "specialized")
LIMIT = "c"           # the variant every other is measured against: the evaluation in C

# Seen on CPython 3.11: 1 of 2 recordings died of SIGSEGV while numba compiled (vmprof 0.6.0
# and C -> Python transitions, see the README).
NOT_RECORDED = {"numba": "vmprof crashes CPython inside numba's compiler"}


def variants_of(implementation):
    return VARIANTS.get(implementation, OTHER_VARIANTS)


def short_name(implementation, variant):
    """The matrix's short name of a host cell: ``cpython-numpy``, ``pypy-specialized``, and
    ``c`` for CPython's C cell."""
    return LIMIT if variant == LIMIT else "%s-%s" % (implementation, variant)


def host_cells():
    """{short name: (implementation, variant)} of the host's two interpreters, in the
    matrix's order."""
    return dict((short_name(kind, variant), (kind, variant))
                for kind in ("cpython", "pypy") for variant in variants_of(kind))
