"""Child processes: run fresh (one process, its output to a log), or kept warm and run in
slices (``Warm``).

Children run in a session of their own: a Ctrl-C at the terminal reaches the runner only,
and the runner forwards it (ev.runner.signals) exactly once, so that the child still writes
its end record and its closing summary.

A warm child is ``ev.main --serve`` (ev.cli.serve): it sets up its evolution once, then
evolves the generations each command asks for, into the records file the command names,
and answers with one JSON object on its standard output when the slice's records are
written (its printed generation lines go to its standard error, the log).  The data is in
the records; the answer only says "done"."""
import json
import subprocess
import sys
import time

from ev.runner.signals import exit_status


def run(argv, env, cwd, log_path, stops, show=False, watch=None):
    """Run ``argv`` fresh; its output goes to ``log_path`` (and the terminal when ``show``).
    ``watch()`` is called about once a second while it runs (the live status).  Return
    (exit status, wall seconds)."""
    began = time.perf_counter()
    with open(log_path, "wb") as log:
        child = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.DEVNULL,
                                 stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                                 start_new_session=True)
        stops.child = child
        seen = time.monotonic()
        try:
            for line in iter(child.stdout.readline, b""):
                log.write(line)
                log.flush()
                if show:
                    sys.stdout.buffer.write(line)
                    sys.stdout.flush()
                if watch and time.monotonic() - seen > 1.0:
                    seen = time.monotonic()
                    watch()
            status = child.wait()
        finally:
            stops.child = None
            if child.poll() is None:    # the runner itself failed: leave no orphan behind
                child.kill()
                child.wait()
            child.stdout.close()
    return exit_status(status), time.perf_counter() - began


class Warm(object):
    """A child kept alive between slices (ev.cli.serve on the other side)."""

    def __init__(self, argv, env, cwd, log_path):
        self.log = open(log_path, "ab")
        self.process = subprocess.Popen(argv, env=env, cwd=cwd, stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log,
                                        start_new_session=True)
        self.status = None

    @property
    def alive(self):
        return self.status is None and self.process.poll() is None

    def slice(self, command, stops):
        """Send one slice's command and wait until the child has written its records.
        Return (None, wall seconds) while the child lives on, or (its exit status, wall
        seconds) when it ended instead (stopped, failed, or its generations all run)."""
        began = time.perf_counter()
        stops.child = self.process
        try:
            self.process.stdin.write((json.dumps(command) + "\n").encode())
            self.process.stdin.flush()
            answered = self.answer()
        except (BrokenPipeError, OSError):
            answered = False
        finally:
            stops.child = None
        if not answered:
            self.finish()
        return self.status, time.perf_counter() - began

    def answer(self):
        """Wait for the slice's answer; True when it came, False when the child ended.  A
        line that is not the answer (something a wrapper such as chroot printed on its
        standard output) goes to the log."""
        for line in iter(self.process.stdout.readline, b""):
            try:
                if json.loads(line.decode()).get("type") == "slice":
                    return True
            except (ValueError, UnicodeDecodeError, AttributeError):
                pass
            self.log.write(line)
            self.log.flush()
        return False

    def finish(self, timeout=60):
        """End the child (its input closed: it exits 0 between slices); return its status."""
        if self.status is not None:
            return self.status
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            returncode = self.process.wait(timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            returncode = self.process.wait()
        self.process.stdout.close()
        self.log.close()
        self.status = exit_status(returncode)
        return self.status
