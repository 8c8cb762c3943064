"""The README section "Your own program" (docs/own-program.md) runs as written: its Python block
saved as nbody.py in an empty folder outside the checkout, every line of its sh blocks run there
in order, EV naming a checkout whose venvs are the interpreters under test."""
import os
import re
import stat
import subprocess
import sys

import pytest

from conftest import ROOT
from traces.jitlog import analyse

DOC = os.path.join(ROOT, "docs", "own-program.md")
IS_PYPY = hasattr(sys, "pypy_version_info")


def section(text, title="# Your own program"):
    start = text.index(title)
    end = text.find("\n## ", start + len(title))
    return text[start:] if end < 0 else text[start:end]


def blocks(text, language):
    return re.findall(r"```%s\n(.*?)```" % language, text, re.S)


def interpreters():
    """{venv name: interpreter} of the two venvs, or None when one is missing."""
    cpython = sys.executable if not IS_PYPY else os.environ.get("EV_CPYTHON_PY")
    pypy = sys.executable if IS_PYPY else os.environ.get("EV_PYPY_PY")
    if not cpython or not pypy:
        return None
    return {"cpython": cpython, "pypy": pypy}


def commands_folder(folder, pythons):
    """A folder for PATH holding `pypy` and `python`: the venvs the section names so."""
    folder.mkdir()
    for command, name in (("pypy", "pypy"), ("python", "cpython")):
        wrapper = folder / command
        wrapper.write_text('#!/bin/sh\nexec "%s" "$@"\n' % pythons[name])
        wrapper.chmod(wrapper.stat().st_mode | stat.S_IXUSR)
    return folder


def test_the_own_program_section_runs_as_written(tmp_path):
    if IS_PYPY:
        pytest.skip("run once, from the CPython suite (its commands use both venvs)")
    pythons = interpreters()
    if pythons is None:
        pytest.skip("needs both interpreters (EV_CPYTHON_PY, EV_PYPY_PY: set by run_tests.sh)")
    text = section(open(DOC).read())
    (program,) = blocks(text, "python")
    commands = blocks(text, "sh")
    assert len(commands) == 2 and "traces.record" in commands[0] + commands[1]
    work = tmp_path / "nbody"
    work.mkdir()
    assert program.startswith("# file: nbody.py ")
    (work / "nbody.py").write_text(program)
    path = str(commands_folder(tmp_path / "bin", pythons)) + os.pathsep + os.environ["PATH"]
    env = dict(os.environ, PATH=path,
               PYTHONPATH=ROOT)   # this checkout's traces, whatever the venvs have installed
    script = "set -e -o pipefail\n" + "\n".join(commands)
    result = subprocess.run(["bash", "-c", script], cwd=str(work), env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True, timeout=300)
    assert result.returncode == 0, result.stderr[-2000:]
    for made in ("nbody.prof", "nbody.prof.maps", "nbody.prof.meta.json", "nbody.jitlog",
                 "nbody.html", "nbody.cpython.prof", "nbody.png", "nbody.speedscope.json"):
        assert (work / made).stat().st_size > 0, made
    assert re.search(r"advance \(nbody/nbody\.py:5\)", result.stdout), result.stdout[-3000:]
    assert "project code" in result.stdout
    loop = analyse(str(work / "nbody.jitlog"))["loop"]
    assert loop["name"].startswith("advance;") and loop["kind"] == "loop"
    pow_line = next(row for row in loop["lines"] if row["line"] == 11)
    assert pow_line["counts"]["call"] >= 1 and pow_line["counts"]["guard"] >= 4, pow_line
