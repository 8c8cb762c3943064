"""What the project's two C builds share (ev.backends.c_build,
ev.studies.calls.callee_build): only a finished library is put in place, a build is skipped
while it is newer than its sources, and a failed build is one line and exit status 1."""
import importlib.machinery
import os
import shutil
import sys


def extension_path(folder, name):
    """Where this interpreter looks for the extension module ``name`` in ``folder``."""
    return os.path.join(folder, name + importlib.machinery.EXTENSION_SUFFIXES[0])


def put_in_place(built, target):
    """Copy a library built elsewhere to ``target``, whole or not at all: a half-copied
    module never replaces a good one."""
    shutil.copyfile(built, target + ".tmp")
    os.replace(target + ".tmp", target)


def up_to_date(target, sources):
    """Whether ``target`` exists and is newer than every source."""
    try:
        built = os.path.getmtime(target)
    except OSError:
        return False
    return all(os.path.getmtime(source) <= built for source in sources)


def run(program, build, target, sources, missing_module=None):
    """The command line of a build: ``--if-stale`` skips a target newer than its ``sources``
    (the C source first, named in a failure); ``build()`` returns the library's path;
    ``missing_module`` is the message for an ImportError."""
    source = sources[0]
    if "--if-stale" in sys.argv[1:] and up_to_date(target, sources):
        return
    try:
        path = build()
    except ImportError as error:
        sys.exit("%s: %s" % (program, missing_module or error))
    except Exception as error:   # distutils/setuptools raise their own CompileError types
        sys.exit("%s: could not compile %s: %s" % (
            program, source, str(error).splitlines()[0] if str(error) else type(error).__name__))
    except SystemExit as error:   # distutils exits on some failures (e.g. no compiler)
        sys.exit("%s: could not compile %s: %s" % (program, source, error))
    print("%s: built %s" % (program, os.path.relpath(path)))
