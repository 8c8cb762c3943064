"""Interpreter names and paths parsed, and refused in one line."""
import os
import stat
import sys

import pytest

from conftest import run_module
from ev.pythons import catalogue, names, probe


@pytest.fixture
def host_is_this(monkeypatch):
    """The set-up's venvs replaced by this interpreter alone (the PyPy one absent)."""
    monkeypatch.setenv("EV_CPYTHON_PY", sys.executable)
    monkeypatch.setenv("EV_PYPY_PY", "/nonexistent/pypy")


def this_label():
    return probe.label(probe.describe_argv([sys.executable, "-c", probe.CODE]))


def executable(path, text):
    with open(path, "w") as handle:
        handle.write(text)
    os.chmod(path, os.stat(path).st_mode | stat.S_IXUSR)
    return str(path)


def test_a_path_is_labelled_by_what_it_answers():
    found = names.parse(sys.executable)
    assert [i.label for i in found] == [this_label()]
    assert found[0].suite is None and found[0].argv(["-V"]) == [found[0].python, "-V"]
    implementation = "pypy" if hasattr(sys, "pypy_version_info") else "cpython"
    assert found[0].label.startswith(implementation)


def test_host_is_the_set_up_venvs(host_is_this):
    found = names.parse("host")
    assert [i.python for i in found] == [os.path.abspath(sys.executable), None]
    assert found[1].label == "pypy" and "no pypy venv" in found[1].missing()
    assert names.parse(this_label())[0].python == os.path.abspath(sys.executable)


def test_a_provided_name_runs_in_its_suites_root_with_its_switches():
    jit = names.parse("cpython3.14-jit")[0]
    assert (jit.label, jit.suite, jit.env) == ("cpython3.14-jit", "sid", {"PYTHON_JIT": "1"})
    argv = jit.argv(["-m", "ev.main"])
    assert "chroot" in argv[argv.index("-c") + 1] and argv[-3:] == [jit.python, "-m", "ev.main"]
    assert "PYTHON_JIT=1" in argv and jit.environ({})["PYTHON_JIT"] == "1"
    assert names.parse("pypy7.3.19")[0].suite == "trixie"


def test_all_is_the_host_then_every_provided_name_each_once(host_is_this):
    # a provisioned root's interpreter is labelled by its version (pypy8.0.1), named as asked
    labels = [i.name or i.label for i in names.parse("all,host,cpython3.15")]
    assert labels == [this_label(), "pypy"] + [entry.name for entry in catalogue.PROVIDED]


def test_two_different_pythons_that_answer_alike_keep_apart(tmp_path):
    link = tmp_path / "python"
    os.symlink(sys.executable, str(link))
    labels = [i.label for i in names.parse("%s,%s,%s" % (sys.executable, link, sys.executable))]
    assert labels == [this_label(), this_label() + "#2"]


def test_an_unprovisioned_name_says_what_to_run(monkeypatch, tmp_path):
    monkeypatch.setenv("EV_ROOTS", str(tmp_path))
    interpreter = names.parse("pypy8.0")[0]
    assert interpreter.missing() == ("pypy8.0 is not provisioned: run "
                                     "`python -m ev.pythons add sid`")


@pytest.mark.parametrize("make, said", [
    (lambda d: "cpython2.7", "unknown interpreter 'cpython2.7'"),
    (lambda d: "host,,all", "without empty entries"),
    (lambda d: "", "without empty entries"),
    (lambda d: str(d / "missing" / "python"), "no such file"),
    (lambda d: str(d), "is a directory"),
    (lambda d: str(d / "plain") if (d / "plain").write_text("x") else None, "not executable"),
    (lambda d: executable(d / "sh", "#!/bin/sh\necho hello\n"),
     "not a Python interpreter ev can ask: it wrote no answer (hello)"),
    (lambda d: executable(d / "fails", "#!/bin/sh\necho 'bad magic' >&2; exit 3\n"),
     "not a Python interpreter ev can ask: exit status 3: bad magic"),
])
def test_refused_in_one_line(tmp_path, make, said):
    with pytest.raises(names.InterpreterError) as refused:
        names.parse(make(tmp_path))
    message = str(refused.value)
    assert said in message and "\n" not in message


def test_host_without_venvs_says_why_each_cannot_run(monkeypatch):
    """A missing venv is an interpreter that says why (the matrix reports its cells as not
    run); ev run by hand on CPython stands for the CPython venv."""
    monkeypatch.setattr(names, "venv_python", lambda kind: None)
    monkeypatch.setenv("EV_PYPY_MISSING", "the set-up found no pypy3")
    cpython, pypy = names.parse("host")
    assert pypy.python is None and pypy.missing() == "the set-up found no pypy3"
    if sys.implementation.name == "cpython":
        assert cpython.python == os.path.abspath(sys.executable) and not cpython.missing()
    else:
        assert cpython.label == "cpython" and "no cpython venv" in cpython.missing()


def test_the_command_refuses_in_one_line(tmp_path):
    done = run_module("ev.pythons", "add", "bullseye", env=dict(os.environ, EV_ROOTS=str(tmp_path)))
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().splitlines() == [
        "ev.pythons: error: unknown suite or interpreter 'bullseye': give one of trixie, sid, "
        + ", ".join(catalogue.BY_NAME)]
