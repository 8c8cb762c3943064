"""Compile benchmarks/callee.c into benchmarks/_callee (a C-API extension) for benchmarks.calls.

Run by the set-up (scripts/setup_envs.sh) in each venv: ``python -m benchmarks.callee_build
[--if-stale]``.  Exits 1 with one line when it cannot compile; benchmarks.calls then reports the
C-extension rows as not measured.
"""
import importlib.machinery
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "callee.c")
NAME = "_callee"


def built_path():
    return os.path.join(HERE, NAME + importlib.machinery.EXTENSION_SUFFIXES[0])


def build():
    """Compile in a scratch folder; only the finished library is moved next to this file."""
    from setuptools import Distribution, Extension
    with tempfile.TemporaryDirectory(prefix="ev-callee-build-") as scratch:
        distribution = Distribution({"name": NAME, "ext_modules": [
            Extension(NAME, [SOURCE], extra_compile_args=["-O2"])]})
        command = distribution.get_command_obj("build_ext")
        command.build_lib = command.build_temp = scratch
        command.ensure_finalized()
        command.run()
        built = command.get_ext_fullpath(NAME)
        target = built_path()
        shutil.copyfile(built, target + ".tmp")
        os.replace(target + ".tmp", target)
    return target


def up_to_date():
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
    except Exception as error:   # setuptools raises its own CompileError / LinkError types
        sys.exit("benchmarks.callee_build: could not compile %s: %s"
                 % (SOURCE, str(error).splitlines()[0] if str(error) else type(error).__name__))
    except SystemExit as error:   # distutils exits on some failures (e.g. no compiler)
        sys.exit("benchmarks.callee_build: could not compile %s: %s" % (SOURCE, error))
    print("benchmarks.callee_build: built %s" % os.path.relpath(path))


if __name__ == "__main__":
    main()
