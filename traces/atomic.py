"""Writing a file the user asked to keep: complete, or not at all.

A plain ``open(path, "w")`` truncates the old file first, so a full disk, a write error or a
Ctrl-C halfway leaves neither the old content nor the new.  Here the new content goes to a
temporary file in the same folder, which replaces the target in one ``os.replace`` once it is
complete; Ctrl-C and SIGTERM wait until the file is in place.

It lives in traces, the package beneath ev that stands alone (users point it at their own
programs, without ev): ev.common.atomic is this module under ev's name.
"""
import contextlib
import errno
import os
import signal
import stat
import tempfile

DEFERRED_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)


@contextlib.contextmanager
def signals_deferred():
    """Hold Ctrl-C and SIGTERM until the body is done (they are delivered afterwards)."""
    if not hasattr(signal, "pthread_sigmask"):
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, DEFERRED_SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def is_special_file(path):
    """A device, pipe or socket (``/dev/null``, ``/dev/full``): written in place, never
    replaced by a regular file."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return False
    return not stat.S_ISREG(mode)


def write_atomically(path, write, binary=False):
    """Call ``write(file)`` on a temporary file beside ``path``, then put it in place.
    On any failure the temporary file is removed, ``path`` is untouched, and the error
    (an OSError names ``path``) is raised."""
    mode = "wb" if binary else "w"
    if is_special_file(path):
        try:
            with open(path, mode) as out:
                write(out)
        except OSError as error:
            raise OSError(error.errno, error.strerror, path)
        return
    with signals_deferred():
        fd, temporary = temporary_beside(path)
        try:
            with os.fdopen(fd, mode) as out:
                write(out)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(temporary, 0o666 & ~current_umask())
            os.replace(temporary, path)
        except BaseException as error:
            with contextlib.suppress(OSError):
                os.remove(temporary)
            if isinstance(error, OSError):
                raise OSError(error.errno, error.strerror, path)
            raise


def temporary_beside(path):
    """(fd, name) of a new hidden temporary file in ``path``'s folder, where a write puts it
    before renaming it over ``path``; an OSError names ``path``."""
    folder = os.path.dirname(os.path.abspath(path))
    try:
        return tempfile.mkstemp(dir=folder, prefix=".%s." % os.path.basename(path),
                                suffix=".tmp")
    except OSError as error:
        raise OSError(error.errno, error.strerror, path)


def check_writable(path):
    """Raise the OSError (naming ``path``) that writing ``path`` with write_atomically would
    meet, by making and removing the same kind of temporary file beside it: os.access cannot
    see a read-only mount, a full disk's missing inode or /proc refusing new files."""
    if is_special_file(path):
        if not os.access(path, os.W_OK):
            raise OSError(errno.EACCES, os.strerror(errno.EACCES), path)
        return
    fd, temporary = temporary_beside(path)
    os.close(fd)
    os.remove(temporary)
    if os.path.exists(path) and not os.access(path, os.W_OK):
        raise OSError(errno.EACCES, os.strerror(errno.EACCES), path)


def write_text(path, text):
    write_atomically(path, lambda out: out.write(text))


def current_umask():
    mask = os.umask(0)
    os.umask(mask)
    return mask


def describe(error):
    """One line for an OSError: 'cannot write PATH: REASON'."""
    return "cannot write %s: %s" % (error.filename or "file", error.strerror or error)
