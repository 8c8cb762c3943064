"""Reading a store whoever owns it and wherever it lies: a store handed to a colleague, on a
read-only mount, in a folder the reader cannot write to.

A run writes its store in SQLite's WAL mode (ev.store.sqlite), in which readers read while
the run writes; but a reader of a WAL-mode database maps its shared-memory file (RUN.db-shm)
and creates it when it is missing, which in a folder it cannot write to fails with "attempt to
write a readonly database".  So a run leaves its finished store in rollback-journal mode
(``leave_wal_mode``), which a reader reads with no file of its own.  A store still in WAL mode
with no -wal file beside it (finished by an older ev, or its close was cut short) has nothing
in flight, and is read as immutable.  Only a store with a -wal file -- a run is writing it, or
was killed while writing -- in a folder the reader cannot write to cannot be read here: the
message says so, and what to do.
"""
import os
import sqlite3
from urllib.parse import quote

from ev.store.errors import StoreError


def open_store(store_class, path):
    """``store_class`` (ev.store.sqlite.Store) opened read-only on ``path`` and checked."""
    if not os.access(path, os.R_OK):
        raise StoreError("%s: cannot be read: this user may not read the file (its "
                         "permissions)" % path)
    try:
        return checked(store_class, path, immutable=False)
    except StoreError as error:
        if not needs_write_access(error.__cause__):
            raise
    if os.path.exists(path + "-wal"):
        raise StoreError(
            "%s: cannot be read here: a run is writing it, or was killed while writing (its "
            "-wal file is beside it), and SQLite reads such a store only where it may make "
            "its shared-memory file, in %s, which this user cannot write to; copy the store "
            "and its -wal file to a folder you can write to, or resume it to finish it"
            % (path, os.path.dirname(os.path.abspath(path))))
    return checked(store_class, path, immutable=True)


def checked(store_class, path, immutable):
    uri = "file:%s?mode=ro%s" % (quote(os.path.abspath(path)), "&immutable=1" * immutable)
    try:
        connection = sqlite3.connect(uri, uri=True)
    except sqlite3.DatabaseError as error:
        raise StoreError("%s: not an ev store (%s)" % (path, error)) from error
    return verified(store_class(path, connection, None))


def verified(store):
    """The store once its check passed (an ev store, of a format this ev reads); otherwise
    it is closed and the StoreError raised."""
    try:
        store.check()
    except StoreError:
        store.close()
        raise
    return store


def needs_write_access(error):
    """Did SQLite fail for want of a file it may not make (the WAL's shared memory)?"""
    return isinstance(error, sqlite3.OperationalError) and (
        "readonly" in str(error) or "unable to open" in str(error))


def leave_wal_mode(connection):
    """Switch a store this process wrote to rollback-journal mode as it closes (this also
    checkpoints the WAL into the store and removes the -wal and -shm files).  A reader that
    holds the store at that moment keeps it in WAL mode, which is fine: ``open_store`` reads
    that too once the -wal file is gone."""
    try:
        # A reader's moment is short; a reader that stays (a shell) must not hold up the run.
        connection.execute("PRAGMA busy_timeout=200").fetchall()
        connection.execute("PRAGMA journal_mode=DELETE").fetchall()
    except sqlite3.Error:
        pass
