"""The README's and docs/'s commands run as written, and their links lead somewhere.

A reader copies commands from the documentation before reading any code; a command that no
longer runs (a renamed module, a dropped flag) is the first thing they meet.  So every command
of a ```sh block in README.md and docs/*.md is run here, in document order, in a scratch folder
per page (a later command may read what an earlier one wrote), unless it is in SKIP with the
reason.  A command added to the docs is therefore run by default: long ones must be listed.
The interpreters are mapped: `python` and `.venv/cpython/bin/python` to this CPython,
`.venv/pypy/bin/python` to the PyPy of the set-up (EV_PYPY_PY, or the repository's .venv).
"""
import importlib.util
import os
import platform
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PAGES = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
TIMEOUT = 300

# Commands as written in a ```sh block -> why they are not run by the test suite.
MINUTES = "takes minutes (a benchmark or the matrix); its figures are in the docs, measured"
SKIP = {
    "./run_all.sh": "the whole matrix: minutes, and writes into the repository's results/",
    "./run_tests.sh": "the test suite itself",
    "./run_all.sh --interpreters all --cells c,cpython-numpy,cpython-specialized,pypy-numpy,"
    "pypy-specialized,cpython3.13-numpy,cpython3.13-specialized,cpython3.14-numpy,"
    "cpython3.14-specialized,cpython3.14-jit-numpy,cpython3.14-jit-specialized,cpython3.15-numpy,"
    "cpython3.15-specialized,cpython3.15-jit-numpy,cpython3.15-jit-specialized,pypy7.3.19-numpy,"
    "pypy7.3.19-specialized,pypy8.0-numpy,pypy8.0-specialized --out results/interpreters-all-5":
        "nine interpreters in Debian roots: ten minutes, and the roots take up to 40 to make",
    "./run_all.sh --profile": "the matrix twice, recorded: minutes",
    "./run_all.sh --task fly": "the PID task in five cells: minutes",
    "./run_all.sh --cells cpython-specialized,pypy-specialized,c --generations 3":
        "writes into the repository's results/ (its --out is relative to the repository)",
    "./run_all.sh --cells cpython-numpy,pypy-numpy,cpython-specialized,pypy-specialized "
    "--profile --generations 5 --slow-generations 3": "four cells twice, recorded: minutes",
    "source .venv/pypy/bin/activate": "changes the calling shell; the next command needs it",
    "pypy -m ev.main --no-specialized": "runs until Ctrl-C",
    "deactivate": "changes the calling shell",
    ".venv/cpython/bin/ev bench limits --rounds 3 --passes 3": MINUTES,
    ".venv/cpython/bin/ev bench limits --batches full-thrust --rounds 3 --passes 3":
        MINUTES,
    ".venv/cpython/bin/ev bench calls": MINUTES,
    ".venv/cpython/bin/ev bench calls --json > calls.json": MINUTES,
    ".venv/cpython/bin/ev bench calls --report calls.json":
        "reads the output of the benchmark above",
    ".venv/cpython/bin/ev bench sweep --budget 0.1": MINUTES,
    ".venv/cpython/bin/ev bench sweep --budget 0.1 --rounds 5 --out sweep": MINUTES,
    ".venv/cpython/bin/ev bench profiler_weight": MINUTES,
    ".venv/pypy/bin/ev bench pid_vs_cma --seeds 5 -g 100": MINUTES,
    ".venv/cpython/bin/ev bench clip_literals": MINUTES,
    ".venv/cpython/bin/ev bench scaling --out scaling.json": MINUTES,
    ".venv/pypy/bin/python -m ev.main -n 500 -g 150 --seed 42 --results ga.jsonl":
        "150 generations: half a minute, a measurement",
    "perf record -F 1999 -o numpy.data .venv/cpython/bin/python -m ev.main -n 500 -g 10 "
    "--seed 42 --creature numpy": "needs Linux perf, and 20 s of CPython + numpy",
    "perf report -i numpy.data --stdio --sort dso": "reads the perf recording above",
}

# What a command needs besides its interpreter: a check, and the reason when it fails.
OPTIONAL = {
    "mpiexec ": (lambda: shutil.which("mpiexec") is not None
                 and importlib.util.find_spec("mpi4py") is not None,
                 "MPI is not installed (optional: the set-up installs MPICH and mpi4py as root)"),
    "--creature numba": (lambda: importlib.util.find_spec("numba") is not None,
                         "numba is not installed (optional)"),
}


def sh_commands(text):
    """The commands of a page's ```sh blocks, continuation lines joined, comments dropped."""
    commands, block, pending = [], False, ""
    for line in text.splitlines():
        if line.strip().startswith("```"):
            block = line.strip() == "```sh" if not block else False
            continue
        if not block:
            continue
        line = pending + re.sub(r"(^|\s)#.*$", "", line).strip()
        if line.endswith("\\"):
            pending = line[:-1] + " "
            continue
        pending = ""
        if line:
            commands.append(" ".join(line.split()))
    return commands


def page_files(text):
    """{name: text} of a page's ```python blocks that start with '# file: NAME': the files
    its commands expect in the folder they run in (a program of the reader's own)."""
    return dict((match.group(1), match.group(0)[len("```python\n"):-len("```")])
                for match in re.finditer(r"```python\n# file: (\S+).*?```", text, re.S))


def pypy():
    """The PyPy of the set-up, or None."""
    path = os.environ.get("EV_PYPY_PY") or str(ROOT / ".venv" / "pypy" / "bin" / "python")
    return path if os.access(path, os.X_OK) else None


def mapped(command):
    """The command with its first word made a path on this machine (None: PyPy is missing)."""
    first, _, rest = command.partition(" ")
    programs = {"python": sys.executable, ".venv/cpython/bin/python": sys.executable,
                ".venv/pypy/bin/python": pypy(), "pypy": pypy(),
                "./run_all.sh": str(ROOT / "run_all.sh"),
                "./run_tests.sh": str(ROOT / "run_tests.sh")}
    # The `ev` command is `python -m ev` (ev/__main__.py), in either venv.
    programs.update({"ev": sys.executable, ".venv/cpython/bin/ev": sys.executable,
                     ".venv/pypy/bin/ev": pypy()})
    if first == "mpiexec":     # a launcher: the interpreter is a later word
        return " ".join(shlex.quote(sys.executable) if word == ".venv/cpython/bin/python"
                        else word for word in command.split(" "))
    if first not in programs:
        return command
    if programs[first] is None:
        return None
    module = " -m ev" if first.split("/")[-1] == "ev" else ""
    return f"{shlex.quote(programs[first])}{module} {rest}"


def c_built():
    """The c variant can run here (built at set-up)."""
    return subprocess.run([sys.executable, "-m", "ev.cli.variants", "c"], cwd=ROOT,
                          capture_output=True).returncode == 0


def missing_need(command):
    """Why a command cannot run here (an optional package or build), or None."""
    if "--creature c " in command + " " and not c_built():
        return "the C evaluation is not built (set-up: python -m ev.backends.c_build)"
    for flag, (available, why) in OPTIONAL.items():
        if flag in command and not available():
            return why
    return None


@pytest.mark.skipif(platform.python_implementation() == "PyPy",
                    reason="the docs' commands name their interpreters: run once, from CPython")
@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_commands_run_as_written(page, tmp_path):
    commands = [c for c in sh_commands(page.read_text()) if c not in SKIP]
    if any(mapped(c) is None for c in commands):
        pytest.skip(f"{page.name} runs commands on PyPy, and PyPy is not set up here")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [str(ROOT), *filter(None, [os.environ.get("PYTHONPATH")])]), MPLBACKEND="Agg")
    for name, text in page_files(page.read_text()).items():
        (tmp_path / name).write_text(text)
    failures = []
    for command in commands:
        if missing_need(command):
            continue
        try:
            done = subprocess.run(["bash", "-o", "pipefail", "-c", mapped(command)], cwd=tmp_path,
                                  env=env, capture_output=True, text=True, timeout=TIMEOUT)
        except subprocess.TimeoutExpired:
            failures.append(f"{command}\n    still running after {TIMEOUT} s: shorten it or "
                            "add it to SKIP with the reason")
            continue
        if done.returncode != 0:
            tail = "\n    ".join((done.stderr or done.stdout).strip().splitlines()[-5:])
            failures.append(f"{command}\n    exit {done.returncode}:\n    {tail}")
    assert not failures, f"{page.name}: commands that fail as written:\n" + "\n".join(failures)


def test_skip_list_names_commands_of_the_docs():
    written = {c for page in PAGES for c in sh_commands(page.read_text())}
    stale = sorted(set(SKIP) - written)
    assert not stale, f"SKIP names commands no page holds any more: {stale}"


def test_sh_blocks_are_found():
    # The extraction itself: a page with a block, a continuation line and a comment.
    text = "x\n```sh\npython -m a \\\n   --b  # note\n# only a comment\n```\n```text\nout\n```\n"
    assert sh_commands(text) == ["python -m a --b"]
    assert page_files("```python\n# file: p.py (a program)\nx = 1\n```\n") == {
        "p.py": "# file: p.py (a program)\nx = 1\n"}
    assert slug("Evolve: `python -m ev.main`") == "evolve-python--m-evmain"
    assert mapped("ev show x.json") == f"{shlex.quote(sys.executable)} -m ev show x.json"


def slug(heading):
    """The anchor GitHub gives a heading."""
    text = re.sub(r"[^\w\- ]", "", heading.strip().lower().replace("`", ""))
    return text.replace(" ", "-")


def anchors(page):
    seen, result = {}, set()
    for line in page.read_text().splitlines():
        if line.startswith("#"):
            base = slug(line.lstrip("#"))
            result.add(base if base not in seen else f"{base}-{seen[base]}")
            seen[base] = seen.get(base, 0) + 1
    return result


def links(page):
    """The targets of a page's markdown links and images, placeholders left out."""
    for target in re.findall(r"\]\(([^)\s]+)\)", page.read_text()):
        if not re.match(r"[a-z]+:", target) and "{{" not in target:
            yield target


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_links_lead_to_files_and_headings(page):
    broken = []
    for target in links(page):
        path, _, fragment = target.partition("#")
        file = (page.parent / path).resolve() if path else page
        if not file.exists():
            broken.append(f"{target}: no such file")
        elif fragment and file.suffix == ".md" and fragment not in anchors(file):
            broken.append(f"{target}: no such heading in {file.name}")
    assert not broken, f"{page.name}: broken links: {broken}"


@pytest.mark.parametrize("page", PAGES, ids=lambda p: str(p.relative_to(ROOT)))
def test_named_source_files_exist(page):
    text, missing = page.read_text(), []
    own = page_files(text)   # the reader's own program, given whole on the page
    for path, line in re.findall(r"([\w./-]+\.(?:py|c)):(\d+)", text):
        source = ROOT / path
        if path.split("/")[-1] in own:
            continue
        if not source.is_file():
            missing.append(f"{path}:{line}: no such file")
        elif int(line) > len(source.read_text().splitlines()):
            missing.append(f"{path}:{line}: the file is shorter")
    for path in re.findall(r"`((?:ev|specialized|traces|benchmarks|tests|scripts)/[\w./-]+)`",
                           text):
        if not (ROOT / path).exists():
            missing.append(f"{path}: no such file")
    assert not missing, f"{page.name}: {missing}"
