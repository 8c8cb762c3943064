"""Compile ev/studies/calls/callee.c into ev.studies.calls._callee (a C-API extension) for the
calls study.

Run by the set-up (scripts/setup_envs.sh) in each venv: ``python -m ev.studies.calls.callee_build
[--if-stale]``.  Exits 1 with one line when it cannot compile; the calls study then reports the
C-extension rows as not measured.
"""
import os
import tempfile

from ev.common import native_build

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "callee.c")
NAME = "_callee"


def built_path():
    return native_build.extension_path(HERE, NAME)


def build():
    """Compile in a scratch folder; only the finished library is put next to this file."""
    from setuptools import Distribution, Extension
    with tempfile.TemporaryDirectory(prefix="ev-callee-build-") as scratch:
        distribution = Distribution({"name": NAME, "ext_modules": [
            Extension(NAME, [SOURCE], extra_compile_args=["-O2"])]})
        command = distribution.get_command_obj("build_ext")
        command.build_lib = command.build_temp = scratch
        command.ensure_finalized()
        command.run()
        native_build.put_in_place(command.get_ext_fullpath(NAME), built_path())
    return built_path()


def main():
    native_build.run("ev.studies.calls.callee_build", build, built_path(), (SOURCE, __file__))


if __name__ == "__main__":
    main()
