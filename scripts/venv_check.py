"""python -I scripts/venv_check.py CHECKOUT [--stamp PATH] [MODULE ...]: is this venv still what
its stamp says?

Run by scripts/setup_envs.sh on every run of a venv whose stamp matches, because a stamp only
says what was true when it was written: a copied venv still points its editable install at
the other checkout, and a package can be half-installed (an interrupted reinstall) or removed
since.  Prints one line per problem and exits 1 when there is any:

    origin PATH            ev is installed from PATH, not from CHECKOUT
    origin nowhere ...     ev is not installed in this venv
    broken MODULE: ERROR   MODULE (an optional package the stamp says is installed) fails to import

Importing is the only test that tells a broken package from a working one (a module that is
found but whose submodules are missing imports halfway and fails), so each module is imported;
mpi4py's MPI extension is loaded without initialising MPI.  Importing numba, pytest and the rest
takes seconds, so with ``--stamp`` the imports are skipped when no file or folder of any module
changed since the stamp was last confirmed (its modification time, set anew after every check
that imported them all): a complete set-up then takes well under 2 s.
"""
import importlib.util
import json
import os
import signal
import sys
from importlib import metadata
from urllib.parse import unquote, urlparse


def installed_from():
    """The folder ev's editable install points at (pip's direct_url.json), or None."""
    try:
        text = metadata.distribution("ev").read_text("direct_url.json")
    except metadata.PackageNotFoundError:
        return None
    url = json.loads(text or "{}").get("url", "")
    return unquote(urlparse(url).path) if url.startswith("file:") else url or None


def files_missing(name):
    """For a package that is a program rather than a module (py-spy, austin-dist): None when
    every file its installation recorded is there, else what is missing (one line)."""
    try:
        files = metadata.distribution(name).files or []
    except metadata.PackageNotFoundError:
        return "PackageNotFoundError: %s is not installed" % name
    missing = [str(path) for path in files if not os.path.exists(path.locate())]
    if missing:
        return "FileNotFoundError: %d of its files are missing (%s)" % (len(missing), missing[0])
    return None


def import_error(module):
    """None when ``module`` imports, else "Type: message" (one line)."""
    if not module.isidentifier():
        return files_missing(module)
    try:
        if module == "mpi4py":
            import mpi4py
            mpi4py.rc.initialize = mpi4py.rc.finalize = False
            from mpi4py import MPI  # noqa: F401 (loads libmpi; a missing library fails here)
        else:
            __import__(module)
    except Exception as error:   # a broken package may raise anything while importing
        return "%s: %s" % (type(error).__name__, str(error).splitlines()[0] if str(error) else "")
    return None


def newest(path):
    """The latest modification time (ns) of ``path`` and, for a folder, of everything in it
    (compiled-bytecode caches left out: importing writes them)."""
    latest = os.lstat(path).st_mtime_ns
    for folder, folders, files in os.walk(path):
        folders[:] = [f for f in folders if f != "__pycache__"]
        for name in folders + files:
            latest = max(latest, os.lstat(os.path.join(folder, name)).st_mtime_ns)
    return latest


def unchanged_since(stamp, modules):
    """Whether no file or folder of any of ``modules`` changed since ``stamp`` was last
    touched (False when a module cannot be found, or the stamp is missing)."""
    try:
        confirmed = os.stat(stamp).st_mtime_ns
        for module in modules:
            if not module.isidentifier():
                continue
            spec = importlib.util.find_spec(module)
            if spec is None:
                return False
            for path in list(spec.submodule_search_locations or []) or [spec.origin]:
                if newest(path) > confirmed:
                    return False
    except (OSError, ImportError, ValueError):
        return False
    return True


def problems(checkout, modules, stamp=None):
    found = []
    origin = installed_from()
    if origin is None:
        found.append("origin nowhere (ev is not installed)")
    elif os.path.realpath(origin) != os.path.realpath(checkout):
        found.append("origin %s" % origin)
    quick = bool(stamp) and unchanged_since(stamp, modules)
    for module in modules:
        error = import_error(module) if not (quick and module.isidentifier()) else None
        if error:
            found.append("broken %s: %s" % (module, error))
    if stamp and not quick and not found:
        try:
            os.utime(stamp)         # confirmed: the next check needs no imports
        except OSError:
            pass
    return found


def main(argv):
    # Ctrl-C while a package imports (numba's import takes a second or two): die of the signal,
    # as the set-up expects, without a traceback.
    signal.signal(signal.SIGINT, signal.SIG_DFL)
    if not argv:
        print("usage: python -I scripts/venv_check.py CHECKOUT [--stamp PATH] [MODULE ...]",
              file=sys.stderr)
        return 2
    stamp = None
    if argv[1:2] == ["--stamp"] and len(argv) > 2:
        stamp, argv = argv[2], argv[:1] + argv[3:]
    found = problems(argv[0], argv[1:], stamp)
    for line in found:
        print(line)
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
