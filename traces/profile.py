"""python -m traces.profile PROF [--json] [--speedscope F] [--flame F.png]: where the time went.

Reads a recording of any sampler traces.record runs (vmprof, py-spy, austin: traces.model) and
attributes its samples, self (the innermost frame) and total (anywhere on the stack), to
categories: the program's own code, numpy's Python layer, native numpy/BLAS, CPython's C by
what it does (calls, attribute lookup, arithmetic on boxed numbers, containers, import and
compile, the eval loop) or cpyext, allocation and GC, JIT-compiled code, and the rest.
"""
import collections
import json
import os
import sys

import click

from traces import atomic
from traces.categories import (CATEGORIES, all_categories, categorize, package_of,
                               project_file, title)
from traces.own_time import (own_time, render_attribution, render_own_time, render_warm_up,
                             warm_up)
from traces.errors import InputError
from traces.processors import display_name, launched_samples, only_under
from traces.profile_reader import read_profile
from traces.project import Project


def analyse(profile, top=15):
    self_weight = collections.Counter()
    total_weight = collections.Counter()
    func_self = collections.Counter()
    func_total = collections.Counter()
    by_project_file = collections.Counter()
    by_package = collections.Counter()
    lines = collections.defaultdict(collections.Counter)
    for frames, weight in launched_samples(profile):
        self_weight[categorize(frames[-1])] += weight
        for category in set(categorize(f) for f in frames):
            total_weight[category] += weight
        func_self[display_name(frames[-1])] += weight
        for label in set(display_name(f) for f in frames):
            func_total[label] += weight
        innermost = next((p for p in map(project_file, reversed(frames)) if p), None)
        if innermost:
            by_project_file[innermost] += weight
        for package in set(filter(None, (package_of(f.filename) for f in frames
                                         if f.kind == "py"))):
            by_package[package] += weight
        if frames[-1].at_line is not None:
            lines[display_name(frames[-1])][frames[-1].at_line] += weight
    all_weight = float(profile.total_weight) or 1.0
    return {
        "profile": profile.path,
        "interpreter": profile.interpreter,
        "samples": profile.samples_taken,
        "periods": stamped_periods(profile),
        "runtime_seconds": profile.runtime_seconds,
        "libraries_resolved": profile.has_maps,
        "eval_entry_folded": profile.folded_weight / all_weight,
        "categories": [{"category": c, "title": title(c, profile.interpreter),
                        "self": self_weight[c] / all_weight,
                        "total": total_weight[c] / all_weight}
                       for c in all_categories(getattr(profile.project, "extra", ()))
                       if c in CATEGORIES or total_weight[c]],
        "project_files": [{"file": f, "total": w / all_weight}
                          for f, w in by_project_file.most_common()],
        "top_self": [{"function": f, "self": w / all_weight, "total": func_total[f] / all_weight}
                     for f, w in func_self.most_common(top)],
        "top_total": [{"function": f, "total": w / all_weight}
                      for f, w in func_total.most_common(top)],
        "packages": [{"package": p, "total": w / all_weight} for p, w in by_package.most_common()],
        "lines": dict((f, [{"line": n, "self": w / all_weight}
                           for n, w in sorted(lines[f].items())])
                      for f, _ in func_self.most_common(top) if f in lines),
        "project": profile.project.to_json() if profile.project else None,
        "cut_at_depth_limit": profile.cut_weight / all_weight,
        "cut_samples": profile.cut_samples,
        "reused_addresses": [{"functions": names, "total": w / all_weight}
                             for names, w in profile.reused],
        "own_time": own_time(profile, top),
        "jit_attribution": profile.jit.to_json() if getattr(profile, "jit", None) else None,
        "sampler": profile.sampler,
        "cut_short": profile.cut_short,
        "native_frames": profile.native,
        "notes": list(profile.notes),
    }


CPYTHON_NOTE = (
    "note: on CPython, vmprof loses the native frame a sample interrupted (measured on "
    "3.11).  Samples that ended in the C call that entered the eval loop (_PyObject_Call > _PyEval_Vector), %.1f%% "
    "here, are the interpreter running the Python function above: counted as its own time.  "
    "C functions called straight from the eval loop (float allocation, PyFloat_FromDouble) "
    "count as the Python function's time too, and a C function's self time is its callees' "
    "(traces/eval_frames.py).")


PY_SPY_NOTE = (
    "note: py-spy samples from outside the process; it names the C functions a Python "
    "function calls (unicode_split, math_sqrt, an extension's, libc's), not the interpreter's "
    "own work between them: the eval loop, attribute lookup and float allocation count as "
    "the Python function's own time.")
AUSTIN_NOTE = ("note: austin records Python frames only: C time counts as the Python "
               "function that called it.")
PERF_NOTE = (
    "note: perf samples from the kernel, outside the process: native frames are named where "
    "their library keeps its symbols (numpy's, libc's, the interpreter's exported functions); "
    "the interpreter's unnamed C (the eval loop running a function's bytecode, its static "
    "functions) counts as the Python function's own time; no line numbers.")
VMPROF_NO_NATIVE = (
    "note: vmprof recorded no native frames (vmprof 0.6 records none on CPython 3.12+): C time "
    "(numpy, libc, the interpreter's own) counts as the Python function that called it; "
    "record with --sampler perf to name it.")
PY_SPY_NO_NATIVE = (
    "note: py-spy samples from outside the process; recorded without native frames (record "
    "with --native to name them; on CPython 3.14+, with --sampler perf): C time counts as "
    "the Python function that called it.")

STDLIB_NOTE = (
    "note: profiling.sampling (CPython 3.15's own sampler) samples from outside the process; "
    "it names no C function: C time counts as the Python function that called it; <GC> is "
    "the garbage collector running.")


def shorten(name, width):
    """'function (path:line)' in ``width`` characters: the function and the end of its path
    (its line number) kept, the path's start elided."""
    if len(name) <= width or " (" not in name:
        return name[:width]
    function, where = name.split(" (", 1)
    room = width - len(function) - 5   # " (..."
    return "%s (...%s" % (function, where[-room:]) if room > 8 else name[:width]


def render(result):
    seconds = result["runtime_seconds"]
    out = ["%s: %s profile recorded by %s, %d samples%s" % (
        result["profile"], result["interpreter"], result["sampler"], result["samples"],
        "" if seconds is None else ", %.2f s" % seconds)]
    if result["cut_short"]:
        out.append("cut short: the recording stopped before it was finished; its %d whole "
                   "samples are read" % result["samples"])
        if result["sampler"] == "vmprof" and result["interpreter"] == "cpython":
            out.append("warning: vmprof on CPython writes the names of the program's functions "
                       "when it stops: in one that ended early, functions made after it "
                       "started are unnamed, and a name read at a reused address may be "
                       "another function's; the names below cannot be trusted")
    if result.get("covers"):
        out.append("covers %s" % result["covers"])
    if "under" in result:
        out.append("only the samples under %s(): %.1f%% of the run; the shares below are "
                   "of its time" % (result["under"], 100 * result["share_of_run"]))
        if result["cut_left_out"]:
            out.append("warning: %.1f%% of the run's samples reached the recorder's depth "
                       "limit and lost their outer frames: whether they ran under %s() cannot "
                       "be told, so they are not counted here"
                       % (100 * result["cut_left_out"], result["under"]))
    if not result["libraries_resolved"] and result["sampler"] == "vmprof":
        out.append("(no .maps file beside the profile: unnamed native frames stay unknown; %s)"
                   % ("the recording stopped before traces.record wrote it"
                      if result["cut_short"] else
                      "record with python -m traces.record to name them"))
    out += warnings(result)
    if result["interpreter"] == "pypy":    # self time names no Python function there
        out += ["", "the program's functions by their own time (all that ran while each was "
                "the innermost of the program's functions, the standard library and packages "
                "it called included), split by what ran:"]
        out += render_own_time(result["own_time"], seconds)
        out += render_attribution(result["jit_attribution"])
        out += render_warm_up(warm_up(result["own_time"], seconds, result["jit_attribution"]))
    out += ["", "%-70s %7s %8s %7s" % ("category", "self", "self s", "total")]
    for row in result["categories"]:
        if row["self"] or row["total"]:
            out.append("%-70s %6.1f%% %8s %6.1f%%" % (
                row["title"][:70], 100 * row["self"],
                "-" if seconds is None else "%.2f" % (row["self"] * seconds),
                100 * row["total"]))
    if result["packages"]:
        out += ["", "installed packages on the stack (total):"]
        out += ["  %-50s %6.1f%%" % (row["package"], 100 * row["total"])
                for row in result["packages"][:10]]
    if result["project_files"]:
        out += ["", "project code, by the innermost project file on the stack:"]
        for row in result["project_files"]:
            out.append("  %-50s %6.1f%%" % (row["file"], 100 * row["total"]))
    out += ["", "top functions by self time:", "%7s %7s  %s" % ("self", "total", "function")]
    for row in result["top_self"]:
        out.append("%6.1f%% %6.1f%%  %s" % (100 * row["self"], 100 * row["total"],
                                            shorten(row["function"], 100)))
    if result["lines"]:
        out += ["", "lines of the top functions (self time, by the line each sample was at):"]
        for function, rows in result["lines"].items():
            out.append("  %s: %s" % (shorten(function, 60), ", ".join(
                "line %s %.1f%%" % (row["line"], 100 * row["self"])
                for row in sorted(rows, key=lambda r: -r["self"])[:6])))
    if result["interpreter"] == "cpython" and result["sampler"] == "vmprof":
        out += ["", CPYTHON_NOTE % (100 * result["eval_entry_folded"]) if result[
            "native_frames"] else VMPROF_NO_NATIVE]
    elif result["sampler"] == "perf":
        out += ["", PERF_NOTE]
    elif result["sampler"] == "py-spy":
        out += ["", PY_SPY_NOTE if result["native_frames"] else PY_SPY_NO_NATIVE]
    elif result["sampler"] == "austin":
        out += ["", AUSTIN_NOTE]
    elif result["sampler"] == "profiling.sampling":
        out += ["", STDLIB_NOTE]
    out += ["note: %s" % note for note in result["notes"]]
    return "\n".join(out)


def function_names(names):
    """'kernel_0, kernel_1, ..., kernel_11' from vmprof's 'py:kernel_0:5:file' names."""
    functions = [n.split(":", 3)[1] if n.count(":") >= 3 else n for n in names]
    return functions if len(functions) <= 4 else functions[:2] + ["..."] + functions[-1:]


SHARED = "functions shared this code address]"


def shown_shared(result):
    """Whether a function the report lists is several that shared a code address: only then
    does the warning about shared addresses change a figure the reader sees."""
    return any(SHARED in row["function"] for row in result["top_self"] + result["top_total"])


def stamped_periods(profile):
    """The timer periods a vmprof profile's samples stand for, when vmprof stamped them (file
    format 7: PyPy 8.0's _vmprof, vmprof 0.6 on CPython) and its reader weighted each by the
    time since the one before; None when every sample is one period (PyPy 7.3's format 6)."""
    if getattr(profile, "sampler", None) != "vmprof" or profile.sample_count is not None:
        return None
    if all(w == 1 for _, w in profile.samples):
        return None
    return profile.total_weight


def warnings(result):
    """What the recording could not see, said before the figures it distorts."""
    out = []
    periods, samples = result.get("periods"), result["samples"]
    if periods and samples and periods > 1.05 * samples:
        out.append("samples weighted by wall-clock time: vmprof stamped each, and a sample "
                   "stands for the time since the one before (at least one period): %d samples "
                   "stand for %.0f periods (%+.0f%%), the extra being time the program waited "
                   "for a CPU (a busy machine) or a late signal, charged to the sample after "
                   "the wait; the shares below are of wall-clock time, not CPU time"
                   % (samples, periods, 100.0 * (periods / samples - 1)))
    if result["cut_at_depth_limit"]:
        out.append("warning: %d samples (%.1f%% of the time) reached the recorder's depth "
                   "limit (vmprof keeps ~1,017 stack entries): their outer frames are missing, "
                   "so the time of the functions that called them is undercounted"
                   % (result["cut_samples"], 100 * result["cut_at_depth_limit"]))
    reused = result["reused_addresses"]
    if reused and shown_shared(result):
        out.append("warning: %d code addresses on the stacks belonged to several functions one "
                   "after another (code freed and another made there): the profile cannot "
                   "tell those functions' samples apart, they show as one ('a or b [N "
                   "functions shared this code address]'); the most used: %s" % (
                       len(reused), "; ".join("%s (%.1f%%)" % (
                           ", ".join(function_names(row["functions"])), 100 * row["total"])
                           for row in reused[:3])))
    return out


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("prof", type=click.Path(dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the findings as JSON.")
@click.option("--speedscope", type=click.Path(dir_okay=False),
              help="Write the samples as speedscope JSON (open at speedscope.app or offline).")
@click.option("--flame", type=click.Path(dir_okay=False), help="Write a flame graph (PNG).")
@click.option("--top", default=15, show_default=True, help="Functions to list.")
@click.option("--under", metavar="FUNCTION",
              help="Only the time spent in a Python function and its callees (e.g. run_step, "
                   "or Scene.render).")
@click.option("--project", "projects", multiple=True, type=click.Path(file_okay=False),
              help="A folder of the program's own code (repeatable) [default: as recorded by "
                   "traces.record, else ev's packages].")
@click.option("--covers", metavar="TEXT",
              help="Which part of the run the recording covers, in words, shown under the "
                   "header (ev's matrix passes the generations its recording covers).")
def main(prof, as_json, speedscope, flame, top, under, projects, covers):
    """Attribute a recording's time (vmprof, py-spy, austin) to categories and functions."""
    try:
        profile = read_profile(prof, project=Project(projects) if projects else None)
    except InputError as error:
        click.echo("error: %s" % error, err=True)
        sys.exit(1)
    if under:
        whole = profile
        profile, share = only_under(profile, under)
        if not profile.samples:
            click.echo("error: %s: no sample has a Python frame named %s%s" % (
                prof, under, "" if not whole.cut_weight else
                "; but %.1f%% of the samples reached the recorder's depth limit and lost "
                "their outer frames: %s may be among them" % (
                    100 * whole.cut_weight / whole.total_weight, under)), err=True)
            sys.exit(1)
    result = analyse(profile, top)
    result["covers"] = covers
    if under:
        result.update(under=under, share_of_run=share,
                      cut_left_out=whole.cut_weight / float(whole.total_weight or 1.0))
    try:
        click.echo(json.dumps(result, indent=1) if as_json else render(result))
    except BrokenPipeError:  # piped into head: the reader stopped reading, not an error
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    try:
        if speedscope:
            from traces.export import write_speedscope
            write_speedscope(profile, speedscope)
            click.echo("speedscope profile written to %s" % speedscope, err=True)
        if flame:
            from traces.export import write_flame_graph
            write_flame_graph(profile, flame)
            click.echo("flame graph written to %s" % flame, err=True)
    except OSError as error:
        click.echo("error: %s" % atomic.describe(error), err=True)
        sys.exit(1)


if __name__ == "__main__":
    main()
