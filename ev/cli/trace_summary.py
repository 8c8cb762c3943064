"""python -m ev.cli.trace_summary RESULTS_DIR [--json] (ev summary): one table across a matrix
run's recordings.  In ev, not in traces: it knows ev's results folders and reads their records.

For every cell recorded by ``run_all.sh --profile`` (CELL.prof and, on PyPy, CELL.jitlog):
the share of time in numpy, cpyext / C-API, allocation & GC, JIT-compiled code and the
interpreter; and from the JIT log, the operations and allocations per iteration of the hot loop
(one iteration = one run_step call and one physics step).  Each profile says which
generations it covers (ev.reporting.recordings: from the timed run's steady state on, or the whole
run in older folders); a JIT log's counts are always the whole run's, warm-up included.  A
PyPy cell run again under perf (ev matrix --profile, when perf works: ev.cli.profile_cells)
adds its time per source line of JIT code.

The ``--json`` document's format history ("format": "ev-summary", "version"):

    1 - {"rows": [...]} (before: the bare list of rows); a PyPy row's "lines": the program's
        hottest functions with their seconds by part and their lines', from the run under perf
"""
import glob
import json
import linecache
import os
import sys

import click

from traces import categories as cat
from ev.backends.c_build import PROFILE_CATEGORY
from ev.cli.profile_cells import lines_stem
from ev.common import result_file
from ev.common.formats import rows_format
from ev.reporting.recordings import WHOLE_RUN, profile_coverage, recording_cost
from traces.errors import InputError
from traces.jitlog import JIT_LOG_COVERS, analyse as analyse_jitlog
from traces.profile import analyse as analyse_profile
from traces.profile_reader import read_profile
from traces.project import Project
from traces.jit_perf import function_parts
from traces.source_names import qualified_name

COLUMNS = (("project code", (cat.PROJECT,)), ("numpy", (cat.NUMPY_PY, cat.NUMPY_NATIVE)),
           ("C-API / cpyext", (cat.CAPI,)), ("calls", (cat.CALLS,)),
           ("attributes", (cat.ATTRIBUTES,)), ("boxed numbers", (cat.NUMBERS,)),
           ("containers", (cat.CONTAINERS,)), ("import/compile", (cat.IMPORT_COMPILE,)),
           ("alloc/GC", (cat.ALLOC_GC,)), ("JIT code", (cat.JIT_CODE,)),
           ("compiled C", (PROFILE_CATEGORY.name,)),
           ("other libraries", (cat.STDLIB, cat.LIBRARY, cat.OTHER, cat.UNKNOWN)),
           ("interpreter", (cat.INTERPRETER,)), ("PyPy runtime, unnamed", (cat.PYPY_RUNTIME,)))


SUMMARY = rows_format("ev-summary")
LINE_PARTS = (("cpyext", "cpyext"), ("alloc", "allocation & GC"), ("natives", "natives"),
              ("call", "runtime"), ("jit", "JIT code"))


def cell_names(folder):
    names = set()
    for path in glob.glob(os.path.join(folder, "*.prof")) + glob.glob(
            os.path.join(folder, "*.jitlog")):
        names.add(os.path.splitext(os.path.basename(path))[0])
    return sorted(names)


def summarize_cell(folder, name):
    """The rows of one cell name: one per interpreter.  A CPython NAME.prof and a PyPy
    NAME.jitlog are two rows; a PyPy profile and the JIT log beside it, one."""
    prof = os.path.join(folder, name + ".prof")
    log = os.path.join(folder, name + ".jitlog")
    rows = []
    if os.path.exists(prof):
        rows.append(profile_row(name, prof))
        rows[0]["profile_covers"] = profile_covers(folder, name)
    if os.path.exists(log):
        pypy_profile = next((r for r in rows if r["python"] == "pypy"), None)
        if pypy_profile is not None:
            jitlog_row(pypy_profile, log)
        else:
            rows.append(jitlog_row(new_row(name, "pypy"), log))
        (pypy_profile or rows[-1])["jit_log_covers"] = JIT_LOG_COVERS
    if len(rows) == 1:   # the timed and recorded runs of the cell are this row's
        rows[0].update(recording_cost(folder, name))
    for row in rows:
        if row["python"] == "pypy":
            lines_row(row, folder, name, prof)
    return rows


def lines_row(row, folder, name, prof):
    """``row`` with the cell's time per source line from its run under perf (ev matrix
    --profile: LINES/CELL.json, traces.jit_perf's), its program's three hottest functions;
    or why there is none (the run's log says)."""
    stem = lines_stem(folder, name)
    if not os.path.exists(stem + ".json"):
        if os.path.exists(stem + ".log"):
            row["problems"].append("no time per source line: %s" % (
                result_file.log_error_line(stem + ".log") or "the run under perf failed"))
        return row
    try:
        with open(stem + ".json") as found:
            result = json.load(found)
        period = float(result["period"])
        project = ev_project(prof) if os.path.exists(prof) else None
        functions = []
        for function, data in result["functions"].items():
            parts = function_parts(function)
            if parts is None or (project and project.relative(parts[1]) is None):
                continue
            functions.append(function_lines(parts, data, period))
        functions.sort(key=lambda f: -f["seconds"])
        row["lines"] = {"functions": [f for f in functions[:3] if f["seconds"] >= 0.01],
                        "perf_samples": result["samples"],
                        "placed": result["jit"], "not_placed": result["broken"]
                        + result["unlocated"]}
    except (OSError, ValueError, KeyError, TypeError) as error:
        row["problems"].append("%s.json: not traces.jit_perf's result (%s)" % (stem, error))
    return row


def function_lines(parts, data, period):
    """One function of traces.jit_perf's result ((name, file, first line): function_parts):
    its seconds by part, and its lines'."""
    name, filename = qualified_name(parts[1], parts[0], parts[2]), parts[1]
    lines = []
    for line, parts in data["lines"].items():
        number = int(line) if line not in (None, "null", "None") else None
        lines.append({"line": number, "seconds": period * sum(parts.values()),
                      "parts": dict((p, period * n) for p, n in parts.items()),
                      "statement": statement(filename, number)})
    lines.sort(key=lambda entry: -entry["seconds"])
    totals = {}
    for entry in lines:
        for part, seconds in entry["parts"].items():
            totals[part] = totals.get(part, 0.0) + seconds
    return {"function": name, "file": filename, "seconds": period * data["samples"],
            "parts": totals, "lines": [entry for entry in lines[:5] if entry["seconds"] >= 0.005]}


def statement(filename, line):
    """The source line, stripped ('' when the file is not here: a root's path)."""
    if line is None:
        return ""
    return linecache.getline(filename, line).strip()


def profile_covers(folder, name):
    """Which generations the cell's profile covers, in words (ev.reporting.recordings)."""
    coverage = profile_coverage(folder, name)
    if coverage is None:
        return WHOLE_RUN + ", presumably (no matrix.json entry or recorded log says how it " \
                           "was recorded)"
    return coverage["covers"]


def new_row(name, interpreter):
    return {"cell": name, "python": interpreter, "problems": []}


def profile_row(name, prof):
    row = new_row(name, "?")
    try:
        profile = read_profile(prof, project=ev_project(prof))
        result = analyse_profile(profile)
        row["python"] = profile.interpreter
        row["sampler"] = profile.sampler
        if profile.cut_short:
            row["problems"].append("%s: cut short: the recording stopped before it finished "
                                   "(its whole samples are read)" % prof)
        selfs = dict((c["category"], c["self"]) for c in result["categories"])
        row["samples"] = result["samples"]
        row["seconds"] = result["runtime_seconds"]
        row["own_time"] = [r for r in result["own_time"]
                           if not r["function"].startswith("(")][:5]
        for column, members in COLUMNS:
            row[column] = sum(selfs.get(m, 0.0) for m in members)
    except (InputError, OSError) as error:
        row["problems"].append(str(error))
    return row


def ev_project(prof):
    """Whose code a cell's profile is, with ev's own category (its C evaluation) passed in:
    a recording from before ev.main wrote it beside the profile has it too."""
    return Project.for_profile(prof).with_extra((PROFILE_CATEGORY,))


def jitlog_row(row, log):
    """``row`` with the hot loop's per-iteration counts of the JIT log (a PyPy recording)."""
    row["python"] = "pypy"
    try:
        loop = analyse_jitlog(log)["loop"]
        counts = loop["body_counts"]
        row["hot_loop"] = loop["name"]
        row["ops_per_iteration"] = sum(counts.values())
        row["allocs_per_iteration"] = counts["alloc"]
        row["cpyext_per_iteration"] = counts["cpyext"]
        row["float_per_iteration"] = counts["float"]
        load = loop["bridge_load"]
        if load:
            row["bridge_runs_per_iteration"] = round(load["runs_per_iteration"], 3)
            row["ops_with_bridges"] = int(round(row["ops_per_iteration"]
                                                + load["ops_per_iteration"]))
    except (InputError, OSError) as error:
        row["problems"].append(str(error))
    return row


def markdown(rows):
    head = ["cell", "python", "samples", "recorded s"] + [c for c, _ in COLUMNS] + [
        "ops/iter", "allocs/iter", "cpyext ops/iter", "float ops/iter", "bridge runs/iter",
        "ops/iter with bridges", "s/gen timed", "s/gen recorded", "recording cost"]
    lines = ["| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
    for r in rows:
        cells = [r["cell"], r["python"], str(r.get("samples", "-")),
                 "%.1f" % r["seconds"] if r.get("seconds") else "-"]
        cells += [share(r[c], r.get("seconds")) if c in r else "-" for c, _ in COLUMNS]
        cells += [str(r.get(k, "-")) for k in ("ops_per_iteration", "allocs_per_iteration",
                                               "cpyext_per_iteration", "float_per_iteration",
                                               "bridge_runs_per_iteration", "ops_with_bridges")]
        cells += ["%.4g" % r[k] if k in r else "-" for k in ("timed_median", "recorded_median")]
        cells.append("%.2fx" % r["recording_overhead"] if "recording_overhead" in r else "-")
        lines.append("| " + " | ".join(cells) + " |")
    lines.append("")
    lines.append("Time shares are self time (the innermost frame) from each cell's profile "
                 "(vmprof, py-spy or austin), with seconds of the recorded run; C-API is CPython's C API on CPython, "
                 "cpyext (PyPy's emulation of it) on PyPy, where libpypy's own (stripped) "
                 "code is named by the frames that reached it: beneath a C-API function or a "
                 "C extension it is cpyext, beneath an interpreted Python frame the "
                 "interpreter; 'PyPy runtime, unnamed' is what no caller names (mostly "
                 "runtime functions JIT code calls), not JIT-compiled code. On CPython, py-spy "
                 "(the default) names the C functions a Python function calls but not the eval "
                 "loop's own work, and vmprof 0.6 loses the interrupted native frame: either "
                 "way the eval loop running a function counts as that function's time (see "
                 "traces/eval_frames.py). Per-iteration counts are the body of the hottest loop "
                 "of the program's own code in the PyPy JIT log (one environment step: one "
                 "run_step and one physics step); bridge runs/iter: how often an iteration leaves "
                 "that loop into one of its bridges, and ops/iter with bridges adds the bridges' "
                 "operations, per iteration. Recording cost: the recorded run's median seconds "
                 "per generation over the timed run's (same cell, same seed, all generations "
                 "but the first), the weight of the sampling and, on PyPy, of the JIT "
                 "log; the sampler samples only the generations its profile covers (below), the "
                 "JIT log runs throughout. It is one recorded run against the timed run of the "
                 "same round: a single ratio, with no repeat range; read it against the cell's "
                 "spread in report.md, by which its unrecorded rounds already differ.")
    lines += ["", "Which functions take the time: each cell's first five by own time (all that "
              "ran while the function was the innermost Python function: its JIT code, the "
              "runtime, GC, cpyext and native code beneath it; see docs/reading-traces.md):"]
    for r in rows:
        if r.get("own_time"):
            lines.append("- %s (%s): %s" % (r["cell"], r["python"], "; ".join(
                "%s %.1f%% (%s)" % (o["function"].split(" (")[0], 100 * o["own"], ", ".join(
                    "%s %.1f" % (part, 100 * v) for part, v in sorted(
                        o["parts"].items(), key=lambda kv: -kv[1]) if v >= 0.0005))
                for o in r["own_time"])))
    lines += lines_section(rows)
    lines.append("")
    lines.append("What each recording covers (a profile starts where the timed run it follows "
                 "reached steady state, by the rule of ev.common.stats.steady_start; a JIT log "
                 "cannot start late):")
    for r in rows:
        if "profile_covers" in r:
            lines.append("- %s (%s), profile: %s%s" % (
                r["cell"], r["python"], r["profile_covers"],
                "; recorded by %s" % r["sampler"] if r.get("sampler") else ""))
        if "jit_log_covers" in r:
            lines.append("- %s (%s), JIT log: %s" % (r["cell"], r["python"], r["jit_log_covers"]))
    for r in rows:
        for problem in r["problems"]:
            lines.append("- %s (%s): %s" % (r["cell"], r["python"], problem))
    return "\n".join(lines) + "\n"


def lines_section(rows):
    """The PyPy cells' time per source line (lines_row), as a table per cell."""
    found = [r for r in rows if r.get("lines")]
    if not found:
        return []
    out = ["", "Per source line of JIT code, from a second run of each PyPy cell under perf "
           "(`perf record -e cpu-clock`, its samples located through that run's own JIT log: "
           "the instruction in JIT code, or the call out of it a sample ran beneath; the whole "
           "run, warm-up included; the program's three hottest functions, those of 0.01 s and more, "
           "and their lines of 0.005 s and more; seconds of CPU):"]
    head = ["cell", "function / line", "statement", "seconds"] + [n for _, n in LINE_PARTS]
    for r in found:
        lines = r["lines"]
        out += ["", "%s: %d perf samples, %d placed in or beneath JIT code, %d that perf could "
                "not unwind to JIT code or the log does not locate (not placed)" % (
                    r["cell"], lines["perf_samples"], lines["placed"], lines["not_placed"]), "",
                "| " + " | ".join(head) + " |", "|" + " --- |" * len(head)]
        for function in lines["functions"]:
            out.append(line_row(r["cell"], "**%s**" % function["function"], "",
                                function["seconds"], function["parts"]))
            for line in function["lines"]:
                out.append(line_row("", "line %s" % (line["line"] or "? (no source position)"),
                                    "`%s`" % line["statement"] if line["statement"] else "",
                                    line["seconds"], line["parts"]))
    both = [two_methods(r) for r in found if two_methods(r)]
    if both:
        out += ["", "The two methods side by side (the profile's parts of a function's own "
                "time, steady state; perf's of its time in and beneath JIT code, whole run; "
                "perf files numpy's C code under numpy even where it works on cpyext's proxies, "
                "docs/reading-traces.md):"] + both
    return out


def two_methods(row):
    """A sentence setting the profile's cpyext and natives shares of the hottest function
    against perf's, when both name it ('' otherwise)."""
    first = row["lines"]["functions"][0] if row["lines"]["functions"] else None
    own = next((o for o in row.get("own_time") or ()
                if first and o["function"].split(" (")[0] == first["function"]), None)
    if not first or not own or not own["own"] or not first["seconds"]:
        return ""
    parts = own["parts"]
    if max(parts.get("cpyext", 0) / own["own"], first["parts"].get("cpyext", 0) /
           first["seconds"]) < 0.01:
        return ""
    return "- %s, %s: cpyext %.0f%% of its time by the profile, %.0f%% by perf; native " \
           "libraries %.0f%% and %.0f%%" % (
               row["cell"], first["function"], 100 * parts.get("cpyext", 0) / own["own"],
               100 * first["parts"].get("cpyext", 0) / first["seconds"],
               100 * parts.get("natives", 0) / own["own"],
               100 * first["parts"].get("natives", 0) / first["seconds"])


def line_row(cell, what, statement_text, seconds, parts):
    return "| " + " | ".join([cell, what, statement_text, "%.2f" % seconds] + [
        "%.2f" % parts.get(key, 0.0) for key, _ in LINE_PARTS]) + " |"


def share(fraction, seconds):
    if seconds:
        return "%.1f%% (%.2f s)" % (100 * fraction, fraction * seconds)
    return "%.1f%%" % (100 * fraction)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the table as JSON.")
def main(folder, as_json):
    """Compare the profiles and JIT logs of the cells of a run_all.sh --profile run."""
    names = cell_names(folder)
    if not names:
        click.echo("error: %s: no *.prof or *.jitlog recordings (run_all.sh --profile makes them)"
                   % folder, err=True)
        sys.exit(1)
    rows = [row for name in names for row in summarize_cell(folder, name)]
    click.echo(SUMMARY.dumps({"rows": rows}, indent=1) if as_json else markdown(rows))


if __name__ == "__main__":
    main()
