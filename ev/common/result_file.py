"""A child process's answer, handed back in a file the parent names (pyperformance's model:
each benchmark writes its results to the file given to it, never to be parsed from what it
prints).

The parent (``ask``) makes a temporary file's name, gives it to the child in the environment
(``EV_RESULT_FILE``: it reaches a child in a Debian root too, which sees the path mapped into
the checkout), runs the child, and reads the document the child wrote there (``answer``,
atomically: a child killed half-way leaves no file, never half of one).  What the child prints
is its log: the parent keeps it (``Answer.stdout``, ``.stderr``) and reads it only for the one
line that says why a child failed or wrote no answer (``error_line``).

The file is a small document of its own format, ``{"format": "ev-child-result", "version": 1,
"result": ANY JSON}``: a parent and a child of two different checkouts say so in one line
rather than misreading each other.  History: 1 - the first (before it, children printed their
answer as their last line of standard output)."""
import collections
import contextlib
import os
import subprocess
import sys
import tempfile

from ev.common import atomic
from ev.common.formats import Format, UnknownFormat

VARIABLE = "EV_RESULT_FILE"
RESULT = Format("ev-child-result", 1)

Answer = collections.namedtuple("Answer", "result stdout stderr")


class ChildFailed(Exception):
    """The child could not be run, failed, or wrote no answer; str() is one line.  ``output``
    is what it printed on its standard error (for a caller that recognises a known failure,
    e.g. a missing module, to say what to install)."""

    def __init__(self, line, output=""):
        Exception.__init__(self, line)
        self.output = output


class CannotStart(ChildFailed):
    """The child's program could not be started at all (str() names it)."""


def error_line(text, default="no output"):
    """The last non-empty line of what a child printed: its error, for a one-line message."""
    return (text.strip().splitlines() or [default])[-1]


def log_error_line(path):
    """``error_line`` of a child's log file (ev.runner.children.run writes one)."""
    try:
        with open(path, errors="replace") as log:
            return error_line(log.read())
    except OSError:
        return "no output"


def run_captured(argv, env=None, cwd=None, timeout=None):
    """Run ``argv`` (stdin closed) and keep what it prints (its log); the CompletedProcess.
    Raises ChildFailed when it cannot start or exits non-zero."""
    try:
        done = subprocess.run([str(arg) for arg in argv], env=env, cwd=cwd,
                              stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, universal_newlines=True,
                              errors="replace", timeout=timeout)
    except (OSError, subprocess.TimeoutExpired) as error:
        raise CannotStart("cannot run %s: %s" % (
            argv[0], getattr(error, "strerror", None) or error_line(str(error))))
    if done.returncode != 0:
        raise ChildFailed("exit status %d: %s" % (done.returncode, error_line(
            done.stderr, error_line(done.stdout))), done.stderr)
    return done


def ask(argv, env=None, cwd=None, folder=None, seen_as=None, timeout=None):
    """Run ``argv`` with ``EV_RESULT_FILE`` naming a fresh file, and return its Answer.
    ``folder``: where that file is made (default: the system's temporary folder; a child in
    a Debian root needs one inside the checkout); ``seen_as``: how the child sees a host path
    (Interpreter.path), when not as the host does.  Raises ChildFailed when the child cannot
    start, exits non-zero, or leaves no readable answer."""
    with answer_file(env, folder, seen_as) as (path, environ):
        done = run_captured(argv, environ, cwd, timeout)
        try:
            document = RESULT.load(path)
        except OSError:
            raise ChildFailed("it wrote no answer (%s)" % error_line(
                done.stderr, error_line(done.stdout, "it printed nothing")), done.stderr)
        except UnknownFormat as error:
            raise ChildFailed(str(error), done.stderr)
    return Answer(document.get("result"), done.stdout, done.stderr)


@contextlib.contextmanager
def answer_file(env=None, folder=None, seen_as=None):
    """(the host path of a fresh answer file, ``env`` with EV_RESULT_FILE naming it to the
    child); the file and its folder are removed afterwards.  For ``ask``, and for a parent
    whose child may answer or not (a program run under a tool: ``optional_answer``)."""
    with tempfile.TemporaryDirectory(prefix=".ev-result-", dir=folder) as scratch:
        path = os.path.join(scratch, "result.json")
        environ = dict(os.environ if env is None else env)
        environ[VARIABLE] = seen_as(path) if seen_as else path
        yield path, environ


def optional_answer(path):
    """The answer in ``path`` when the child wrote one this ev reads, else None."""
    try:
        return RESULT.load(path).get("result")
    except (OSError, UnknownFormat):
        return None


def ask_interpreter(interpreter, args, cwd):
    """``ask`` of ``python ARGS`` run by an ev.pythons Interpreter from ``cwd`` (a folder of
    the checkout); the answer's file is made in ``cwd``, which a Debian root sees too."""
    return ask(interpreter.argv(args, cwd), interpreter.environ(), cwd=cwd, folder=cwd,
               seen_as=interpreter.path)


def asked():
    """Whether a parent named a file for this process's answer."""
    return bool(os.environ.get(VARIABLE))


def answer(result):
    """The child's side: write ``result`` (anything JSON can hold) to the file its parent
    named.  Run by a person, with no parent asking, print it instead."""
    path = os.environ.get(VARIABLE)
    text = RESULT.dumps({"result": result})
    if not path:
        sys.stdout.write(text + "\n")
        return
    atomic.write_text(path, text)
