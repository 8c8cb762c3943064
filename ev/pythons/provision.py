"""Provisioning one Debian root per suite: the steps, each timed, each resumable.

Step 1, ``bootstrap``: debootstrap (or mmdebstrap --mode=unshare when not root) builds the root
in a temporary folder beside its final place, which is renamed into place only once debootstrap
finished; a Ctrl-C or failure leaves only that temporary folder, deleted by the next run.
Then, per venv, ``venv``, ``wheels`` (every package built or downloaded once into the root's
wheel cache /wheels: PyPy 8.0's numpy builds from source there, docs/pythons.md has how long)
and ``install``
(offline, from /wheels) and ``ev`` (the checkout mounted at /ev installed editable: the venv
imports whichever checkout is mounted there, and sees its entry points).
Each step leaves a stamp in ROOT/.ev/steps when it succeeded; a run skips stamped steps and
redoes a half-done one from its start.  ``.ev/ready.json`` (versions, step times) is written
last: only then is the root taken for complete."""
import contextlib
import fcntl
import hashlib
import os
import shutil
import subprocess
import sys
import tempfile
import time

from ev.common import atomic
from ev.pythons import catalogue, roots

WHEELS = "/wheels"
HELD_LOCKS = []     # the suites' lock files this process holds, passed to the steps' commands


class ProvisionError(Exception):
    """A step failed or cannot start; the message is one line for the user."""


def debian_mirror(sources="/etc/apt/sources.list.d/debian.sources"):
    """The machine's own Debian mirror (EV_DEBIAN_MIRROR overrides), else deb.debian.org."""
    if os.environ.get("EV_DEBIAN_MIRROR"):
        return os.environ["EV_DEBIAN_MIRROR"]
    with contextlib.suppress(OSError):
        with open(sources) as handle:
            for line in handle:
                if line.startswith("URIs:") and "security" not in line:
                    return line.split()[1]
    return "http://deb.debian.org/debian"


def bootstrap_command(suite, target, mirror):
    """debootstrap as root (installed with apt-get when missing); mmdebstrap in a user namespace
    when not root; else a ProvisionError that says what to run."""
    include = "--include=" + ",".join(catalogue.PACKAGES[suite])
    if is_root():
        if not shutil.which("debootstrap") and shutil.which("apt-get"):
            subprocess.run(["apt-get", "install", "-y", "-q", "debootstrap"],
                           stdout=subprocess.DEVNULL, check=False)
        if shutil.which("debootstrap"):
            return ["debootstrap", "--variant=minbase", include, suite, target, mirror]
        raise ProvisionError("debootstrap is missing and could not be installed: "
                             "run `apt-get install debootstrap`")
    if shutil.which("mmdebstrap") and user_namespaces():
        return ["mmdebstrap", "--mode=unshare", "--variant=minbase", include, suite, target,
                mirror]
    raise ProvisionError("making a Debian root needs root or mmdebstrap with user namespaces: "
                         "run `sudo %s -m ev.pythons add %s`" % (sys.executable, suite))


def is_root():
    return os.geteuid() == 0


def user_namespaces():
    return subprocess.run(["unshare", "--map-root-user", "true"], stderr=subprocess.DEVNULL,
                          check=False).returncode == 0


class Provisioner:
    """The steps for one suite.  ``run(argv, log)`` runs a command (tests pass a fake);
    ``say(line)`` shows progress."""

    def __init__(self, suite, say=print, run=None, describe=None):
        if suite not in catalogue.PACKAGES:
            raise ProvisionError("unknown suite %r: ev provides %s"
                                 % (suite, ", ".join(catalogue.SUITES)))
        self.suite, self.say = suite, say
        self.run = run or run_logged
        self.describe = describe or describe_provided
        self.root = roots.root_of(suite)
        self.times = {}

    def steps(self):
        """(name, function) in order; names are the stamps' names."""
        listed = [("bootstrap", self.bootstrap), ("network", self.network),
                  ("packages", self.packages)]
        for venv, binary in catalogue.venvs_of(self.suite):
            listed += [("venv-" + venv, lambda v=venv, b=binary: self.make_venv(v, b)),
                       ("wheels-" + venv, lambda v=venv: self.wheels(v)),
                       ("install-" + venv, lambda v=venv: self.install(v)),
                       ("ev-" + venv, lambda v=venv: self.install_ev(v))]
        return listed

    def pending(self):
        """The steps to run: those not done, and those done from other inputs (ev-*: another
        setup.cfg, whose entry points are read at install; wheels-*, install-*: another package
        list).  Those rerun in seconds: the wheels are cached."""
        return [(name, step) for name, step in self.steps()
                if not self.done(name) or self.stale(name)]

    def inputs(self, name):
        """What a step's result depends on besides the suite (None: nothing that changes)."""
        if name.startswith("ev-"):
            return setup_cfg_digest()
        if name.startswith(("wheels-", "install-")):
            return " ".join(catalogue.VENV_PACKAGES)
        if name == "packages":
            return " ".join(catalogue.PACKAGES[self.suite])
        return None

    def stale(self, name):
        try:
            return roots.STEP_STAMP.load(self.stamp_path(name)).get("inputs") != self.inputs(name)
        except (OSError, ValueError):
            return True

    def add(self):
        """Every step not yet done, then the stamp; returns the ready record."""
        os.makedirs(roots.roots_dir(), exist_ok=True)
        with self.locked():
            pending = self.pending()
            if not pending and roots.is_ready(self.suite):
                self.say("%s: ready at %s (nothing to do)" % (self.suite, self.root))
                return roots.ready_record(self.suite)
            with contextlib.suppress(FileNotFoundError):     # not whole while a step runs
                os.remove(os.path.join(self.root, roots.READY))
            for name, step in pending:
                started = time.monotonic()
                self.say("%s: %s ..." % (self.suite, name))
                step()
                self.times[name] = round(time.monotonic() - started, 1)
                self.stamp(name)
                self.say("%s: %s done in %.1f s" % (self.suite, name, self.times[name]))
            return self.finish()

    @contextlib.contextmanager
    def locked(self):
        """One provisioner per suite at a time.  The lock is handed down to every command a
        step runs (HELD_LOCKS): killed with kill -9, a provisioner's debootstrap or pip goes on
        holding it, and the next ``add`` waits for them instead of deleting what they write."""
        with open(os.path.join(roots.roots_dir(), ".%s.lock" % self.suite), "w") as lock:
            try:
                fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                self.say("%s: waiting for another provisioner (or the commands of one that was "
                         "killed) to finish" % self.suite)
                fcntl.flock(lock, fcntl.LOCK_EX)
            HELD_LOCKS.append(lock.fileno())
            try:
                yield
            finally:
                HELD_LOCKS.remove(lock.fileno())

    def stamp_path(self, name):
        return os.path.join(self.root, roots.STATE, "steps", name)

    def done(self, name):
        return os.path.exists(self.stamp_path(name))

    def stamp(self, name):
        if name == "bootstrap" and not os.path.isdir(self.root):
            raise ProvisionError("bootstrap left no root at %s" % self.root)
        os.makedirs(os.path.dirname(self.stamp_path(name)), exist_ok=True)
        write_json(self.stamp_path(name), roots.STEP_STAMP, {"seconds": self.times.get(name),
                                                             "inputs": self.inputs(name)})

    def bootstrap(self):
        """debootstrap into .SUITE.partial-XXXX beside the root; renamed into place when whole."""
        for stale in os.listdir(roots.roots_dir()):
            if stale.startswith(".%s.partial-" % self.suite):
                self.say("%s: removing %s, left by an interrupted run" % (self.suite, stale))
                roots.remove_tree(os.path.join(roots.roots_dir(), stale))
        if os.path.lexists(self.root):                  # a root without its bootstrap stamp
            roots.remove_tree(self.root)
        partial = tempfile.mkdtemp(prefix=".%s.partial-" % self.suite, dir=roots.roots_dir())
        try:
            log = os.path.join(roots.roots_dir(), ".%s.bootstrap.log" % self.suite)
            self.run(bootstrap_command(self.suite, partial, debian_mirror()), log)
            os.makedirs(os.path.join(partial, roots.STATE, "steps"), exist_ok=True)
            os.makedirs(os.path.join(partial, roots.INSIDE.lstrip("/")), exist_ok=True)
            os.chmod(partial, 0o755)                    # mkdtemp made it 0700
            os.rename(partial, self.root)
        except BaseException:
            with contextlib.suppress(OSError):
                roots.remove_tree(partial)
            raise

    def network(self):
        """resolv.conf and the CA bundle, so pip inside reaches PyPI (also refreshed on re-add)."""
        for path in ("/etc/resolv.conf", "/etc/ssl/certs/ca-certificates.crt"):
            target = self.root + path
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with contextlib.suppress(FileNotFoundError):
                os.remove(target)                       # a dangling symlink in a fresh root
            shutil.copyfile(path, target)

    def packages(self):
        """The suite's Debian packages, in a root bootstrapped before one was added to the list
        (libunwind8: vmprof sees PyPy's JIT code only through native frames); in a new root
        debootstrap installed them all and this finds nothing to do."""
        self.inside(["apt-get", "install", "-y", "-q", "--no-install-recommends"]
                    + list(catalogue.PACKAGES[self.suite]))

    def make_venv(self, venv, binary):
        self.inside(["rm", "-rf", "/venvs/" + venv])
        self.inside([binary, "-m", "venv", "/venvs/" + venv])

    def wheels(self, venv):
        """Every package as a wheel in /wheels (built once; pip finds them there next time).
        pip writes into a folder of its own first: a wheel reaches /wheels only when whole."""
        incoming = "%s/.incoming-%s" % (WHEELS, venv)
        self.inside(["rm", "-rf", incoming])
        self.inside(["/venvs/%s/bin/python" % venv, "-m", "pip", "wheel", "-q", "--prefer-binary", "--wheel-dir",
                     incoming, "--find-links", WHEELS] + list(catalogue.VENV_PACKAGES))
        self.inside(["sh", "-c", 'mv -n "$1"/*.whl "$2"/ && rm -rf "$1"', "mv", incoming, WHEELS])

    def install(self, venv):
        """The packages, offline from /wheels."""
        self.inside(["/venvs/%s/bin/python" % venv, "-m", "pip", "install", "-q", "--no-index",
                     "--find-links", WHEELS] + list(catalogue.VENV_PACKAGES))

    def install_ev(self, venv):
        """The checkout at /ev installed editable (compat mode: a .pth holding /ev, so any
        checkout mounted there is the one imported; entry points such as ev.creatures
        registered).  Nothing is written into the checkout."""
        self.inside(["sh", "-c", "rm -f /venvs/%s/lib/*/site-packages/ev.pth" % venv])
        self.inside(["/venvs/%s/bin/python" % venv, "-m", "pip", "install", "-q", "--no-deps",
                     "--no-index", "--no-build-isolation", "--config-settings",
                     "editable_mode=compat", "-e", roots.INSIDE])

    def inside(self, argv):
        self.run(roots.enter_prefix(self.suite, cwd=roots.CHECKOUT) + argv,
                 self.log_path(self.root))

    def log_path(self, root):
        os.makedirs(os.path.join(root, roots.STATE), exist_ok=True)
        return os.path.join(root, roots.STATE, "provision.log")

    def finish(self):
        """Probe every interpreter of the suite, then write the stamp that makes the root whole."""
        found = {name: self.describe(name) for name in catalogue.names_of(self.suite)}
        steps = {name: json_seconds(self.stamp_path(name)) for name, _ in self.steps()}
        record = {"suite": self.suite, "interpreters": found, "step_seconds": steps,
                  "finished": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())}
        write_json(os.path.join(self.root, roots.READY), roots.ROOT_READY, record)
        self.say("%s: ready (%s)" % (self.suite, ", ".join(
            "%s = %s" % (name, about["version"]) for name, about in found.items())))
        return record


def ensure(interpreters, say=print):
    """Provision the suites the given interpreters need and lack; {suite: seconds} spent (a
    ready root costs nothing: it is not looked at again)."""
    spent = {}
    for interpreter in interpreters:
        suite = interpreter.suite
        if suite and suite not in spent and (not roots.is_ready(suite)
                                             or Provisioner(suite, say=say).pending()):
            started = time.monotonic()
            Provisioner(suite, say=say).add()
            spent[suite] = round(time.monotonic() - started, 1)
    return spent


def describe_provided(name):
    from ev.pythons import names, probe              # names imports this module's neighbours
    try:
        return probe.describe(names.provided(name))
    except probe.NotPython as error:
        raise ProvisionError("%s does not start in its root: %s" % (name, error))


def setup_cfg_digest(checkout=roots.CHECKOUT):
    """What the ev-* steps installed from: setup.cfg's entry points and metadata."""
    try:
        with open(os.path.join(checkout, "setup.cfg"), "rb") as handle:
            return hashlib.sha256(handle.read()).hexdigest()[:16]
    except OSError:
        return None


def run_logged(argv, log):
    """Run a step's command, its output appended to the root's log; a failure names the log."""
    with open(log, "a") as out:
        out.write("$ %s\n" % " ".join(argv))
        out.flush()
        done = subprocess.run(argv, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                              pass_fds=tuple(HELD_LOCKS))
    if done.returncode != 0:
        raise ProvisionError("`%s` failed (exit %d); its output is in %s"
                             % (" ".join(argv[-3:]) if len(argv) > 3 else " ".join(argv),
                                done.returncode, log))


def write_json(path, form, data):
    """``data`` as a file of ``form`` (ev.common.formats), written whole or not at all."""
    atomic.write_text(path, form.dumps(data, indent=1, sort_keys=True) + "\n")


def json_seconds(path):
    try:
        return roots.STEP_STAMP.load(path).get("seconds")
    except (OSError, ValueError):
        return None
