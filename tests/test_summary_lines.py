"""ev summary's time per source line of a PyPy cell: ev matrix --profile runs each PyPy cell
again under perf (traces.jit_perf, ev.cli.profile_cells.record_lines), and traces.md gives the
program's hottest functions with their lines, split into cpyext, allocation, natives, runtime
and JIT code.  The fixture is traces.jit_perf's result for the pypy-numpy cell
(tests/fixtures/README.md says how it was made)."""
import os

from conftest import ROOT
from test_traces import needs_pypy, pypy_python
from conftest import run_module
from ev.cli import trace_summary
from ev.cli.profile_cells import lines_stem

FIXTURE = os.path.join(ROOT, "tests", "fixtures", "pypy_lines", "pypy7.3.11-numpy.json")
CELL = "pypy7.3.11-numpy"


def folder_with_lines(tmp_path):
    """A results folder whose lines/ holds the fixture, its paths made this checkout's."""
    with open(FIXTURE) as fixture:
        text = fixture.read().replace("/work/main/", ROOT + "/")
    stem = lines_stem(str(tmp_path), CELL)
    os.makedirs(os.path.dirname(stem))
    with open(stem + ".json", "w") as out:
        out.write(text)
    return str(tmp_path)


def test_run_steps_lines_are_split_by_what_ran_beneath_them(tmp_path):
    folder = folder_with_lines(tmp_path)
    row = trace_summary.lines_row(trace_summary.new_row(CELL, "pypy"), folder, CELL,
                                  os.path.join(folder, CELL + ".prof"))
    assert not row["problems"]
    first = row["lines"]["functions"][0]
    assert first["function"] == "Creature.run_step"           # qualified from the source
    lines = dict((entry["line"], entry) for entry in first["lines"])
    assert set(lines) == {21, 22, 23, 24}                     # the statements of run_step
    assert lines[22]["statement"].startswith("out_values = self.matrix.dot(")
    for entry in first["lines"]:
        assert abs(sum(entry["parts"].values()) - entry["seconds"]) < 1e-9
    assert sum(e["seconds"] for e in first["lines"]) <= first["seconds"] + 1e-9
    # the cell's lesson: most of run_step is cpyext, then numpy's own C code, little JIT code
    parts = first["parts"]
    assert parts["cpyext"] > parts["natives"] > parts["jit"]
    text = "\n".join(trace_summary.lines_section([row]))
    assert "| %s | **Creature.run_step** |" % CELL in text
    assert "| line 22 | `out_values = self.matrix.dot(self.state) + self.constant` |" in text
    assert "perf samples" in text and "not placed" in text


def test_a_json_that_is_not_jit_perfs_is_a_problem_not_a_traceback(tmp_path):
    stem = lines_stem(str(tmp_path), CELL)
    os.makedirs(os.path.dirname(stem))
    with open(stem + ".json", "w") as out:
        out.write('{"functions": 3}')
    row = trace_summary.lines_row(trace_summary.new_row(CELL, "pypy"), str(tmp_path), CELL,
                                  "none.prof")
    assert "lines" not in row and "not traces.jit_perf's result" in row["problems"][0]


@needs_pypy
def test_without_perf_the_summary_says_why_there_are_no_lines(tmp_path):
    """The run under perf, where perf is not installed, as ev matrix --profile runs it (its
    log in lines/): no failure, and the summary says why."""
    stem = lines_stem(str(tmp_path), CELL)
    os.makedirs(os.path.dirname(stem))
    done = run_module("traces.jit_perf", "--out", stem, "--", "-c", "pass",
                      python=pypy_python(), env=dict(os.environ, PATH="/nonexistent"))
    assert done.returncode == 1
    with open(stem + ".log", "w") as log:
        log.write(done.stdout + done.stderr)
    row = trace_summary.lines_row(trace_summary.new_row(CELL, "pypy"), str(tmp_path), CELL,
                                  "none.prof")
    assert "lines" not in row
    assert row["problems"] == ["no time per source line: Error: perf is not installed "
                               "(Debian: apt-get install linux-perf)"]
