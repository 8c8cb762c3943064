"""The JIT-trace page (traces.jitlog --html), read with an HTML parser (issue 12)."""
import html.parser
import os

import pytest

from conftest import run_module
from test_traces import jit_logs, needs_pypy, pypy_python  # noqa: F401  (a fixture)


class Page(html.parser.HTMLParser):
    """What a page holds: ids, links, sections, the text of summaries, external fetches."""

    def __init__(self, text):
        html.parser.HTMLParser.__init__(self)
        self.ids, self.links, self.sections, self.external = set(), [], [], []
        self.summaries, self._in_summary, self.details = [], False, 0
        self.badges = []
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if "id" in attrs:
            self.ids.add(attrs["id"])
        if tag == "a" and attrs.get("href", "").startswith("#"):
            self.links.append(attrs["href"][1:])
        for key in ("src", "href"):
            if attrs.get(key, "").startswith(("http:", "https:", "//")):
                self.external.append(attrs[key])
        if tag in ("script", "link", "img") and ("src" in attrs or "href" in attrs):
            self.external.append(attrs.get("src") or attrs.get("href"))
        if tag == "section":
            self.sections.append(attrs.get("id"))
        if tag == "details":
            self.details += 1
        if tag == "summary":
            self._in_summary = True
            self.summaries.append("")
        if tag == "span" and attrs.get("class", "").startswith("b "):
            self.badges.append(attrs["class"].split()[1])

    def handle_endtag(self, tag):
        if tag == "summary":
            self._in_summary = False

    def handle_data(self, data):
        if self._in_summary:
            self.summaries[-1] += data


def page_of(tmp_path, *logs):
    out = tmp_path / "traces.html"
    result = run_module("traces.jitlog", *(list(logs) + ["--html", out]))
    assert result.returncode == 0, result.stderr
    return Page(out.read_text()), out


@needs_pypy
def test_a_page_for_the_numpy_creatures_log(jit_logs, tmp_path):
    page, _ = page_of(tmp_path, jit_logs["numpy"])
    assert page.sections and all(s in page.ids for s in page.sections)
    assert all(link in page.ids for link in page.links)      # every link lands somewhere
    assert page.external == []                                # nothing fetched
    assert page.details > 20
    run_step = [s for s in page.summaries if "self.matrix.dot(self.state)" in s]
    assert run_step and "alloc" in run_step[0] and "cpyext" in run_step[0]
    assert any("-op-" in link for link in page.links)         # a bridge links to its guard


@needs_pypy
def test_two_logs_side_by_side(jit_logs, tmp_path):
    page, _ = page_of(tmp_path, jit_logs["numpy"], jit_logs["specialized"])
    assert any(s.startswith("log0-") for s in page.sections)
    assert any(s.startswith("log1-") for s in page.sections)
    assert "cpyext" in page.badges


@needs_pypy
def test_a_foreign_programs_log(tmp_path):
    program = tmp_path / "app.py"
    program.write_text("def work(n):\n    total = []\n    for i in range(n):\n"
                       "        total.append((i * 3) % 7)\n    return sum(total)\n\n"
                       "for _ in range(300):\n    work(2000)\n")
    log = tmp_path / "app.log"
    import subprocess
    subprocess.run([pypy_python(), str(program)], check=True, env=dict(
        os.environ, PYPYLOG="jit-log-opt,jit-backend-counts:%s" % log))
    page, _ = page_of(tmp_path, log)
    assert any("total.append((i * 3) % 7)" in s for s in page.summaries)
    program.unlink()                                   # source gone: shown as such
    page, out = page_of(tmp_path, log)
    assert "source not available" in out.read_text()


@pytest.mark.parametrize("damage", ["empty", "text", "missing"])
def test_bad_logs_leave_no_page(tmp_path, damage):
    log = tmp_path / "bad.log"
    if damage == "empty":
        log.write_text("")
    elif damage == "text":
        log.write_text("hello\n")
    out = tmp_path / "page.html"
    result = run_module("traces.jitlog", log, "--html", out)
    assert result.returncode == 1 and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1
    assert not out.exists()
