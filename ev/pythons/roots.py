"""Where the Debian roots live and how a command runs inside one.

A root is ``$XDG_CACHE_HOME/ev/roots/SUITE`` (default ``~/.cache/ev``; ``EV_ROOTS`` overrides),
outside any checkout.  It counts as complete only when its stamp ``.ev/ready.json`` exists: the
provisioner writes that last.

A command runs in a root through ``unshare --mount`` + ``chroot``: inside a mount namespace of
its own, /proc is mounted and the checkout is bind-mounted at ``/ev``.  Those mounts belong to
the command's namespace, so they vanish when it ends, however it ends (kill -9 included):
nothing stays mounted for a later ``remove`` to walk into, and two cells can share a root.
A bind mount rather than a copy: the root always runs the code of the checkout that asked
(no stale copy, nothing to sync), and results written under /ev land in the checkout."""
import json
import os
import shutil
import subprocess

from ev.common.formats import object_format

CHECKOUT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
INSIDE = "/ev"                       # the checkout, as the root sees it
STATE = ".ev"                        # the provisioner's stamps and records inside a root
READY = os.path.join(STATE, "ready.json")
# The provisioner's files in a root, each named and versioned (ev.common.formats).  History:
# 1 - ready.json {"suite", "interpreters", "step_seconds", "finished"}, a step's stamp
#     {"seconds", "inputs"}; before their names (ev at 6b10243) the same objects without
#     "format" and "version".
ROOT_READY = object_format("ev-root-ready", "interpreters")
STEP_STAMP = object_format("ev-root-step", "inputs")

# Run "$@" in ROOT with /proc and the checkout mounted, from directory CWD, with env ENV...:
#   sh -c SCRIPT ev-root ROOT CHECKOUT CWD VAR=VALUE... -- COMMAND...
ENTER = r'''root=$1 checkout=$2 cwd=$3; shift 3
mount -t proc proc "$root/proc" || exit 125
mount --bind "$checkout" "$root/ev" || exit 125
exec chroot "$root" /usr/bin/env -C "$cwd" "$@"'''


def roots_dir():
    """The folder of all roots (not created here)."""
    if os.environ.get("EV_ROOTS"):
        return os.path.abspath(os.environ["EV_ROOTS"])
    cache = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(cache, "ev", "roots")


def root_of(suite):
    return os.path.join(roots_dir(), suite)


def is_ready(suite):
    return os.path.exists(os.path.join(root_of(suite), READY))


def ready_record(suite):
    """What the provisioner recorded when the root was finished (versions, step times), or None."""
    try:
        with open(os.path.join(root_of(suite), READY)) as handle:
            return ROOT_READY.read(json.load(handle), handle.name)
    except (OSError, ValueError):   # UnknownFormat included: the root is then not ours to read
        return None


def inside_path(path, checkout=CHECKOUT):
    """The path a host file under the checkout has inside a root (``/ev/...``); a path outside
    the checkout cannot be seen from the root (ValueError)."""
    real, top = os.path.realpath(path), os.path.realpath(checkout)
    if real != top and not real.startswith(top + os.sep):
        raise ValueError("%s is outside the checkout %s: a root sees only the checkout" % (path, top))
    return INSIDE + real[len(top):]


def enter_prefix(suite, env=None, cwd=None, checkout=CHECKOUT):
    """The argv prefix that runs a command inside the suite's root (as root: a private mount
    namespace; not root: a user namespace where the caller is root, with a pid namespace of its
    own so /proc can be mounted -- untested here: this machine's helpers run as root)."""
    here = cwd or os.getcwd()
    try:
        inside_cwd = inside_path(here, checkout)
    except ValueError:
        inside_cwd = INSIDE
    unshare = ["unshare", "--mount", "--propagation", "private"]
    if os.geteuid() != 0:
        unshare[1:1] = ["--map-root-user", "--pid", "--fork"]
    settings = ["%s=%s" % item for item in sorted((env or {}).items())]
    return (unshare + ["sh", "-c", ENTER, "ev-root", root_of(suite), os.path.realpath(checkout),
                       inside_cwd] + settings)


def mounts_under(path):
    """Mount points at or under ``path`` (deepest first), from /proc/self/mountinfo."""
    top = os.path.realpath(path)
    found = []
    try:
        with open("/proc/self/mountinfo") as handle:
            for line in handle:
                point = line.split()[4].encode().decode("unicode_escape")
                if point == top or point.startswith(top + os.sep):
                    found.append(point)
    except OSError:
        return []
    return sorted(found, key=len, reverse=True)


def remove_tree(path):
    """Delete a root or a half-made one: first unmount what is mounted inside (debootstrap mounts
    /proc and /sys in its target; a killed run may leave them), then delete without crossing into
    any other file system, so a mount that would not go away is never walked into."""
    if not os.path.lexists(path):
        return
    for point in mounts_under(path):
        subprocess.run(["umount", "-l", point], stderr=subprocess.DEVNULL)
    left = mounts_under(path)
    if left:
        raise OSError("cannot unmount %s: not deleting %s" % (left[0], path))
    if shutil.which("rm"):
        done = subprocess.run(["rm", "-rf", "--one-file-system", path])
        if done.returncode == 0:
            return
    shutil.rmtree(path)
