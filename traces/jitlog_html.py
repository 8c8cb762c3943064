"""A PyPy JIT log as one self-contained HTML page: what jitviewer was, offline, for any program.

The page lists the loops and bridges, hottest first; for the selected trace it shows the
source of the functions the trace covers, each line with its operations counted by class
(allocations, cpyext traffic and residual calls stand out), and a click on a line unfolds its
operations as the log wrote them, the per-iteration body marked.  A bridge links to the guard
it leaves, and a guard to its bridge.  No server, no network: the CSS and the few lines of
script that switch traces are inline.  Several logs side by side: their hot loops, line by
line, at the top (``run_all.sh --profile`` does this for the PyPy cells).
"""
import ast
import collections
import functools
import html
import linecache
import os

from traces.jitlog_reader import read_jitlog
from traces.opclasses import CLASSES, CLASS_TITLES, count_ops
from traces.source_names import qualified_name
from traces.trace_choice import choose_trace
from traces.trace_counts import body_operations, operations
from traces.trace_names import clip, per_loop_iteration, short_path, trace_name

STANDOUT = ("alloc", "cpyext", "call")   # what a reader of a hot loop looks for first
NAME_CHARS = 160    # a trace's name in the list is cut here, with a mark, whole in its tooltip

STYLE = """
body{font:14px/1.35 system-ui,sans-serif;margin:0;color:#222}
header{background:#253041;color:#fff;padding:8px 16px}
header h1{font-size:17px;margin:0}header p{margin:2px 0 0;font-size:12px;color:#cbd}
main{display:flex;align-items:flex-start}
nav{width:34%;max-height:calc(100vh - 60px);overflow:auto;border-right:1px solid #ccc;
font-size:12px}
nav table{border-collapse:collapse;width:100%}nav td,nav th{padding:2px 6px;text-align:left}
nav tr:nth-child(even){background:#f4f4f6}nav a{text-decoration:none;color:#124}
nav td.n{text-align:right;font-variant-numeric:tabular-nums}
nav td.name{overflow-wrap:anywhere}
section.trace{display:none;padding:8px 16px;flex:1;min-width:0}
section.trace.shown{display:block}
.compare{display:flex;gap:16px;padding:8px 16px;border-bottom:2px solid #253041}
.compare>div{flex:1;min-width:0}
h2{font-size:15px;margin:6px 0}h3{font-size:13px;margin:10px 0 2px;color:#555}
.src{font:12px/1.3 ui-monospace,monospace}
.src summary,.src .line{display:flex;gap:6px;cursor:pointer;white-space:pre}
.src .line{cursor:default;color:#888}
.ln{color:#999;width:3.5em;text-align:right;flex:none}
.code{flex:1;overflow:hidden;text-overflow:ellipsis}
.badges{flex:none;display:flex;gap:2px}
.b{border-radius:3px;padding:0 4px;font-size:11px;color:#fff}
.float{background:#6a8caf}.int{background:#8aa}.guard{background:#b9a25b}
.read{background:#999}.write{background:#777}.alloc{background:#d0312d}
.call{background:#e07b00}.jit_call{background:#4a7}.cpyext{background:#7b3fa0}
.time{background:#000}
.other{background:#bbb}
.ops{margin:2px 0 6px 4.5em;padding:4px 8px;background:#f7f7f9;border-left:3px solid #ccd;
font:11px/1.3 ui-monospace,monospace;white-space:pre;overflow:auto}
.ops .pre{color:#999}.ops .body::before{content:"\\25B6 ";color:#4a7}
.missing{color:#a33;font-style:italic}.note{color:#666;font-size:12px}
a.bridge{color:#a30}
"""

SCRIPT = """
function show(){var id=location.hash.slice(1);var trace=id.split('-op-')[0];
document.querySelectorAll('div.log').forEach(function(log){
var mine=trace&&document.getElementById(trace)&&log.contains(document.getElementById(trace));
var shown=mine?trace:log.dataset.first;
log.querySelectorAll('section.trace').forEach(function(s){
s.classList.toggle('shown',s.id===shown)});});
var el=id&&document.getElementById(id);var d=el&&el.closest('details');
if(d){d.open=true;el.scrollIntoView();}}
window.addEventListener('hashchange',show);window.addEventListener('DOMContentLoaded',show);
"""


def render_logs(paths, times=None):
    """The page for one or more JIT logs (InputError for a bad one, or for one without a
    trace to show: exactly when the text report fails).  ``times``: {(file, line): {part:
    seconds}} measured by perf with the (first) log (traces.jit_perf.line_seconds), shown
    beside each line's operations."""
    logs = [read_jitlog(path) for path in paths]
    chosen = [choose_trace(log)[0] for log in logs]
    parts = []
    if len(logs) > 1:
        parts.append(compare(logs, chosen))
    for number, (log, trace) in enumerate(zip(logs, chosen)):
        prefix = "log%d-" % number
        traces = log.hottest(("loop", "entry bridge", "bridge"))
        ids = dict((id(t), "%st%d" % (prefix, i)) for i, t in enumerate(traces))
        first = ids[id(trace)]
        parts.append("<div class='log' data-first='%s'>%s</div>"
                     % (first, explorer(log, traces, ids, times if number == 0 else None)))
    title = ", ".join(os.path.basename(p) for p in paths)
    return ("<!DOCTYPE html><html><head><meta charset='utf-8'><title>JIT traces: %s</title>"
            "<style>%s</style><script>%s</script></head><body>%s</body></html>"
            % (esc(title), STYLE, SCRIPT, "".join(parts)))


def compare(logs, chosen):
    """The hot loop of each log, line by line, side by side."""
    columns = []
    for log, loop in zip(logs, chosen):
        columns.append("<div><h2>%s</h2><p class='note'>%s<br>%d ops per iteration, %s "
                       "iterations; the lines show the per-iteration body</p>"
                       "<div class='src'>%s</div></div>" % (
                           esc(os.path.basename(log.path)), esc(trace_name(loop)),
                           body_operations(loop),
                           loop.iterations if loop.iterations is not None else "?",
                           source_view(loop, None, {}, body_only=True)))
    return "<div class='compare'>%s</div>" % "".join(columns)


def explorer(log, traces, ids, times=None):
    summary = log.summary
    header = ("<header><h1>%s</h1><p>%d loops, %d bridges%s. Click a trace; click a source "
              "line for its operations (\u25B6: the per-iteration body of a loop).</p>"
              "</header>" % (
                  esc(log.path), sum(t.kind != "bridge" for t in traces),
                  sum(t.kind == "bridge" for t in traces),
                  "; tracing %s s, backend %s s" % (summary.get("Tracing", "?"),
                                                    summary.get("Backend", "?"))
                  if summary else ""))
    bridges_of = collections.defaultdict(list)
    for trace in traces:
        if trace.kind == "bridge" and trace.origin is not None:
            bridges_of[id(trace.origin[1])].append(trace)
    nav = ["<nav><table><tr><th>iterations</th><th>ops</th><th>per iter</th><th>trace</th>"
           "</tr>"]
    for trace in traces:
        runs = per_loop_iteration(trace)
        nav.append("<tr><td class='n'>%s</td><td class='n'>%d</td><td class='n'>%s</td>"
                   "<td class='name'><a href='#%s' title='%s'>%s</a></td></tr>" % (
                       "-" if trace.iterations is None else trace.iterations, operations(trace),
                       "" if runs is None else "%.3f" % runs, ids[id(trace)],
                       esc(trace.kind + ": " + trace_name(trace)),
                       esc(clip(trace.kind + ": " + trace_name(trace), NAME_CHARS))))
    nav.append("</table></nav>")
    sections = [trace_section(trace, ids, bridges_of, times) for trace in traces]
    return header + "<main>" + "".join(nav) + "".join(sections) + "</main>"


def trace_section(trace, ids, bridges_of, times=None):
    anchor = ids[id(trace)]
    title = trace_name(trace) if trace.kind == "bridge" else "%s %s" % (trace.kind,
                                                                         trace_name(trace))
    lines = ["<section class='trace' id='%s'><h2>%s</h2>" % (anchor, esc(title))]
    facts = ["%d ops" % operations(trace)]
    if trace.kind == "loop":
        facts.append("%d ops per iteration (the per-iteration body; the line badges count "
                     "it)" % body_operations(trace))
    if trace.iterations is not None:
        facts.append("ran %s times" % trace.iterations)
    runs = per_loop_iteration(trace)
    if runs is not None:
        facts.append("%.3f times per iteration of its loop" % runs)
    lines.append("<p class='note'>%s</p>" % ", ".join(facts))
    if trace.kind == "bridge" and trace.origin is not None:
        parent, guard = trace.origin
        lines.append("<p>Leaves <a href='#%s-op-%d'>%s</a> of %s %s.</p>" % (
            ids[id(parent)], parent.ops.index(guard), esc(guard.name), esc(parent.kind),
            esc(trace_name(parent))))
    lines.append("<div class='src'>%s</div></section>" % source_view(trace, ids, bridges_of,
                                                                    times=times))
    return "".join(lines)


def source_view(trace, ids, bridges_of, body_only=False, times=None):
    """The source lines of the functions the trace covers, each with its operations (only
    those of the per-iteration body with ``body_only``)."""
    body = set(id(op) for op in trace.body) if trace.kind == "loop" else None
    by_line = collections.OrderedDict()
    for index, op in enumerate(trace.ops):
        if body_only and body is not None and id(op) not in body:
            continue
        pos = op.position
        key = (pos.filename, pos.function, pos.firstlineno) if pos else (None, None, None)
        by_line.setdefault(key, collections.defaultdict(list))[
            pos.lineno if pos else None].append((index, op))
    out = []
    for (filename, function, firstline), lines in by_line.items():
        out.append("<h3>%s</h3>" % (
            "%s (%s:%s)" % (esc(qualified_name(filename, function, firstline)),
                            esc(short_path(filename)), firstline) if function else
            "the trace's entry (operations before its first source position)"))
        out.extend(function_lines(filename, firstline, lines, trace, body, ids, bridges_of,
                                  times or {}))
    return "".join(out)


def function_lines(filename, firstline, lines, trace, body, ids, bridges_of, times):
    readable = bool(filename) and not filename.startswith("<") and os.path.exists(filename)
    numbered = sorted(n for n in lines if n is not None)
    if not readable:
        note = ("<div class='missing'>source not available (%s)</div>" % esc(filename)
                if filename else "")
        return [note] + [line_block(n, "(its operations)" if n is None else "", lines[n], trace,
                                    body, ids, bridges_of, times.get((filename, n)))
                         for n in [None] * (None in lines) + numbered]
    start = min([firstline] + numbered) if firstline else min(numbered or [1])
    out = []
    for number in range(start, statement_end(filename, max(numbered or [start])) + 1):
        text = linecache.getline(filename, number).rstrip("\n")
        if number in lines:
            out.append(line_block(number, text, lines[number], trace, body, ids, bridges_of,
                                  times.get((filename, number))))
        else:
            out.append("<div class='line'><span class='ln'>%d</span><span class='code'>%s"
                       "</span></div>" % (number, esc(text)))
    return out


@functools.lru_cache(maxsize=64)
def statements_of(filename):
    """[(first line, last line)] of every statement in the file, or None if unparsable."""
    try:
        with open(filename, "rb") as source:
            tree = ast.parse(source.read())
    except (OSError, SyntaxError, ValueError):
        return None
    return [(node.lineno, node.end_lineno) for node in ast.walk(tree)
            if isinstance(node, ast.stmt) and not isinstance(
                node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.For,
                       ast.While, ast.If, ast.With, ast.Try))]


def statement_end(filename, line):
    """The last line of the simple statement that starts on or spans ``line`` (a call over
    several lines, 'self.v1.value = (' ...), so that a trace's source ends with a whole
    statement; ``line`` itself when the source cannot be parsed."""
    spans = statements_of(filename)
    if not spans:
        return line
    ends = [last for first, last in spans if first <= line <= last]
    return max(ends) if ends else line


def line_block(number, text, ops, trace, body, ids, bridges_of, seconds=None):
    counts = count_ops(op for _, op in ops if body is None or id(op) in body)
    badges = "".join("<span class='b %s' title='%s'>%d %s</span>" % (
        cls, esc(CLASS_TITLES[cls]), counts[cls], cls.replace("_", "")) for cls in
        sorted(CLASSES, key=lambda c: (c not in STANDOUT, CLASSES.index(c))) if counts[cls])
    rows = []
    for index, op in ops:
        css = "body" if body is not None and id(op) in body else (
            "pre" if body is not None else "")
        link = ""
        for bridge in (bridges_of or {}).get(id(op), []):
            link += " <a class='bridge' href='#%s'>\u2192 bridge (%s runs)</a>" % (
                ids[id(bridge)], bridge.iterations if bridge.iterations is not None else "?")
        anchor = "%s-op-%d" % (ids[id(trace)], index) if ids else ""
        rows.append("<span class='%s' id='%s'>%s</span>%s" % (css, anchor,
                                                              esc(op.text or op.name), link))
    if seconds:
        badges = ("<span class='b time' title='%s'>%.2f s</span>" % (esc(", ".join(
            "%s %.2f s" % kv for kv in sorted(seconds.items(), key=lambda kv: -kv[1]))),
            sum(seconds.values()))) + badges
    return ("<details><summary><span class='ln'>%s</span><span class='code'>%s</span>"
            "<span class='badges'>%s</span></summary><div class='ops'>%s</div></details>" % (
                "" if number is None else number, esc(text), badges, "\n".join(rows)))


def esc(text):
    return html.escape(str(text), quote=True)
