"""The set-up (scripts/setup_envs.sh) stamps a venv complete only when it is (issue 24 items 1
and 2): Ctrl-C at any moment, a half-installed optional package, a venv copied from another
checkout.

The set-up runs here for real (bash, its traps, its stamp), on a stand-in interpreter (a
Python script) whose ``-m venv`` and ``-m pip install`` only write files, so that a run takes
a second instead of minutes; it can stop at a named moment and wait for the signal, and it
handles Ctrl-C in pip's way (exit 1, not death by the signal: what fooled the old set-up).
test_setup_real.py does the same sequence with the real interpreter and pip.
"""
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import pytest

from conftest import ROOT, processes_naming

needs_bash = pytest.mark.skipif(shutil.which("bash") is None, reason="the set-up is a bash script")
once = pytest.mark.skipif(hasattr(sys, "pypy_version_info"),
                          reason="the set-up is the same bash script whichever interpreter runs "
                                 "pytest: tested under CPython (the stand-in starts slowly on PyPy)")

FAKE_PYTHON = r'''#!%(real)s
"""A stand-in interpreter for the set-up's tests (see tests/test_setup.py)."""
import os, shutil, sys, time
REAL = %(real)r
venv = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
site = os.path.join(venv, "site")
args = sys.argv[1:]


def note(line):
    with open(os.environ["FAKE_LOG"], "a") as log:
        log.write(line + "\n")


def stop_at(point):
    """At the moment the test named: say so, and wait for Ctrl-C, which exits 1 (as pip does)."""
    if os.environ.get("FAKE_STOP") == point:
        note("stopped at " + point)
        try:
            while True:
                time.sleep(0.05)
        except KeyboardInterrupt:
            sys.exit(1)


def write(path, text):
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, "w") as out:
        out.write(text)


def install(package, options):
    if package == os.environ.get("FAKE_UNAVAILABLE"):
        print("ERROR: No matching distribution found for " + package)
        sys.exit(1)
    if package.startswith("-e"):
        return
    if package == "pip":
        return
    if "[" in package or os.path.isdir(package):        # ev itself, editable
        checkout = package.split("[")[0]
        stop_at("main")
        info = os.path.join(site, "ev-0.1.0.dist-info")
        write(os.path.join(info, "METADATA"), "Metadata-Version: 2.1\nName: ev\nVersion: 0.1.0\n")
        write(os.path.join(info, "direct_url.json"),
              '{"url": "file://%%s", "dir_info": {"editable": true}}' %% checkout)
        return
    if not package.split("=")[0].isidentifier():    # a program (py-spy): files and a RECORD
        name = package.split("=")[0]
        info = os.path.join(site, name.replace("-", "_") + "-1.0.dist-info")
        write(os.path.join(info, "METADATA"), "Metadata-Version: 2.1\nName: %%s\n" %% name)
        write(os.path.join(info, "RECORD"), "%%s,,\nbin_%%s/program,,\n" %% (
            os.path.join(os.path.basename(info), "METADATA"), name))
        stop_at(name)
        write(os.path.join(site, "bin_" + name, "program"), "")
        note("installed %%s %%s" %% (name, " ".join(options)))
        return
    # an optional package: half of it first (its __init__ needs a submodule not yet there)
    write(os.path.join(site, package, "__init__.py"), "import %%s.misc\n" %% package)
    stop_at(package)
    write(os.path.join(site, package, "misc.py"), "")
    write(os.path.join(site, package, "MPI.py"), "")
    write(os.path.join(site, package, "__init__.py"),
          "import %%s.misc\nclass rc: initialize = finalize = True\n" %% package)
    note("installed %%s %%s" %% (package, " ".join(options)))


if args[:2] == ["-m", "venv"]:
    os.makedirs(os.path.join(args[2], "bin"))
    shutil.copy(__file__, os.path.join(args[2], "bin", "python"))
    stop_at("venv")
    os.makedirs(os.path.join(args[2], "site"))
elif args[:3] == ["-m", "pip", "install"]:
    options, packages, words = [], [], iter(args[3:])
    for word in words:
        if word == "--no-binary":
            word += " " + next(words)
        (options if word.startswith("--") else packages).append(word)
    for package in packages:
        install(package, options)
elif args[:1] == ["-m"]:
    note("ran " + " ".join(args))                        # the C builds
elif args[1:2] and args[1].endswith("extras.py"):       # reads setup.cfg with pip's packaging
    os.execv(REAL, [REAL] + args)
else:                                                   # -c CODE, or a script: the real one
    env = dict(os.environ, PYTHONPATH=site)
    os.execve(REAL, [REAL, "-S"] + [a for a in args if a != "-I"], env)
'''


def checkout(folder):
    """A checkout as far as the set-up reads it: its scripts, setup.cfg, pyproject.toml."""
    os.makedirs(str(folder / "scripts"))
    for name in ("scripts/setup_envs.sh", "scripts/venv_check.py", "scripts/extras.py",
                 "setup.cfg", "pyproject.toml"):
        shutil.copy(os.path.join(ROOT, name), str(folder / name))
    return folder


@pytest.fixture
def world(tmp_path):
    """Two checkouts, a stand-in python, an mpicc on PATH (mpi4py's precondition)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "fakepython"
    fake.write_text(FAKE_PYTHON % {"real": sys.executable})
    (bin_dir / "mpicc").write_text("#!/bin/sh\nexit 0\n")
    for tool in (fake, bin_dir / "mpicc"):
        tool.chmod(0o755)
    return {"tmp": tmp_path, "python": str(fake), "a": checkout(tmp_path / "a"),
            "b": checkout(tmp_path / "b"), "log": tmp_path / "fake.log",
            "path": "%s:%s" % (bin_dir, os.environ["PATH"])}


def start(world, repo, venv_root, **env):
    script = 'source "$1/scripts/setup_envs.sh" && setup_cpython && echo "PY=$CPYTHON_PY"'
    environment = dict(os.environ)
    for name in ("FAKE_STOP", "FAKE_UNAVAILABLE", "EV_MPI_CHECKED", "EV_APT_UPDATED"):
        environment.pop(name, None)
    environment.update(PATH=world["path"], EV_CPYTHON=world["python"],
                       EV_VENV_ROOT=str(venv_root), EV_NO_INSTALL="1",
                       FAKE_LOG=str(world["log"]), EV_EXTRAS="mpi")    # as ./setup.sh mpi
    environment.update(env)
    return subprocess.Popen(["bash", "-c", script, "setup", str(repo)], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, start_new_session=True)


def setup(world, repo, venv_root, **env):
    """A whole set-up run: (exit status, stdout, stderr)."""
    process = start(world, repo, venv_root, **env)
    out, err = process.communicate(timeout=120)
    return process.returncode, out, err


def interrupt_at(world, repo, venv_root, point):
    """A set-up run that gets Ctrl-C (SIGINT to its process group) at ``point``."""
    world["log"].write_text("")
    process = start(world, repo, venv_root, FAKE_STOP=point)
    deadline = time.time() + 60
    while "stopped at " + point not in world["log"].read_text():
        assert process.poll() is None and time.time() < deadline, process.communicate()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    return process.returncode, out, err


def stamp(venv_root):
    path = venv_root / "cpython" / ".ev-installed"
    return path.read_text() if path.exists() else None


def imports(venv_root, module):
    python = str(venv_root / "cpython" / "bin" / "python")
    return subprocess.run([python, "-c", "import " + module]).returncode == 0


def optional_first():
    return "pyperf" if hasattr(sys, "pypy_version_info") else "numba"


@needs_bash
@once
@pytest.mark.parametrize("point", ["venv", "main", optional_first(), "mpi4py"])
def test_ctrl_c_leaves_no_stamp_and_stops_the_set_up(world, point):
    venvs = world["tmp"] / "venvs"
    status, out, err = interrupt_at(world, world["a"], venvs, point)
    assert status == -signal.SIGINT, err       # died of the signal: the caller stops too
    assert "PY=" not in out
    assert stamp(venvs) is None
    assert "interrupted: %s is left unstamped" % (venvs / "cpython") in err
    assert "installed mpi4py" not in world["log"].read_text() or point == "mpi4py"


@needs_bash
@once
def test_three_interrupts_then_a_set_up_give_a_whole_venv(world):
    """Issue 24's sequence: Ctrl-C during the venv, the main install and the optional
    packages, then a normal run: every optional package imports, the stamp says so."""
    venvs = world["tmp"] / "venvs"
    for point in ("venv", "main", optional_first()):
        assert interrupt_at(world, world["a"], venvs, point)[0] == -signal.SIGINT
    status, out, err = setup(world, world["a"], venvs)
    assert status == 0, err
    assert out.strip() == "PY=%s" % (venvs / "cpython" / "bin" / "python")
    assert "was never completed (interrupted?): making it anew" in err
    written = stamp(venvs).splitlines()
    assert written[1:3] == ["checkout %s" % world["a"], "venv %s" % (venvs / "cpython")]
    assert optional_first() in [line.split()[1] for line in written[3:]]
    for line in written[3:]:
        assert line.endswith(" ok"), line
        assert imports(venvs, line.split()[1])
    assert "installed mpi4py --disable-pip-version-check --no-binary mpi4py" in \
        world["log"].read_text()                               # built against this MPI
    status, _, err = setup(world, world["a"], venvs)
    assert status == 0 and "(up to date)" in err


@needs_bash
@once
def test_a_broken_optional_package_in_a_stamped_venv_is_reinstalled(world):
    venvs = world["tmp"] / "venvs"
    assert setup(world, world["a"], venvs)[0] == 0
    package = optional_first()
    (venvs / "cpython" / "site" / package / "misc.py").unlink()     # half-installed
    assert not imports(venvs, package)
    status, _, err = setup(world, world["a"], venvs)
    assert status == 0, err
    assert "%s is installed in %s but does not import (ModuleNotFoundError: No module named " \
        "'%s.misc'): reinstalling it" % (package, venvs / "cpython", package) in err
    assert "installed %s --disable-pip-version-check --force-reinstall --no-deps" % package \
        in world["log"].read_text()
    assert imports(venvs, package)
    assert "optional %s ok" % package in stamp(venvs)


@needs_bash
@once
def test_an_optional_package_that_cannot_be_had_is_recorded_with_the_reason(world):
    venvs = world["tmp"] / "venvs"
    status, _, err = setup(world, world["a"], venvs, FAKE_UNAVAILABLE="mpi4py")
    assert status == 0, err
    note, = [line for line in err.splitlines() if "no mpi4py" in line]
    assert "No matching distribution found for mpi4py" in note
    assert "optional mpi4py absent: pip could not install it: ERROR: No matching " \
        "distribution found for mpi4py" in stamp(venvs)
    status, _, err = setup(world, world["a"], venvs)
    assert status == 0 and "(up to date)" in err                  # not retried every run


@needs_bash
@once
def test_a_venv_copied_from_another_checkout_is_made_anew(world):
    """``cp -a ../other/.venv .``: the stamp names the other checkout and the other folder."""
    assert setup(world, world["b"], world["b"] / ".venv")[0] == 0
    shutil.copytree(str(world["b"] / ".venv"), str(world["a"] / ".venv"), symlinks=True)
    status, out, err = setup(world, world["a"], world["a"] / ".venv")
    assert status == 0, err
    assert "(up to date)" not in err
    assert "was made for the checkout %s at %s (copied?): making it anew" % (
        world["b"], world["b"] / ".venv" / "cpython") in err
    assert stamp(world["a"] / ".venv").splitlines()[1] == "checkout %s" % world["a"]


@needs_bash
@once
def test_the_same_venv_reached_through_a_link_is_used_not_made_anew(world):
    """``EV_VENV_ROOT=DIR ./setup.sh test`` then ``ln -s DIR .venv``: a later ``./run_all.sh``
    (no EV_VENV_ROOT: the checkout's .venv) finds the same venv by another path.  It keeps
    it, with what the first set-up installed, whether its stamp names the real folder or
    (a stamp written before paths were resolved) the link."""
    venvs = world["tmp"] / "venvs"
    assert setup(world, world["a"], venvs)[0] == 0
    (world["a"] / ".venv").symlink_to(venvs)
    kept = venvs / "cpython" / "kept-by-the-first-set-up"
    kept.write_text("")
    assert "venv %s" % (venvs / "cpython") in stamp(venvs).splitlines()
    for written_as in (venvs, world["a"] / ".venv"):
        path = venvs / "cpython" / ".ev-installed"
        lines = path.read_text().splitlines()
        lines[2] = "venv %s" % (written_as / "cpython")
        path.write_text("\n".join(lines) + "\n")
        status, out, err = setup(world, world["a"], world["a"] / ".venv", EV_EXTRAS="")
        assert status == 0, err
        assert "anew" not in err and "(up to date)" in err, err
        assert kept.exists() and "optional mpi4py" in stamp(venvs)
        assert out.strip() == "PY=%s" % (world["a"] / ".venv" / "cpython" / "bin" / "python")


@needs_bash
@once
def test_a_venv_whose_ev_comes_from_elsewhere_is_made_anew(world):
    """The stamp fits but the editable install points at another checkout (say, someone ran
    ``pip install -e ../other`` in it)."""
    venvs = world["tmp"] / "venvs"
    assert setup(world, world["a"], venvs)[0] == 0
    direct_url = venvs / "cpython" / "site" / "ev-0.1.0.dist-info" / "direct_url.json"
    direct_url.write_text('{"url": "file://%s", "dir_info": {"editable": true}}' % world["b"])
    status, _, err = setup(world, world["a"], venvs)
    assert status == 0, err
    assert "has ev installed from %s, not from %s: making it anew" % (world["b"], world["a"]) in err
    assert "file://%s" % world["a"] in direct_url.read_text()


def test_a_broken_numba_is_reported_as_broken_not_as_absent(run, tmp_path):
    """Issue 24: a half-installed numba on CPython was reported as "there is no numba for
    PyPy".  Three causes, three messages."""
    (tmp_path / "numba").mkdir()
    (tmp_path / "numba" / "__init__.py").write_text("import numba.misc\n")
    result = run("ev.cli.variants", "numba",
                 env=dict(os.environ, PYTHONPATH=str(tmp_path)))
    assert result.returncode == 1
    if hasattr(sys, "pypy_version_info"):
        assert result.stdout.strip() == (
            "the numba variant needs numba, which does not exist for PyPy")
    else:
        assert result.stdout.strip().startswith(
            "numba is installed but broken (ModuleNotFoundError: No module named 'numba.misc')")
        assert "PyPy" not in result.stdout


def test_a_missing_numba_is_reported_as_not_installed(monkeypatch):
    import importlib.util
    import platform
    from ev.backends.registry import numba_missing
    monkeypatch.setattr(platform, "python_implementation", lambda: "CPython")
    monkeypatch.setattr(importlib.util, "find_spec", lambda name: None)
    assert numba_missing(ImportError("No module named 'numba'")) == (
        "the numba variant needs numba, which is not installed in this interpreter "
        "(the set-up installs it; or: pip install numba)")


@needs_bash
@once
def test_no_mpi_is_one_line_and_not_fatal(world):
    """No MPI compiler and no permission to install MPICH: one line, a venv all the same."""
    venvs = world["tmp"] / "venvs"
    status, out, err = setup(world, world["a"], venvs, MPICC=str(world["tmp"] / "no-mpicc"))
    assert status == 0, err
    assert out.startswith("PY=")
    mpi_lines = [line for line in err.splitlines() if "MPI" in line or "no mpi4py" in line]
    assert mpi_lines == ["[setup] note: no MPI (MPICH): mpi4py will not be installed and "
                         "--executor mpi will say so; as root: apt-get install mpich libmpich-dev"]
    assert "optional mpi4py absent: no MPI library" in stamp(venvs)
    assert "installed mpi4py" not in world["log"].read_text()


@needs_bash
@once
def test_the_main_job_gets_no_extra_and_each_step_says_its_time(world):
    """./run_all.sh (no extras): ev, and numba and cffi for its cells; no MPI, no test tools,
    and no word about MPI.  Each step is one line with its time (issue 35)."""
    venvs = world["tmp"] / "venvs"
    status, _, err = setup(world, world["a"], venvs, EV_EXTRAS="")
    assert status == 0, err
    assert [line.split()[1] for line in stamp(venvs).splitlines()[3:]] == ["cffi", "numba"]
    assert "MPI" not in err and "mpi4py" not in world["log"].read_text()
    steps = [line for line in err.splitlines() if re.search(r" \(\d+ s\)$", line)]
    assert [line.split()[1] for line in steps] == ["made", "installed", "installed",
                                                   "installed"], err
    assert steps[1].startswith("[setup] installed ev and what it needs in %s: " % (venvs / "cpython"))
    assert [line.split()[2] for line in steps[2:]] == ["cffi", "numba"]


@needs_bash
@once
def test_an_extra_asked_for_later_is_added_to_the_venv_not_made_anew(world):
    """./run_all.sh, then ./run_tests.sh (all extras): the stamped venv gets just the missing
    packages, once; MPI is looked for only now."""
    venvs = world["tmp"] / "venvs"
    assert setup(world, world["a"], venvs, EV_EXTRAS="")[0] == 0
    kept = venvs / "cpython" / "kept-by-the-first-set-up"
    kept.write_text("")
    status, _, err = setup(world, world["a"], venvs, EV_EXTRAS="test bench mpi")
    assert status == 0, err
    assert kept.exists() and "anew" not in err and "(up to date)" in err
    extras = subprocess.run([sys.executable, "-I", str(world["a"] / "scripts" / "extras.py"),
                             str(world["a"] / "setup.cfg"), "test", "bench", "mpi"],
                            stdout=subprocess.PIPE, universal_newlines=True, check=True)
    wanted = ["cffi", "numba"] + [re.split("[<>=!~]", line)[0]
                                  for line in extras.stdout.split()]
    assert {"pytest", "mpi4py", "cma"} <= set(wanted)
    names = [line.split()[1] for line in stamp(venvs).splitlines()[3:]]
    assert names == wanted
    assert all(line.endswith(" ok") for line in stamp(venvs).splitlines()[3:]), stamp(venvs)
    installed = [line.split()[1] for line in world["log"].read_text().splitlines()
                 if line.startswith("installed ")]
    assert installed == wanted                                  # each once
    status, _, err = setup(world, world["a"], venvs, EV_EXTRAS="test bench mpi")
    assert status == 0 and "installed" not in err, err


@needs_bash
@once
def test_an_extra_for_another_interpreter_is_left_out_by_its_marker(world):
    """setup.cfg's markers are evaluated by the venv's own interpreter (scripts/extras.py)."""
    cfg = world["a"] / "setup.cfg"
    cfg.write_text(cfg.read_text().replace(
        "\nbench =\n", "\nbench =\n    py-spy; platform_python_implementation == 'CPython'\n"
        "    numpy-pypy-only; platform_python_implementation == 'PyPy'\n"))
    venvs = world["tmp"] / "venvs"
    status, _, err = setup(world, world["a"], venvs, EV_EXTRAS="bench")
    assert status == 0, err
    names = [line.split()[1] for line in stamp(venvs).splitlines()[3:]]
    assert "py-spy" in names and "numpy-pypy-only" not in names
    assert "optional py-spy ok" in stamp(venvs)
    (venvs / "cpython" / "site" / "bin_py-spy" / "program").unlink()   # half-installed
    status, _, err = setup(world, world["a"], venvs, EV_EXTRAS="bench")
    assert "py-spy is installed in %s but does not import (FileNotFoundError: 1 of its files " \
        "are missing" % (venvs / "cpython") in err
    assert (venvs / "cpython" / "site" / "bin_py-spy" / "program").exists()


def start_both(world, venv_root, **env):
    """A first set-up of both venvs at once (setup_both), the stand-in playing both
    interpreters."""
    script = ('source "$1/scripts/setup_envs.sh" && setup_both && '
              'echo "PY=$CPYTHON_PY PYPY=$PYPY_PY"')
    environment = dict(os.environ)
    for name in ("FAKE_STOP", "FAKE_UNAVAILABLE", "EV_MPI_CHECKED", "EV_APT_UPDATED"):
        environment.pop(name, None)
    environment.update(PATH=world["path"], EV_CPYTHON=world["python"], EV_PYPY=world["python"],
                       EV_VENV_ROOT=str(venv_root), EV_NO_INSTALL="1",
                       FAKE_LOG=str(world["log"]), EV_EXTRAS="")
    environment.update(env)
    return subprocess.Popen(["bash", "-c", script, "setup", str(world["a"])], env=environment,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, start_new_session=True)


@needs_bash
@once
def test_both_venvs_at_once(world):
    venvs = world["tmp"] / "venvs"
    process = start_both(world, venvs)
    out, err = process.communicate(timeout=120)
    assert process.returncode == 0, err
    assert out.split() == ["PY=%s" % (venvs / "cpython" / "bin" / "python"),
                           "PYPY=%s" % (venvs / "pypy" / "bin" / "python")]
    for name in ("cpython", "pypy"):
        assert (venvs / name / ".ev-installed").exists()
        assert "[setup] made %s (" % (venvs / name) in err


@needs_bash
@once
def test_ctrl_c_while_both_venvs_are_made_stops_both(world):
    """Ctrl-C while both pips run: the PyPy half, in a session of its own, is stopped too;
    neither venv is stamped, no process is left, the set-up dies of the signal."""
    venvs = world["tmp"] / "venvs"
    world["log"].write_text("")
    process = start_both(world, venvs, FAKE_STOP="main")
    deadline = time.time() + 60
    while world["log"].read_text().count("stopped at main") < 2:
        assert process.poll() is None and time.time() < deadline, process.communicate()
        time.sleep(0.05)
    os.killpg(process.pid, signal.SIGINT)
    out, err = process.communicate(timeout=60)
    assert process.returncode == -signal.SIGINT, err
    assert "PY=" not in out and "Traceback" not in err
    for name in ("cpython", "pypy"):
        assert not (venvs / name / ".ev-installed").exists()
        assert "interrupted: %s is left unstamped" % (venvs / name) in err
    assert processes_naming(str(venvs)) == []


@needs_bash
@once
def test_a_venv_stamped_by_the_older_set_up_is_made_anew(world):
    venvs = world["tmp"] / "venvs"
    assert setup(world, world["a"], venvs)[0] == 0
    (venvs / "cpython" / ".ev-installed").write_text("3619713240-3.11.7\n")   # its format
    status, _, err = setup(world, world["a"], venvs)
    assert status == 0, err
    assert "was made by an older set-up: making it anew" in err
    assert stamp(venvs).startswith("inputs ")


@needs_bash
@once
def test_mpi4py_left_out_for_want_of_mpi_is_installed_once_mpi_is_there(world):
    venvs = world["tmp"] / "venvs"
    assert setup(world, world["a"], venvs, MPICC=str(world["tmp"] / "no-mpicc"))[0] == 0
    assert "optional mpi4py absent: no MPI library" in stamp(venvs)
    status, _, err = setup(world, world["a"], venvs)                 # mpicc on PATH now
    assert status == 0, err
    assert "MPI is here now: installing mpi4py into %s" % (venvs / "cpython") in err
    assert "optional mpi4py ok" in stamp(venvs) and imports(venvs, "mpi4py")
    assert "(up to date)" in err


@needs_bash
@once
def test_a_venv_whose_python_no_longer_runs_is_made_anew(world):
    venvs = world["tmp"] / "venvs"
    assert setup(world, world["a"], venvs)[0] == 0
    python = venvs / "cpython" / "bin" / "python"
    python.write_text("#!/bin/sh\nexit 1\n")               # its base interpreter gone, say
    status, _, err = setup(world, world["a"], venvs)
    assert status == 0, err
    assert "cannot run the venv's check: making it anew" in err
    assert stamp(venvs) is not None and imports(venvs, "numba")


@needs_bash
@once
def test_ctrl_c_during_the_check_of_a_stamped_venv_stops_without_a_traceback(world):
    venvs = world["tmp"] / "venvs"
    assert setup(world, world["a"], venvs)[0] == 0
    slow = venvs / "cpython" / "site" / "numba" / "__init__.py"
    slow.write_text(slow.read_text() + "import os, time\nopen(os.environ['FAKE_LOG'], 'a')"
                    ".write('stopped at check\\n')\ntime.sleep(30)\n")
    status, out, err = interrupt_at(world, world["a"], venvs, "check")
    assert status == -signal.SIGINT
    assert "Traceback" not in err and "KeyboardInterrupt" not in err, err
    assert "interrupted: %s is stamped complete; the next set-up checks it again" % (
        venvs / "cpython") in err
    slow.write_text(slow.read_text().replace("time.sleep(30)", ""))
    status, _, err = setup(world, world["a"], venvs)
    assert status == 0 and "(up to date)" in err


@needs_bash
@once
def test_a_missing_ev_pypy_is_one_line_and_no_apt_get(world):
    """EV_PYPY naming no interpreter: the reason names it; Debian's pypy3 is not installed for
    it (installing pypy3 would not make that path appear)."""
    script = 'source "$1/scripts/setup_envs.sh" && { setup_pypy; echo "rc=$? $PYPY_MISSING"; }'
    environment = dict(os.environ, PATH=world["path"], EV_PYPY=str(world["tmp"] / "no-pypy"),
                       EV_VENV_ROOT=str(world["tmp"] / "venvs"), FAKE_LOG=str(world["log"]))
    environment.pop("EV_NO_INSTALL", None)
    done = subprocess.run(["bash", "-c", script, "setup", str(world["a"])], env=environment,
                          capture_output=True, text=True, timeout=60)
    assert done.stdout.strip() == "rc=1 EV_PYPY=%s: no such interpreter" % (world["tmp"] / "no-pypy")
    assert "apt-get" not in done.stderr and "No such file" not in done.stderr, done.stderr
    assert done.stderr.strip().splitlines() == [
        "[setup] error: EV_PYPY=%s: no such interpreter" % (world["tmp"] / "no-pypy")]


@pytest.mark.skipif(not os.path.exists(os.path.join(ROOT, ".venv", "cpython", ".ev-installed"))
                    and not os.environ.get("EV_CPYTHON_PY"),
                    reason="needs the venvs that run_tests.sh sets up")
def test_run_tests_takes_test_paths_relative_to_the_callers_folder(tmp_path):
    """./run_tests.sh runs from the checkout; a path given from elsewhere still names the
    caller's file, and the value of -k is not taken for a path even when such a file exists."""
    (tmp_path / "test_here.py").write_text("def test_ok():\n    pass\n\n\n"
                                           "def test_other():\n    pass\n")
    (tmp_path / "ok").write_text("a file named like the -k expression\n")
    done = subprocess.run(["bash", os.path.join(ROOT, "run_tests.sh"), "test_here.py", "-k",
                           "ok", "-p", "no:randomly"], cwd=str(tmp_path), capture_output=True,
                          text=True, timeout=600, env=dict(os.environ, EV_NO_INSTALL="1"))
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    assert done.stdout.count("1 passed, 1 deselected") == 2      # CPython, then PyPy


def test_a_confirmed_stamp_skips_the_imports_until_a_module_changes(tmp_path):
    """venv_check --stamp imports the stamp's modules only when one of their files is newer
    than the stamp (a complete set-up must take under 2 s; numba's import alone takes one):
    a module broken after the stamp was confirmed is found, because breaking it changed it."""
    site = tmp_path / "site"
    (site / "fine").mkdir(parents=True)
    (site / "fine" / "__init__.py").write_text("raise ImportError('half-installed')\n")
    stamp = tmp_path / "stamp"
    stamp.write_text("")
    env = dict(os.environ, PYTHONPATH=str(site))

    def check():
        return subprocess.run([sys.executable, os.path.join(ROOT, "scripts", "venv_check.py"),
                               ROOT, "--stamp", str(stamp), "fine"], env=env,
                              stdout=subprocess.PIPE, universal_newlines=True, timeout=120)
    past = os.stat(str(stamp)).st_mtime - 100
    os.utime(str(site / "fine" / "__init__.py"), (past, past))
    os.utime(str(site / "fine"), (past, past))
    os.utime(str(stamp), (past + 50, past + 50))
    assert "broken" not in check().stdout       # unchanged since confirmed: not imported
    os.utime(str(site / "fine" / "__init__.py"))   # changed since (as a reinstall would)
    said = check().stdout
    assert "broken fine: ImportError: half-installed" in said
    (site / "fine" / "__init__.py").write_text("")
    assert "broken" not in check().stdout
    confirmed = os.stat(str(stamp)).st_mtime
    assert confirmed > past + 50                    # the import check confirmed the stamp
