"""python -m traces.record [--profile FILE] [--jit-log FILE] [--project DIR ...] -- prog.py ARGS
(or ``-- -m module ARGS``): record any program for traces.profile and traces.jitlog.

Runs the program, under the interpreter that runs this command, in a child process set up as
ev.main --profile sets up its own: libunwind where vmprof looks for it (native frames), the
process's memory map kept beside the profile (names PyPy's native frames by library),
real-time sampling at ~1,000 samples/s, PyPy's JIT switched off before vmprof reads the profile
back, Ctrl-C and SIGTERM passed on, a crash said in one line.  Beside the profile it writes
PROFILE.meta.json: the program and its project folders (default: the program's folder), so that
the readers show the program's own functions as "project code".
"""
import json
import os
import platform
import sys

import click

from ev.common import atomic
from traces import recording
from traces.profile_reader import ends_with_trailer
from traces.project import meta_path

CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# The child: this checkout's traces first (the one the parent runs), then the program alone.
BOOT = ("import sys; sys.path.insert(0, %r); from traces.record_child import main; "
        "main(sys.argv[1])")


def program_of(command):
    """(script path or None, module name or None, its arguments) from what follows ``--``."""
    if not command:
        raise click.UsageError("no program given: python -m traces.record -- prog.py ARGS")
    if command[0] == "-m":
        if len(command) < 2:
            raise click.UsageError("-m needs a module name")
        return None, command[1], list(command[2:])
    if command[0].startswith("-"):
        raise click.UsageError("unknown option %s (the program comes after --)" % command[0])
    script = os.path.abspath(command[0])
    if not os.path.isfile(script):
        raise click.UsageError("%s: no such program file" % command[0])
    return script, None, list(command[1:])


def default_output(script, module, suffix):
    stem = os.path.splitext(os.path.basename(script))[0] if script else module.split(".")[-1]
    return stem + suffix


@click.command(context_settings={"help_option_names": ["-h", "--help"],
                                 "ignore_unknown_options": True,
                                 "allow_interspersed_args": False})
@click.option("--profile", type=click.Path(dir_okay=False),
              help="Write a vmprof profile here [default: PROGRAM.prof].")
@click.option("--jit-log", "jit_log", type=click.Path(dir_okay=False),
              help="Write PyPy's JIT log here (PyPy only) [default on PyPy: PROGRAM.jitlog].")
@click.option("--project", "projects", multiple=True, type=click.Path(file_okay=False),
              help="A folder of the program's own code, repeatable [default: the program's "
                   "folder; with -m, the current folder].")
@click.option("--lines", is_flag=True, help="Also record the line each frame was at.")
@click.argument("command", nargs=-1, type=click.UNPROCESSED,
                metavar="-- PROGRAM.py [ARGS]... | -- -m MODULE [ARGS]...")
def main(profile, jit_log, projects, lines, command):
    """Record a program's profile (and on PyPy its JIT log) for traces.profile / traces.jitlog."""
    script, module, args = program_of(command)
    if jit_log and not recording.is_pypy():
        raise click.UsageError("--jit-log needs PyPy (this is %s)"
                               % platform.python_implementation())
    if lines and recording.is_pypy():
        raise click.UsageError("--lines: vmprof on PyPy records no line numbers")
    if not profile and not jit_log:
        profile = default_output(script, module, ".prof")
        jit_log = default_output(script, module, ".jitlog") if recording.is_pypy() else None
    roots = [os.path.abspath(p) for p in projects] or [
        os.path.dirname(script) if script else os.getcwd()]
    config = {"script": script, "module": module, "args": args, "lines": lines,
              "profile": os.path.abspath(profile) if profile else None,
              "checkout": CHECKOUT}
    for path in (profile, jit_log):
        if path:
            remove_stale(path)
    command = [sys.executable, "-c", BOOT % CHECKOUT, json.dumps(config)]
    code = recording.run_recorded_child(command, jit_log, what="the recorded program")
    if profile and os.path.exists(profile) and ends_with_trailer(profile):
        write_meta(profile, script, module, args, roots, jit_log)   # a finished profile's
    report(profile, jit_log)
    sys.exit(code)


def remove_stale(path):
    """A recording left by an earlier run must not pass for this run's."""
    for stale in (path, path + ".maps", path + ".incomplete", meta_path(path)):
        try:
            os.remove(stale)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise click.ClickException(atomic.describe(error))


def write_meta(profile, script, module, args, roots, jit_log):
    meta = {"recorded_by": "traces.record", "program": script or "-m " + module,
            "args": args, "project": roots, "interpreter": platform.python_implementation(),
            "python": sys.executable, "jit_log": os.path.abspath(jit_log) if jit_log else None}
    try:
        atomic.write_text(meta_path(profile), json.dumps(meta, indent=1))
    except OSError as error:
        click.echo("error: %s" % atomic.describe(error), err=True)


def report(profile, jit_log):
    """Say what was written and how to read it."""
    python = sys.executable or "python"
    if profile and os.path.exists(profile) and not ends_with_trailer(profile):
        click.echo("# no whole profile: the program was stopped before the recording "
                   "finished (%s is cut short)" % profile, err=True)
    elif profile and os.path.exists(profile):
        click.echo("# profile: %s  (read: %s -m traces.profile %s)" % (profile, python, profile),
                   err=True)
    if jit_log and os.path.exists(jit_log):
        click.echo("# JIT log: %s  (read: %s -m traces.jitlog %s [--html PAGE.html])"
                   % (jit_log, python, jit_log), err=True)


if __name__ == "__main__":
    main()
