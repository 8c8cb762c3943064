"""Recording this very process from outside: an out-of-process sampler (py-spy, austin) attached
to the running interpreter for a part of its run (ev.main --profile-from N: from generation N
to the end), then stopped so that its file is whole.

The sampler is this process's child, in a session of its own (a Ctrl-C or SIGTERM meant for
the program reaches the program, which then stops the sampler cleanly: on SIGINT py-spy and
austin write what they sampled and exit).  It writes PATH.incomplete, renamed to PATH once it
stopped cleanly, so that a run killed with -9 (the sampler then ends by itself, its target
gone) leaves nothing that passes for a whole profile.
"""
import contextlib
import ctypes
import errno
import os
import signal
import subprocess
import tempfile
import time

from traces import samplers

STARTED = "Sampling process"          # py-spy's line once it reads the process
START_SECONDS = 20.0                  # a sampler that says nothing by then is taken as started
STOP_SECONDS = 60.0                   # py-spy writes its file after SIGINT (it may symbolize)
PR_SET_PTRACER = 0x59616d61           # Linux's Yama: who may ptrace this process


class NotRecorded(OSError):
    """The sampler could not start or did not finish its file: one line, in ``str()``; the
    profile's path in ``filename``."""

    def __str__(self):
        return self.strerror or "the sampler failed"


def allow_tracer(pid):
    """Let ``pid`` (the sampler, our child) read this process under Yama's ptrace_scope 1,
    where only an ancestor may by default.  Best effort: elsewhere it does nothing, and a
    refusal shows as the sampler's own error."""
    with contextlib.suppress(Exception):
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PTRACER, pid, 0, 0, 0)


@contextlib.contextmanager
def outside_recording(sampler, path, rate, native):
    """Sample this process with ``sampler`` into ``path`` while the body runs; raise
    NotRecorded (one line) when it cannot start or does not finish its file."""
    incomplete = path + ".incomplete"
    for stale in (path, incomplete):
        with contextlib.suppress(FileNotFoundError):
            os.remove(stale)
    if sampler not in samplers.ATTACHABLE:
        raise NotRecorded(None, "%s records a program from its start, not a running one: "
                                "python -m traces.record --sampler %s -- PROGRAM"
                          % (sampler, sampler))
    command = samplers.command(sampler, incomplete, rate, native, pid=os.getpid())
    with tempfile.TemporaryFile() as chatter:
        process = subprocess.Popen(command, stdout=chatter, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
        allow_tracer(process.pid)   # py-spy is still starting: it reads us only after this
        wait_until_sampling(process, chatter, incomplete)
        if process.poll() is not None:
            raise NotRecorded(None, samplers.problem_from(sampler, said(chatter),
                                                          process.returncode), path)
        try:
            yield
        finally:
            stop(process)
            finish(sampler, process.returncode, said(chatter), path, incomplete, rate)


def wait_until_sampling(process, chatter, output):
    """Until the sampler reads the process (py-spy says so; austin writes its header) or
    ends, so that the recording starts where the caller said."""
    deadline = time.monotonic() + START_SECONDS
    while process.poll() is None and time.monotonic() < deadline:
        if STARTED in said(chatter) or (os.path.exists(output) and os.path.getsize(output)):
            return
        time.sleep(0.002)


def stop(process):
    """SIGINT: the sampler writes what it sampled and exits; SIGKILL if it hangs."""
    if process.poll() is None:
        with contextlib.suppress(OSError):
            process.send_signal(signal.SIGINT)
    try:
        process.wait(STOP_SECONDS)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


def finish(sampler, code, output, path, incomplete, rate):
    """PATH.incomplete -> PATH when the sampler stopped cleanly with samples; else raise
    NotRecorded, the file left as PATH.incomplete."""
    if code == 0 and os.path.exists(incomplete) and not os.path.getsize(incomplete):
        os.remove(incomplete)
        raise NotRecorded(None, "%s took no sample: the recorded part of the run was shorter "
                                "than its sampling period (%d samples/s)" % (sampler, rate),
                          path)
    if code != 0 or not os.path.exists(incomplete) or not os.path.getsize(incomplete):
        problem = samplers.problem_from(sampler, output, code)
        # a write past the file-size limit kills the sampler with SIGXFSZ, or fails with EFBIG
        failed_write = errno.EFBIG if code == -signal.SIGXFSZ else samplers.write_error(output)
        if failed_write:
            problem = "cannot write %s: %s" % (path, os.strerror(failed_write))
        if os.path.exists(incomplete):
            problem += " (what was written is in %s)" % incomplete
        raise NotRecorded(None, problem, path)
    os.replace(incomplete, path)


def said(chatter):
    """What the sampler printed so far (read without moving the offset it writes at)."""
    fd = chatter.fileno()
    return os.pread(fd, os.fstat(fd).st_size, 0).decode("utf-8", "replace")
