"""Compile ev/c_flight.c into ev/_c_flight (a cffi extension module) with the system's C compiler.

Run by the set-up (scripts/setup_envs.sh) in each venv: ``python -m ev.c_build [--if-stale]``.  Exits 1 with
one line when there is no compiler or cffi; the ``c`` cell is then reported as not run.
"""
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "c_flight.c")
MODULE = "ev._c_flight"

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
    """Compile the module in a scratch folder and move only the library next to this file
    (whole or not at all: a half-built module never replaces a good one); returns its path."""
    ffi = builder()
    with tempfile.TemporaryDirectory(prefix="ev-c-build-") as scratch:
        built = ffi.compile(tmpdir=scratch, verbose=not quiet)
        target = os.path.join(HERE, os.path.basename(built))
        shutil.copyfile(built, target + ".tmp")
        os.replace(target + ".tmp", target)
    return target


def built_path():
    import importlib.machinery
    return os.path.join(HERE, "_c_flight" + importlib.machinery.EXTENSION_SUFFIXES[0])


def up_to_date():
    """Whether this interpreter's module exists and is newer than its sources."""
    try:
        built = os.path.getmtime(built_path())
    except OSError:
        return False
    return all(os.path.getmtime(source) <= built for source in (SOURCE, __file__))


def main():
    if "--if-stale" in sys.argv[1:] and up_to_date():
        return
    try:
        path = build()
    except ImportError:
        sys.exit("ev.c_build: cffi is not installed (pip install cffi)")
    except Exception as error:   # distutils/setuptools raise their own CompileError types
        sys.exit("ev.c_build: could not compile %s: %s" % (SOURCE, str(error).splitlines()[0]
                                                         if str(error) else type(error).__name__))
    print("ev.c_build: built %s" % os.path.relpath(path))


if __name__ == "__main__":
    main()
