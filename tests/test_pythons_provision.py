"""Provisioning steps built and resumed after an interruption, with a fake debootstrap on PATH
(no network, no root needed: the commands that would run inside the root are recorded)."""
import os

import pytest

from ev.pythons import catalogue, names, provision, roots

FAKE_DEBOOTSTRAP = """#!/bin/sh
# debootstrap's last two arguments are TARGET MIRROR; FAIL_AFTER_HALF makes it die half-way.
for last; do :; done
target=$(eval echo \\${$(($# - 1))})
echo "$@" >> "$CALLS"
mkdir -p "$target/etc" "$target/proc"
echo half > "$target/etc/half-made"
[ -n "$FAIL_AFTER_HALF" ] && exit 9
echo 'ID=debian' > "$target/etc/os-release"
"""


class Interrupt(KeyboardInterrupt):
    pass


@pytest.fixture
def world(tmp_path, monkeypatch):
    """EV_ROOTS in tmp, the fake debootstrap first on PATH, root's powers pretended."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    fake = bin_dir / "debootstrap"
    fake.write_text(FAKE_DEBOOTSTRAP)
    fake.chmod(0o755)
    monkeypatch.setenv("PATH", "%s:%s" % (bin_dir, os.environ["PATH"]))
    monkeypatch.setenv("EV_ROOTS", str(tmp_path / "roots"))
    monkeypatch.setenv("CALLS", str(tmp_path / "calls"))
    monkeypatch.delenv("FAIL_AFTER_HALF", raising=False)
    monkeypatch.setattr(provision, "is_root", lambda: True)
    monkeypatch.setattr(provision.Provisioner, "network", lambda self: None)
    return tmp_path


class Recorder:
    """Runs the (fake) debootstrap for real; records what would run inside the root, and raises
    Ctrl-C at the command whose words contain ``stop_at``."""

    def __init__(self, stop_at=None):
        self.stop_at, self.inside = stop_at, []

    def __call__(self, argv, log):
        if argv[0] == "debootstrap":
            return provision.run_logged(argv, log)
        command = argv[argv.index("ev-root") + 4:]          # after ROOT CHECKOUT CWD
        if self.stop_at and self.stop_at in " ".join(command):
            raise Interrupt()
        self.inside.append(command)


def describe(name):
    return {"implementation": "fake", "version": "0.0", "jit": {}}


def bootstraps(world):
    calls = world / "calls"
    return len(calls.read_text().splitlines()) if calls.exists() else 0


def test_the_steps_of_a_suite():
    steps = [name for name, _ in provision.Provisioner("sid").steps()]
    assert steps == ["bootstrap", "network", "packages"] + [
        "%s-%s" % (step, venv) for venv in ("cpython3.14", "cpython3.15", "pypy8.0")
        for step in ("venv", "wheels", "install", "ev")]


def test_debootstrap_gets_the_suites_packages(world):
    command = provision.bootstrap_command("trixie", "/T", "http://mirror/debian")
    assert command[0] == "debootstrap" and command[-3:] == ["trixie", "/T", "http://mirror/debian"]
    assert command[2] == "--include=" + ",".join(catalogue.PACKAGES["trixie"])


def test_a_failed_debootstrap_leaves_nothing_taken_for_a_root(world, monkeypatch):
    monkeypatch.setenv("FAIL_AFTER_HALF", "1")
    with pytest.raises(provision.ProvisionError, match="failed"):
        provision.Provisioner("sid", say=lambda line: None, run=Recorder()).add()
    assert not os.path.exists(roots.root_of("sid")) and not roots.is_ready("sid")
    assert [n for n in os.listdir(roots.roots_dir()) if ".partial-" in n] == []


def test_interrupted_then_resumed_from_the_step_it_stopped_in(world):
    said = []
    first = Recorder(stop_at="--wheel-dir /wheels/.incoming-cpython3.15")
    with pytest.raises(KeyboardInterrupt):
        provision.Provisioner("sid", say=said.append, run=first, describe=describe).add()
    assert not roots.is_ready("sid") and names.provided("pypy8.0").missing()
    assert os.path.exists(os.path.join(roots.root_of("sid"), "etc", "os-release"))
    assert any("venv /venvs/cpython3.15" in " ".join(c) for c in first.inside)

    second = Recorder()
    record = provision.Provisioner("sid", say=said.append, run=second, describe=describe).add()
    assert bootstraps(world) == 1, "the finished bootstrap is not redone"
    redone = [" ".join(c) for c in second.inside]
    assert not any("cpython3.14" in c for c in redone), "finished venvs are not redone"
    assert redone[0] == "rm -rf /wheels/.incoming-cpython3.15", "the half-done step from its start"
    assert "--wheel-dir /wheels/.incoming-cpython3.15" in redone[1]
    assert any("/venvs/pypy8.0/bin/python -m pip install" in c for c in redone)
    assert roots.is_ready("sid") and not names.provided("pypy8.0").missing()
    assert set(record["interpreters"]) == set(catalogue.names_of("sid"))
    assert set(record["step_seconds"]) == {name for name, _ in provision.Provisioner("sid").steps()}
    assert any(line.startswith("sid: wheels-pypy8.0 done in ") for line in said)

    third = Recorder()
    provision.Provisioner("sid", say=said.append, run=third, describe=describe).add()
    assert third.inside == [] and said[-1].endswith("(nothing to do)")


def test_a_changed_setup_cfg_installs_the_checkout_again_and_only_that(world, monkeypatch):
    made = provision.Provisioner("trixie", say=lambda line: None, run=Recorder(),
                                 describe=describe)
    made.add()
    interpreters = names.parse("cpython3.13,pypy7.3.19")
    assert provision.ensure(interpreters, say=lambda line: None) == {}
    monkeypatch.setattr(provision, "setup_cfg_digest", lambda: "another")
    again = Recorder()
    monkeypatch.setattr(provision, "run_logged", again)
    monkeypatch.setattr(provision, "describe_provided", describe)
    assert set(provision.ensure(interpreters, say=lambda line: None)) == {"trixie"}
    assert [c[-1] for c in again.inside if "pip" in c] == ["/ev", "/ev"]
    assert roots.is_ready("trixie") and provision.Provisioner("trixie").pending() == []


def test_a_half_made_root_left_by_kill_9_is_removed_and_made_again(world):
    os.makedirs(roots.roots_dir())
    stale = os.path.join(roots.roots_dir(), ".trixie.partial-x1")
    os.makedirs(os.path.join(stale, "etc"))
    os.makedirs(roots.root_of("trixie"))                    # renamed, but no bootstrap stamp
    provision.Provisioner("trixie", say=lambda line: None, run=Recorder(),
                          describe=describe).add()
    assert not os.path.exists(stale) and roots.is_ready("trixie")
    assert os.path.exists(os.path.join(roots.root_of("trixie"), "etc", "os-release"))


def test_not_root_and_no_mmdebstrap_says_what_to_run(world, monkeypatch):
    monkeypatch.setattr(provision, "is_root", lambda: False)
    monkeypatch.setattr(provision.shutil, "which", lambda name: None)
    with pytest.raises(provision.ProvisionError) as refused:
        provision.bootstrap_command("sid", "/T", "http://mirror/debian")
    assert "run `sudo " in str(refused.value) and "add sid`" in str(refused.value)


def test_remove_deletes_the_root(world):
    provision.Provisioner("trixie", say=lambda line: None, run=Recorder(), describe=describe).add()
    from ev.pythons.__main__ import main
    main(["remove", "trixie"])
    assert not os.path.exists(roots.root_of("trixie"))


def test_another_package_list_reinstalls_the_venvs_from_the_cache(world, monkeypatch):
    provision.Provisioner("trixie", say=lambda line: None, run=Recorder(), describe=describe).add()
    monkeypatch.setattr(catalogue, "VENV_PACKAGES", catalogue.VENV_PACKAGES + ("six",))
    again = Recorder()
    provision.Provisioner("trixie", say=lambda line: None, run=again, describe=describe).add()
    reran = [" ".join(c) for c in again.inside]
    assert sum("pip wheel" in c and c.endswith(" six") for c in reran) == 2
    assert not any("-m venv" in c or "-e /ev" in c for c in reran)
    assert bootstraps(world) == 1


def test_a_package_added_to_the_suite_is_installed_in_a_root_made_before(world, monkeypatch):
    provision.Provisioner("trixie", say=lambda line: None, run=Recorder(), describe=describe).add()
    monkeypatch.setitem(catalogue.PACKAGES, "trixie", catalogue.PACKAGES["trixie"] + ("six",))
    again = Recorder()
    provision.Provisioner("trixie", say=lambda line: None, run=again, describe=describe).add()
    reran = [" ".join(c) for c in again.inside]
    assert len(reran) == 1 and reran[0].startswith("apt-get install -y") and reran[0].endswith(
        " libunwind8 six")
    assert bootstraps(world) == 1


def test_the_commands_of_a_step_hold_the_suites_lock(world):
    """kill -9 of a provisioner leaves its debootstrap running: the command holds the lock too,
    so the next add waits for it instead of deleting what it writes."""
    def run(argv, log):
        if argv[0] != "debootstrap":
            return
        provision.run_logged(["sh", "-c", 'ls -l /proc/$$/fd | grep -q "trixie.lock" || exit 7; '
                              'mkdir -p "$0/etc"', argv[-2]], log)

    provision.Provisioner("trixie", say=lambda line: None, run=run, describe=describe).add()
    assert roots.is_ready("trixie")
