"""python -m traces.jitlog LOG [--loop NAME] [--json]: what PyPy's JIT made of the hot loops.

Lists the compiled loops and bridges, hottest first, then attributes every operation of one
loop's body (what runs once per iteration) to the source line it came from, by class: float
and int arithmetic, guards, memory reads and writes, allocations, residual calls, JIT-to-JIT
calls and cpyext traffic.
"""
import json
import linecache
import os
import sys
import textwrap

import click

from traces import atomic
from traces.errors import InputError
from traces.jitlog_html import render_logs
from traces.jitlog_reader import read_jitlog
from traces.opclasses import CLASSES, CLASS_TITLES
from traces.trace_choice import choose_trace
from traces.trace_names import trace_label
from traces.trace_counts import (body_counts, body_operations, operations, per_line, work,
                                 work_with_bridges)
from traces.trace_names import clip, per_loop_iteration, trace_name

# What a JIT log's counts cover: PyPy reads PYPYLOG when it starts, so the log holds the
# warm-up whatever part of the run a profile beside it covers.
JIT_LOG_COVERS = ("totals over the whole run, warm-up included (PyPy reads PYPYLOG when it "
                  "starts, so a JIT log cannot start late); the ops per iteration of a "
                  "compiled loop are the loop's, whenever it ran")


def short(cls):
    """A class name as a column heading ("jit_call" -> "jitcall")."""
    return cls.replace("_", "")


def listing(log, samples=None):
    """Every trace as a plain record, most work first (operations executed, a loop's with its
    bridges').  A bridge is named by the loop it leaves and the source line of its guard, with
    how often it runs per iteration of that loop.  ``samples``: {trace label: share of a
    profile's samples whose innermost JIT code it was} (traces.jit_attribution)."""
    kinds = ("loop", "entry bridge", "bridge")
    bridges = [t for t in log.traces if t.kind == "bridge"]
    samples = samples or {}
    return [{"name": trace_name(t), "kind": t.kind, "ops": operations(t),
             "work": work(t), "work_with_bridges": work_with_bridges(t, bridges),
             "samples": samples.get(trace_label(t)),
             "body_ops": body_operations(t) if t.kind == "loop" else None,
             "declared_ops": t.declared_ops, "iterations": t.iterations, "number": t.number,
             "guard": t.guard, "per_loop_iteration": per_loop_iteration(t)}
            for t in log.hottest(kinds)]


def by_source_line(trace):
    """Per source line (in trace order) the op counts of the trace's per-iteration body."""
    positions = dict((op.position.key, op.position) for op in trace.body if op.position)
    rows = []
    for key, counts in per_line(trace).items():
        pos = positions.get(key)
        rows.append({"file": pos.filename if pos else None, "line": pos.lineno if pos else None,
                     "function": pos.function if pos else None,
                     "depth": pos.depth if pos else 0, "source": source_text(pos),
                     "counts": counts, "total": sum(counts.values())})
    return rows


def source_text(pos):
    if pos is None or not pos.filename or pos.filename.startswith("<"):
        return ""
    return linecache.getline(pos.filename, pos.lineno).strip()


def bridge_load(log, loop):
    """What the bridges leaving ``loop`` (directly or through other bridges) add to one of its
    iterations: guard failures (bridge runs) and operations, counted as the body is.  None
    without iteration counts."""
    if loop.kind == "bridge" or not loop.iterations:
        return None
    bridges = [t for t in log.hottest(("bridge",)) if t.iterations and t.root is loop]
    runs = sum(t.iterations for t in bridges)
    ops = sum(t.iterations * operations(t) for t in bridges)
    return {"bridges": len(bridges), "runs_per_iteration": float(runs) / loop.iterations,
            "ops_per_iteration": float(ops) / loop.iterations}


def analyse(path, loop_name=None, profile=None):
    log = read_jitlog(path)
    trace, why = choose_trace(log, loop_name)
    return {
        "log": path,
        "has_counts": bool(log.counts),
        "summary": log.summary,
        "profile": profile,
        "traces": listing(log, trace_samples(profile, path)),
        "loop": {"name": trace.name, "kind": trace.kind, "iterations": trace.iterations,
                 "chosen_because": why, "body_counts": body_counts(trace),
                 "lines": by_source_line(trace), "bridge_load": bridge_load(log, trace)},
    }


def millions(n):
    return "-" if not n else ("%.1fM" % (n / 1e6) if n >= 1e5 else "%d" % n)


def trace_samples(profile_path, log_path):
    """{trace label: share of the profile's samples whose innermost JIT code it is} for a
    PyPy profile recorded with this log; None without a profile."""
    if not profile_path:
        return None
    import collections
    from traces.profile_reader import read_raw_profile
    profile = read_raw_profile(profile_path, jit_log=log_path)
    shares, total = collections.Counter(), float(profile.total_weight) or 1.0
    for frames, weight in profile.samples:
        jit = [f for f in frames if f.kind == "jit"]
        if jit:
            shares[jit[-1].name] += weight / total
    return shares


LISTING_NOTE = (
    "ops run: operations executed, a loop's per-iteration body times its iterations, a "
    "bridge's operations times its runs; +bridges: a loop's with the bridges leaving it (the "
    "ranking).  samples: the share of the profile's samples running in it (--profile).  "
    "ops: the operations of the trace, of the classes below (label, jump and debug markers "
    "are never counted); body: those of a loop's per-iteration body, from its last label on "
    "(the rest is the preamble, run once on entry), the 'ops per iteration' below.  "
    "iterations: runs counted by jit-backend-counts.  per iter: a bridge's "
    "runs per iteration of the loop it leaves -- every one is a guard failing and a jump "
    "out of the compiled loop, where the JIT switches paths.")
ANONYMOUS_NOTE = (
    "anonymous;<builtin>: Python code inside PyPy itself, compiled from a string (no source "
    "file); in a numpy program, cpyext's app-level helper behind a C-API call such as "
    "PyContextVar_Get, which numpy 2 makes on every ufunc call.")


def missing_counts_note(result):
    """Why a log has no iteration counts.  PyPy writes jit-backend-counts and jit-summary when
    the program exits: without either, the program was killed or crashed before it finished,
    or PYPYLOG asked for neither (the log cannot tell which); with jit-summary only, PYPYLOG
    did not ask for the counts."""
    ranked = ("traces are ranked by size, and the trace broken down below is the longest, not "
              "necessarily the hottest")
    recipe = "PYPYLOG=jit-log-opt,jit-backend-counts,jit-summary:FILE"
    if not result["summary"]:
        return ("note: no jit-backend-counts section, so no iteration counts: %s.  The log "
                "also lacks jit-summary; PyPy writes both when the program exits, so the "
                "program was killed or crashed before it finished, or PYPYLOG did not ask for "
                "them (%s)." % (ranked, recipe))
    return ("note: no jit-backend-counts section, so no iteration counts: %s (the program "
            "finished, jit-summary is here: record with %s)." % (ranked, recipe))


def render(result, top=15):
    out = []
    summary = result["summary"]
    loops = [t for t in result["traces"] if t["kind"] != "bridge"]
    bridges = [t for t in result["traces"] if t["kind"] == "bridge"]
    out.append("%s: %d loops, %d bridges" % (result["log"], len(loops), len(bridges)))
    out.append(textwrap.fill("iterations and runs: " + JIT_LOG_COVERS, 100))
    if summary:
        out.append("jit-summary: tracing %s s, backend %s s, %s loops, %s bridges compiled"
                   % (summary.get("Tracing", "?"), summary.get("Backend", "?"),
                      summary.get("Total # of loops", "?"), summary.get("Total # of bridges", "?")))
    if not result["has_counts"]:
        out.append(textwrap.fill(missing_counts_note(result), 100))
    out.append("")
    with_samples = any(t["samples"] is not None for t in result["traces"])
    out.append("%10s %10s %7s %12s %6s %6s %8s  %-12s %s" % (
        "ops run", "+bridges", "samples" if with_samples else "", "iterations", "ops", "body",
        "per iter", "kind", "name"))
    for t in result["traces"][:top]:
        out.append("%10s %10s %7s %12s %6d %6s %8s  %-12s %s" % (
            millions(t["work"]), millions(t["work_with_bridges"]) if t["kind"] != "bridge"
            else "", "" if t["samples"] is None else "%.1f%%" % (100 * t["samples"]),
            "-" if t["iterations"] is None else t["iterations"], t["ops"],
            "" if t["body_ops"] is None else t["body_ops"],
            "" if t["per_loop_iteration"] is None else "%.3f" % t["per_loop_iteration"],
            t["kind"], t["name"]))
    if len(result["traces"]) > top:
        out.append("%12s  (%d more)" % ("...", len(result["traces"]) - top))
    out += ["", textwrap.fill(LISTING_NOTE, 100)]
    if any(t["name"].startswith("anonymous;<builtin>") for t in result["traces"]):
        out.append(textwrap.fill(ANONYMOUS_NOTE, 100))
    loop = result["loop"]
    out.append("")
    body = sum(loop["body_counts"].values())  # = body_operations(trace)
    unit = "iteration" if loop["kind"] == "loop" else "run"
    out.append("%s %s: %d ops per %s (%s %ss), by source line:"
               % (loop["kind"], loop["name"], body, unit,
                  "?" if loop["iterations"] is None else loop["iterations"], unit))
    if loop.get("chosen_because"):
        out.append(textwrap.fill("(%s)" % loop["chosen_because"], 100))
    load = loop.get("bridge_load")
    if load:
        out.append("its %d bridges: %.3f runs and %.0f ops per %s; body + bridges = %.0f "
                   "ops per %s" % (load["bridges"], load["runs_per_iteration"],
                                   load["ops_per_iteration"], unit,
                                   body + load["ops_per_iteration"], unit))
    out.append("%-34s" % "line" + "".join("%8s" % short(c) for c in CLASSES) + "   source")
    for row in loop["lines"]:
        where = "%s%s:%s" % ("  " * row["depth"], os.path.basename(row["file"] or "?"),
                             row["line"] if row["line"] is not None else "?")
        out.append("%-34s" % clip(where, 34) + "".join(
            "%8s" % (row["counts"][c] or ".") for c in CLASSES) + "   " + clip(row["source"], 60))
    out.append("%-34s" % "total" + "".join("%8d" % loop["body_counts"][c] for c in CLASSES))
    out.append("")
    out.append("classes: " + ", ".join("%s = %s" % (short(c), CLASS_TITLES[c]) for c in CLASSES))
    return "\n".join(out)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("logs", metavar="LOG [LOG...]", nargs=-1, required=True,
                type=click.Path(dir_okay=False))
@click.option("--loop", "loop_name", help="Name (substring), loop number or guard of the trace "
                                          "to break down [default: the hottest loop].")
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--top", default=15, show_default=True, help="Traces to list.")
@click.option("--perf", "perf_path", type=click.Path(dir_okay=False),
              help="With --html: perf samples recorded with this log (STEM.perf of "
                   "traces.jit_perf): each line's seconds beside its operations.")
@click.option("--profile", "profile_path", type=click.Path(dir_okay=False),
              help="A vmprof profile recorded with this log (PyPy, traces.record): the share "
                   "of its samples in each trace.")
@click.option("--html", "html_path", type=click.Path(dir_okay=False),
              help="Write a self-contained page to read the traces in a browser (several "
                   "logs: their hot loops side by side).")
def main(logs, loop_name, as_json, top, html_path, profile_path, perf_path):
    """Summarize a PyPy JIT log (PYPYLOG=jit-log-opt,jit-backend-counts,jit-summary:LOG)."""
    if len(logs) > 1 and not html_path:
        raise click.UsageError("several logs are read together only with --html")
    try:
        if html_path:
            write_page(logs, html_path, perf_path)
            click.echo("page written to %s" % html_path)
            return
        result = analyse(logs[0], loop_name, profile_path)
    except InputError as error:
        click.echo("error: %s" % error, err=True)
        sys.exit(1)
    except OSError as error:
        click.echo("error: %s" % atomic.describe(error), err=True)
        sys.exit(1)
    click.echo(json.dumps(result, indent=1) if as_json else render(result, top))


def write_page(logs, path, perf_path=None):
    times = None
    if perf_path:
        from traces.jit_perf import line_seconds, per_line
        times = line_seconds(per_line(read_jitlog(logs[0]), perf_path))
    page = render_logs(logs, times)   # read everything first: a bad log leaves no page behind
    atomic.write_text(path, page)


if __name__ == "__main__":
    main()
