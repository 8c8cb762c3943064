"""Compile ev/backends/c_flight.c into ev/backends/_c_flight (a cffi extension module) with the system's C compiler.

Run by the set-up (scripts/setup_envs.sh) in each venv: ``python -m ev.backends.c_build [--if-stale]``.  Exits 1 with
one line when there is no compiler or cffi; the ``c`` cell is then reported as not run.
"""
import os
import tempfile

from ev.common import native_build
from traces.categories import Extra

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "c_flight.c")
MODULE = "ev.backends._c_flight"
# ev's own category in its profiles (traces knows none of ev's): the built module's library
# and the C functions cffi wraps.  ev passes it to traces where it records and reads profiles.
# On PyPy, cffi calls the module through libffi when the caller is not JIT-compiled, and
# vmprof's stacks end inside libffi's call trampoline (no unwind information beneath it): the
# C evaluation's samples show as libffi, which nothing else ev times calls.
PROFILE_CATEGORY = Extra("compiled evaluation (the c cell's C)", library=r"_c_flight|libffi",
                         symbol=r"(_cffi_f_ev_|ev_evaluate_batch|ev_rates)")

DECLARATIONS = """
void ev_rates(const double *s, const double *trig, double a1, double a2, double a3, double a4,
              double *d);
long ev_evaluate_batch(long count, int rows, int cols, int state_vars,
                       const double *matrices, const double *constants,
                       int environment_count, const double *starts, const double *setpoints,
                       const long *steps, double *fitness);
"""
# -ffp-contract=off: no fused multiply-add, whose single rounding would differ from Python's.
COMPILE_ARGS = ["-O2", "-ffp-contract=off", "-fno-fast-math"]


def builder():
    import cffi
    ffi = cffi.FFI()
    ffi.cdef(DECLARATIONS)
    with open(SOURCE) as source:
        ffi.set_source(MODULE, source.read(), extra_compile_args=COMPILE_ARGS, libraries=["m"])
    return ffi


def build(quiet=True):
    """Compile the module in a scratch folder and put only the library next to this file;
    returns its path."""
    ffi = builder()
    with tempfile.TemporaryDirectory(prefix="ev-c-build-") as scratch:
        built = ffi.compile(tmpdir=scratch, verbose=not quiet)
        target = os.path.join(HERE, os.path.basename(built))
        native_build.put_in_place(built, target)
    return target


def built_path():
    return native_build.extension_path(HERE, "_c_flight")


def main():
    native_build.run("ev.backends.c_build", build, built_path(), (SOURCE, __file__),
                     missing_module="cffi is not installed (pip install cffi)")


if __name__ == "__main__":
    main()
