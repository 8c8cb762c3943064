"""The JIT-log tools on programs that are not ev (issue 27): the field programs, logged for real
by PyPy, read by traces.jitlog's text, JSON and page."""
import html.parser
import os
import re
import subprocess

import pytest

from conftest import run_module
from test_traces import needs_pypy, pypy_python
from test_traces_field import user_program
from traces.jitlog import analyse, render
from traces.jitlog_reader import read_jitlog
from traces.trace_choice import choose_trace
from traces.trace_counts import body_operations, operations

DOCUMENTED = "jit-log-opt,jit-backend-counts,jit-summary"


def pypy_log(tmp_path, program, categories=DOCUMENTED, name="jit.log"):
    """Run ``program`` on PyPy with PYPYLOG=categories:FILE; the log's path."""
    log = tmp_path / name
    env = dict(os.environ, PYPYLOG="%s:%s" % (categories, log))
    subprocess.run([pypy_python(), str(program)], env=env, stdout=subprocess.DEVNULL,
                   stderr=subprocess.DEVNULL, timeout=120)
    return str(log)


@needs_pypy
def test_a_hot_function_without_a_loop_shows_its_entry_bridge_and_bridges(tmp_path, run):
    """fib.py, recorded by traces.record: no loop of its own; its entry bridge (fault 5)."""
    program = user_program(tmp_path, "fib.py")
    log = tmp_path / "fib.jitlog"
    recorded = run("traces.record", "--jit-log", log, "--", program, python=pypy_python())
    assert recorded.returncode == 0, recorded.stderr
    loop = analyse(str(log))["loop"]
    assert loop["kind"] == "entry bridge" and loop["name"].startswith("fib;"), loop["name"]
    assert loop["bridge_load"]["bridges"] >= 1 and loop["iterations"] > 1000
    assert any(row["file"] == str(program) and row["line"] == 4 for row in loop["lines"])
    assert "its hottest trace of any kind" in render(analyse(str(log)))


@needs_pypy
def test_every_jit_category_gives_the_documented_recipes_analysis(tmp_path, run):
    """loop.py with PYPYLOG=jit:FILE: the trace sections sit inside others (fault 6)."""
    program = user_program(tmp_path, "loop.py")
    everything = pypy_log(tmp_path, program, "jit", "all.log")
    documented = pypy_log(tmp_path, program, DOCUMENTED, "documented.log")
    found, expected = analyse(everything)["loop"], analyse(documented)["loop"]
    assert found["name"].startswith("accumulate;") and found["kind"] == "loop"
    assert 2.9e6 < found["iterations"] < 3.1e6
    for key in ("name", "kind", "body_counts"):
        assert found[key] == expected[key]
    page = tmp_path / "all.html"
    assert run("traces.jitlog", everything, "--html", page).returncode == 0
    assert "accumulate" in page.read_text()


@needs_pypy
@pytest.mark.parametrize("categories", ["jit-summary", "jit-backend-counts"])
def test_the_page_fails_exactly_when_the_text_fails(tmp_path, run, categories):
    """A log with no trace in it: both modes, one line, no page (fault 6)."""
    log = pypy_log(tmp_path, user_program(tmp_path, "loop.py"), categories)
    text = run("traces.jitlog", log)
    page = tmp_path / "p.html"
    made = run("traces.jitlog", log, "--html", page)
    assert text.returncode == made.returncode == 1
    assert text.stderr == made.stderr and len(made.stderr.strip().splitlines()) == 1
    assert not page.exists()


class Page(html.parser.HTMLParser):
    """The trace list (ops column, link text and title) and each section's badges and facts."""

    def __init__(self, text):
        html.parser.HTMLParser.__init__(self)
        self.rows, self.badges, self.facts = [], {}, {}
        self.section, self.cell, self.link, self.in_note = None, None, None, False
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "tr":
            self.rows.append({"cells": [], "text": "", "title": None})
        if tag == "td" and self.rows:
            self.rows[-1]["cells"].append("")
            self.cell = True
        if tag == "a" and attrs.get("title") and self.rows:
            self.rows[-1]["title"], self.link = attrs["title"], True
        if tag == "section":
            self.section = attrs["id"]
            self.badges[self.section] = []
        if tag == "span" and attrs.get("class", "").startswith("b ") and self.section:
            self.badges[self.section].append("")
        if tag == "p" and attrs.get("class") == "note" and self.section:
            self.in_note = True
            self.facts[self.section] = ""

    def handle_endtag(self, tag):
        if tag == "td":
            self.cell = None
        if tag == "a":
            self.link = None
        if tag == "p":
            self.in_note = False

    def handle_data(self, data):
        if self.cell and self.rows:
            self.rows[-1]["cells"][-1] += data
        if self.link and self.rows:
            self.rows[-1]["text"] += data
        if self.section and self.badges.get(self.section) and self.badges[self.section][-1] \
                == "" and re.match(r"\d+ \w+$", data):
            self.badges[self.section][-1] = data
        if self.in_note:
            self.facts[self.section] += data


@needs_pypy
def test_one_definition_of_each_count_in_every_view(tmp_path, run):
    """The text listing, the JSON, the page's list, its detail pane and its badges give the
    same operations and per-iteration body for one loop (fault 7)."""
    log = pypy_log(tmp_path, user_program(tmp_path, "loop.py"))
    result = analyse(log)
    trace = choose_trace(read_jitlog(log))[0]
    listed = next(t for t in result["traces"] if t["name"] == trace.name)
    body = sum(result["loop"]["body_counts"].values())
    assert (listed["ops"], listed["body_ops"], body) == (operations(trace),
                                                         body_operations(trace), body)
    assert re.search(r"\s%d\s+%d\s.*loop\s+accumulate" % (listed["ops"], body), render(result))
    out = tmp_path / "p.html"
    assert run("traces.jitlog", log, "--html", out).returncode == 0
    page = Page(out.read_text())
    row = next(r for r in page.rows if r["title"] and trace.name in r["title"])
    assert int(row["cells"][1]) == listed["ops"]
    section = "log0-t0"
    assert "%d ops, %d ops per iteration" % (listed["ops"], body) in page.facts[section]
    assert sum(int(b.split()[0]) for b in page.badges[section]) == body


@needs_pypy
def test_long_trace_names_are_clipped_with_a_mark_and_whole_in_the_tooltip(tmp_path, run):
    """Fault 8: a name cut without a mark reads as a different name."""
    long_name = "accumulate_" + "very_" * 40 + "long"
    program = tmp_path / "long_names.py"
    program.write_text(open(str(user_program(tmp_path, "loop.py"))).read().replace(
        "accumulate", long_name))
    log = pypy_log(tmp_path, program)
    out = tmp_path / "p.html"
    assert run("traces.jitlog", log, "--html", out).returncode == 0
    rows = [r for r in Page(out.read_text()).rows if r["title"]]
    clipped = [r for r in rows if r["text"] != r["title"]]
    assert clipped and any(long_name in r["title"] for r in clipped)
    for r in clipped:
        assert r["text"].endswith("\u2026") and r["title"].startswith(r["text"][:-1])
    assert "overflow-wrap:anywhere" in out.read_text()


@needs_pypy
def test_a_killed_programs_log_blames_the_kill_not_the_categories(tmp_path):
    user_program(tmp_path, "loop.py")
    program = tmp_path / "user" / "killed.py"
    program.write_text("import os, signal\nfrom loop import accumulate\naccumulate(3000000)\n"
                       "os.kill(os.getpid(), signal.SIGKILL)\n")
    text = render(analyse(pypy_log(tmp_path, program)))
    assert "killed or crashed before it finished" in " ".join(text.split())


def test_the_listing_note_and_the_page_name_the_counts_alike():
    """The words for the counts are the same in the text and the page."""
    from traces import jitlog, jitlog_html
    assert "ops per iteration" in jitlog.LISTING_NOTE
    assert "ops per iteration" in open(jitlog_html.__file__).read()
    assert run_module("traces.jitlog", "--help").returncode == 0
