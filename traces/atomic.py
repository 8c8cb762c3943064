"""Writing a file the user asked to keep: complete, or not at all (traces stands alone, so it
keeps its own small copy of what ev.common.atomic does: a temporary file beside the target,
renamed over it once complete, Ctrl-C and SIGTERM held meanwhile)."""
import contextlib
import os
import signal
import tempfile

DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def signals_deferred():
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, DEFERRED_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def write_atomically(path, write, binary=False):
    """Call ``write(file)`` on a temporary file beside ``path``, then put it in place; on any
    failure ``path`` is untouched and the error (an OSError names ``path``) is raised."""
    mode = "wb" if binary else "w"
    if os.path.exists(path) and not os.path.isfile(path):   # /dev/null, a pipe: in place
        try:
            with open(path, mode) as out:
                write(out)
        except OSError as error:
            raise OSError(error.errno, error.strerror, path)
        return
    with signals_deferred():
        try:
            fd, temporary = tempfile.mkstemp(dir=os.path.dirname(os.path.abspath(path)),
                                             prefix=".%s." % os.path.basename(path),
                                             suffix=".tmp")
        except OSError as error:
            raise OSError(error.errno, error.strerror, path)
        try:
            with os.fdopen(fd, mode) as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            mask = os.umask(0)
            os.umask(mask)
            os.chmod(temporary, 0o666 & ~mask)
            os.replace(temporary, path)
        except BaseException as error:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            if isinstance(error, OSError):
                raise OSError(error.errno, error.strerror, path)
            raise


def write_text(path, text):
    write_atomically(path, lambda out: out.write(text))


def describe(error):
    """One line for an OSError: 'cannot write PATH: REASON'."""
    return "cannot write %s: %s" % (error.filename or "file", error.strerror or error)
