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
import contextlib
import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time

import click

from traces import atomic
from traces import perf_stacks, recording, samplers, sampling_stacks
from traces.profile_reader import ends_with_trailer
from traces.project import meta_path, meta_text, read_meta

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


def jit_log_beside(profile):
    """The JIT log recorded with ``profile`` by default: its name with .jitlog for .prof."""
    stem = profile[:-len(".prof")] if profile.endswith(".prof") else profile
    return stem + ".jitlog"


def default_output(script, module, suffix):
    stem = os.path.splitext(os.path.basename(script))[0] if script else module.split(".")[-1]
    return stem + suffix


PY_SPY_RATE = samplers.DEFAULT_RATE


def sampler_help():
    return ("What records the program: %s.  Defaults: %s.  Default here: %s." % (
        "; ".join("%s: %s" % (name, samplers.DESCRIPTIONS[name]) for name in samplers.SAMPLERS),
        samplers.DEFAULTS, samplers.describe_default()))


@click.command(context_settings={"help_option_names": ["-h", "--help"],
                                 "ignore_unknown_options": True,
                                 "allow_interspersed_args": False})
@click.option("--profile", type=click.Path(dir_okay=False),
              help="Write the profile here [default: PROGRAM.prof].")
@click.option("--sampler", type=click.Choice(samplers.SAMPLERS), help=sampler_help())
@click.option("--rate", type=click.IntRange(1, 10000), default=PY_SPY_RATE, show_default=True,
              help="py-spy, austin, perf, profiling.sampling: samples per second (vmprof asks for ~1,000/s and "
                   "gets 250-600 here: its timer and the load decide; the report gives the "
                   "count).")
@click.option("--native/--no-native", default=False, show_default=True,
              help="py-spy: also name the C functions the program calls.  It pauses the "
                   "program to unwind each sample's C stack and re-reads the symbols of each "
                   "library loaded: measured here, about twice the wall time, and start-up "
                   "(imports) over-weighted by up to 20 points (docs/own-program.md).  "
                   "Refused on CPython 3.14+, where its native frames are wrong (every sample "
                   "at one libc address): --sampler perf names them there.")
@click.option("--jit-log", "jit_log", type=click.Path(dir_okay=False),
              help="Write PyPy's JIT log here (PyPy only) [default on PyPy: beside the profile, "
                   "PROGRAM.jitlog or, with --profile X.prof, X.jitlog].")
@click.option("--project", "projects", multiple=True, type=click.Path(file_okay=False),
              help="A folder of the program's own code, repeatable [default: the program's "
                   "folder; with -m, the current folder].")
@click.option("--lines", is_flag=True, help="vmprof: also record the line each frame was at "
                                            "(py-spy always does).")
@click.argument("command", nargs=-1, type=click.UNPROCESSED,
                metavar="-- PROGRAM.py [ARGS]... | -- -m MODULE [ARGS]...")
def main(profile, sampler, rate, native, jit_log, projects, lines, command):
    """Record a program's profile (and on PyPy its JIT log) for traces.profile / traces.jitlog."""
    script, module, args = program_of(command)
    if jit_log and not recording.is_pypy():
        raise click.UsageError("--jit-log needs PyPy (this is %s)"
                               % platform.python_implementation())
    try:
        sampler = samplers.choose(sampler) if (profile or not jit_log) else samplers.VMPROF
    except samplers.NoSampler as problem:
        click.echo("error: %s" % problem, err=True)
        sys.exit(1)
    if native and samplers.native_problem(sampler):
        raise click.UsageError(samplers.native_problem(sampler))
    if lines and recording.is_pypy():
        raise click.UsageError("--lines: vmprof on PyPy records no line numbers")
    if not profile and not jit_log:
        profile = default_output(script, module, ".prof")
        jit_log = default_output(script, module, ".jitlog") if recording.is_pypy() else None
    elif profile and not jit_log and recording.is_pypy():
        jit_log = jit_log_beside(profile)   # a PyPy profile is read through its JIT log
    roots = [os.path.abspath(p) for p in projects] or [
        os.path.dirname(script) if script else os.getcwd()]
    config = {"script": script, "module": module, "args": args, "lines": lines,
              "profile": os.path.abspath(profile) if profile else None,
              "checkout": CHECKOUT, "sampler": sampler}
    if profile:
        say_replaced(profile)
    for path in (profile, jit_log):
        if path:
            remove_stale(path)
    started = time.time()
    if profile and sampler in samplers.OUTSIDE:
        code, whole, seconds, program_exit = record_outside(config, profile, sampler, rate,
                                                            native)
        started = time.time() - seconds   # the run's, not the conversion's afterwards
    else:
        command = [sys.executable, "-c", BOOT % CHECKOUT, json.dumps(config)]
        code = program_exit = recording.run_recorded_child(command, jit_log,
                                                           what="the recorded program")
        whole = bool(profile) and os.path.exists(profile) and ends_with_trailer(profile)
    if profile and not whole and os.path.exists(profile):
        os.replace(profile, profile + ".incomplete")   # never taken for a whole one
    if whole:
        write_meta(profile, script, module, args, roots, jit_log, sampler, rate,
                   time.time() - started, native, program_exit)
    report(profile, jit_log, whole)
    sys.exit(code)


def record_outside(config, profile, sampler, rate, native):
    """Run the program under an out-of-process sampler (it starts the program as its child,
    so no ptrace permission beyond a parent's is needed).  The sampler writes
    PROFILE.incomplete, renamed once it finished; the program writes its exit status as a
    record (the sampler does not pass it on) and keeps the terminal's stdout and stderr, while
    the sampler's own chatter is kept aside for its errors.  Returns (exit code, whole, the
    seconds the program ran, the program's own exit status or None).  perf's recording is
    turned into collapsed stacks once the program ended."""
    incomplete = profile + ".incomplete"
    status = profile + ".status.json"
    std_fds = (os.dup(1), os.dup(2))
    config = dict(config, status=os.path.abspath(status), std_fds=std_fds,
                  pid_file=os.path.abspath(profile + ".pid"))
    data = {samplers.PERF: profile + ".perf.data",
            samplers.STDLIB: profile + ".sampling.bin"}.get(sampler, incomplete)
    started = time.time()
    with tempfile.TemporaryFile("w+") as chatter, \
            tempfile.TemporaryDirectory(prefix="traces-boot-") as boot:
        if sampler == samplers.STDLIB:   # it runs a script, not -c code
            child = [sys.executable, sampling_stacks.write_boot(boot, BOOT % CHECKOUT)]
        else:
            child = [sys.executable, "-c", BOOT % CHECKOUT]
        command = samplers.command(sampler, data, rate, native, child + [json.dumps(config)])
        try:
            code = recording.run_recorded_child(command, None, what=sampler, stderr=chatter,
                                                stdout=chatter, pass_fds=std_fds,
                                                targets=recording.children_of)
        finally:
            for fd in std_fds:
                os.close(fd)
        chatter.seek(0)
        said = chatter.read()
    seconds = time.time() - started
    if stop_orphan(profile + ".pid"):
        click.echo("error: %s ended before the recorded program, which was then stopped"
                   % sampler, err=True)
    status = program_status(status)
    if sampler == samplers.PERF:
        if os.path.exists(data) and code in (0, status):
            code = 0   # perf record passes the program's exit status on: not perf failing
        if code == 0:
            problem = perf_to_collapsed(data, incomplete)
            if problem:
                code, said = 1, problem
        for left in (data, data + ".jit"):
            with contextlib.suppress(OSError):
                os.remove(left)
    if sampler == samplers.STDLIB:
        if code == 0 and os.path.exists(data):
            problem = stdlib_to_collapsed(data, incomplete)
            if problem:
                code, said = 1, problem
        with contextlib.suppress(OSError):
            os.remove(data)
    if code == 0 and status == 0 and os.path.exists(incomplete) and not os.path.getsize(
            incomplete):
        os.replace(incomplete, profile)     # whole, and empty: not the sampler's failure
        click.echo("# no samples: the program ended before %s's first sample (it ran for "
                   "less than about %g s at %d samples/s)" % (sampler, 1.0 / rate, rate),
                   err=True)
        return status, True, seconds, status
    if code != 0 or not os.path.exists(incomplete) or not os.path.getsize(incomplete):
        click.echo("error: %s" % samplers.problem_from(sampler, said, code), err=True)
        return (status if status else 1), False, seconds, status
    os.replace(incomplete, profile)
    if status is None:
        click.echo("error: the recorded program ended without an exit status (killed by a "
                   "signal, or it crashed); %s's recording of what ran is kept" % sampler,
                   err=True)
        return 1, True, seconds, None
    return status, True, seconds, status


def perf_to_collapsed(data, out_path):
    """perf's recording (``data``) as collapsed stacks in ``out_path``: the jitdump of the
    trampolines injected (``perf inject --jit``), the stacks read back (``perf script``);
    the files -X perf_jit left in /tmp removed.  None, or what went wrong (one line)."""
    perf = samplers.binary(samplers.PERF)
    injected = data + ".jit"
    pids = set()
    with tempfile.TemporaryDirectory(prefix="traces-perf-") as cache:
        env = dict(os.environ, PERF_BUILDID_DIR=cache)   # not the user's ~/.debug
        try:
            done = subprocess.run([perf, "inject", "--jit", "-i", data, "-o", injected],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                                  universal_newlines=True, errors="replace")
            if done.returncode != 0:
                return "perf inject --jit failed: %s" % one_line(done.stderr)
            # task events: the pids of every process perf followed, sampled or not (their
            # jitdumps and the files perf inject made of them are removed below)
            with subprocess.Popen([perf, "script", "-i", injected, "--show-task-events", "-F",
                                   "comm,pid,tid,ip,sym,dso"], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                  universal_newlines=True, errors="replace") as script, \
                    open(out_path, "w") as out:
                samples = perf_stacks.write_collapsed(script.stdout, out, pids)
                said = script.stderr.read()
            if script.returncode != 0 or not samples:
                with contextlib.suppress(OSError):
                    os.remove(out_path)
                return "perf script read no samples: %s" % (one_line(said) or
                                                            "exit status %s" % script.returncode)
        except OSError as error:
            return "perf could not be run: %s" % error
        finally:
            for pid in pids:
                for left in perf_stacks.jit_files(pid):
                    with contextlib.suppress(OSError):
                        os.remove(left)
    return None


def stdlib_to_collapsed(data, out_path):
    """profiling.sampling's binary recording (``data``) as collapsed stacks in ``out_path``.
    None, or what went wrong (one line)."""
    try:
        written, error_rate = sampling_stacks.write_collapsed(
            data, out_path, "%d.%d.%d" % sys.version_info[:3])
    except (OSError, ValueError, RuntimeError) as error:
        with contextlib.suppress(OSError):
            os.remove(out_path)
        return "profiling.sampling's recording could not be read: %s" % error
    if error_rate:
        click.echo("# profiling.sampling could not read %.1f%% of its samples (left out)"
                   % error_rate, err=True)
    return None if written else "profiling.sampling recorded no samples"


def one_line(text):
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    return lines[-1][:300] if lines else ""


def stop_orphan(pid_file):
    """The program, when it outlived its sampler (killed, crashed): stopped (SIGTERM, then
    SIGKILL), so that no recorded program runs on unseen.  True when there was one."""
    try:
        with open(pid_file) as written:
            pid = int(written.read())
        os.remove(pid_file)
        with open("/proc/%d/cmdline" % pid, "rb") as cmdline:
            if b"traces.record_child" not in cmdline.read():
                return False   # it ended, and the pid is another process's now
    except (OSError, ValueError):
        return False
    for signum, wait in ((signal.SIGTERM, 2.0), (signal.SIGKILL, 2.0)):
        with contextlib.suppress(OSError):
            os.kill(pid, signum)
        end = time.time() + wait
        while time.time() < end and os.path.exists("/proc/%d" % pid):
            time.sleep(0.02)
        if not os.path.exists("/proc/%d" % pid):
            break
    return True


def program_status(path):
    """The exit status the recorded program wrote, or None (it was killed)."""
    try:
        with open(path) as record:
            return int(json.load(record)["exit"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
    finally:
        with contextlib.suppress(OSError):
            os.remove(path)


def say_replaced(profile):
    """One line when the profile about to be written replaces one another interpreter
    recorded (the default name is the program's, the same on CPython and PyPy)."""
    meta = read_meta(profile) or {}
    if meta.get("interpreter") and meta["interpreter"] != platform.python_implementation():
        click.echo("# %s held a recording made on %s; this one, on %s, replaces it "
                   "(--profile NAME.prof keeps both)" % (profile, meta["interpreter"],
                                                         platform.python_implementation()),
                   err=True)


def remove_stale(path):
    """A recording left by an earlier run must not pass for this run's."""
    for stale in (path, path + ".maps", path + ".incomplete", path + ".status.json",
                  path + ".pid", path + ".perf.data", path + ".perf.data.jit",
                  meta_path(path)):
        try:
            os.remove(stale)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise click.ClickException(atomic.describe(error))


def write_meta(profile, script, module, args, roots, jit_log, sampler, rate, seconds, native,
               program_exit):
    meta = {"recorded_by": "traces.record", "program": script or "-m " + module,
            "args": args, "project": roots, "interpreter": platform.python_implementation(),
            "python": sys.executable, "jit_log": os.path.abspath(jit_log) if jit_log else None,
            "jit_log_bytes": os.path.getsize(jit_log) if jit_log and os.path.exists(jit_log)
            else None,
            "sampler": sampler, "rate": rate if sampler in samplers.OUTSIDE else None,
            "seconds": round(seconds, 3), "native": sampler == samplers.PERF or (
                native and sampler == samplers.PY_SPY),
            "python_version": platform.python_version(),
            # the program's exit status; None: it ended without one (killed by a signal, or
            # it crashed) -- what a caller reads, rather than this command's messages
            "program_exit": program_exit}
    try:
        atomic.write_text(meta_path(profile), meta_text(meta))
    except OSError as error:
        click.echo("error: %s" % atomic.describe(error), err=True)


def report(profile, jit_log, whole):
    """Say what was written and how to read it."""
    python = sys.executable or "python"
    cut = [p for p in (profile, (profile or "") + ".incomplete") if p and os.path.exists(p)]
    if profile and not whole and cut:
        click.echo("# no whole profile: the recording stopped before it finished; %s holds "
                   "what was written (traces.profile reads its whole samples)" % cut[0],
                   err=True)
    elif profile and os.path.exists(profile):
        click.echo("# profile: %s  (read: %s -m traces.profile %s)" % (profile, python, profile),
                   err=True)
    if jit_log and os.path.exists(jit_log):
        click.echo("# JIT log: %s  (read: %s -m traces.jitlog %s [--html PAGE.html])"
                   % (jit_log, python, jit_log), err=True)


if __name__ == "__main__":
    main()
