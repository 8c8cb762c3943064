"""The child process of traces.record: runs the program as ``python prog.py ARGS`` (or
``python -m module ARGS``) would, inside the recording.

The program sees its own sys.argv and sys.path[0] (its folder; the current folder with -m), not
this checkout's; its exit code is the child's.  An exception in the program prints its
traceback as Python would, after the profile is finished.
"""
import json
import os
import runpy
import sys
import traceback

from traces import recording


def main(config_text):
    config = json.loads(config_text)
    checkout = config["checkout"]
    if sys.path and sys.path[0] == checkout:
        del sys.path[0]
    status = run(config)
    recording.exit_child(status)


def run(config):
    """The program's exit status."""
    script, module, args = config["script"], config["module"], config["args"]
    sys.argv = [script or module] + args
    sys.path[0:1] = [os.path.dirname(script) if script else os.getcwd()]
    profile = config["profile"]
    try:
        if profile:
            with recording.vmprof_recording(profile, quiet, lines=config["lines"]):
                return run_program(script, module)
        return run_program(script, module)
    except recording.ProfileNotWritten as error:
        sys.stderr.write("error: the profile could not be written: %s\n" % error)
        return 1


def run_program(script, module):
    try:
        if script:
            runpy.run_path(script, run_name="__main__")
        else:
            runpy.run_module(module, run_name="__main__", alter_sys=True)
    except SystemExit as stop:
        return exit_status(stop.code)
    except KeyboardInterrupt:
        sys.stderr.write("Interrupted: the recording of what ran is kept.\n")
        return 130
    except BaseException:
        traceback.print_exc()
        return 1
    return 0


def exit_status(code):
    if code is None:
        return 0
    if isinstance(code, int):
        return code
    sys.stderr.write("%s\n" % code)
    return 1


def quiet(message):
    """traces.record says what it wrote at the end; the program's own output stays its own."""
