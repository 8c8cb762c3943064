"""Each Python function's own time: what ran while it was the innermost Python frame.

On PyPy a Python function almost never is the innermost frame of a sample: below it run the
JIT's machine code, the runtime (interpreter, tracer, GC), cpyext and native libraries.  A
profiler that ranks by the innermost frame ("self time") then names no function of the
program at all.  Here a sample belongs to the innermost Python function on its stack -- all
that runs beneath it, which no other Python function owns, is its own -- split by what that
was (the innermost frame's kind and category):

  JIT code    machine code the JIT compiled (on PyPy, with its JIT log, named per loop/bridge)
  runtime     the interpreter and the rest of the runtime (on PyPy: interpreting, tracing and
              compiling during warm-up, unnamed libpypy code)
  GC          allocation and garbage collection
  cpyext      the C-API (PyPy's cpyext emulation; CPython's C functions)
  natives     native libraries (numpy, BLAS, libc, ...)
"""
import collections

from traces.categories import (ALLOC_GC, CAPI, CALLS, INTERPRETER, PROJECT, PYPY_RUNTIME,
                               UNKNOWN, categorize)
from traces.processors import display_name, launched_samples
from traces.samples import GC, JIT, PY

PARTS = ("JIT code", "runtime", "GC", "cpyext", "natives", "library")


def part_of(frames, owner_index):
    """Which part of its owner's time a sample is (see PARTS)."""
    leaf = frames[-1]
    if owner_index == len(frames) - 1:
        return "runtime"            # the interpreter running the function's bytecode
    if categorize(leaf) == CAPI:
        return "cpyext"     # a C-API call's own work, Python code PyPy runs for it included
    if any(f.kind == JIT for f in frames[owner_index + 1:]) and leaf.kind == JIT:
        return "JIT code"
    if leaf.kind == GC:
        return "GC"
    category = categorize(leaf)
    if category == ALLOC_GC:
        return "GC"
    if category == CAPI:
        return "cpyext"
    if leaf.kind == JIT:
        return "JIT code"
    if category in (PYPY_RUNTIME, INTERPRETER, UNKNOWN, CALLS):
        return "runtime"
    if leaf.kind == PY:
        return "library"    # Python code of the standard library or a package it called
    return "natives"


OUTSIDE = "(outside the program: standard library, packages, start-up)"


def own_time(profile, top=15):
    """See ranked_own_time; when no function of the project had a sample (a program run as
    ``-m module`` from another folder, a profile read without its project), every function
    is ranked, so that the ranking still names functions."""
    rows = ranked_own_time(profile, top, lambda frame: categorize(frame) == PROJECT)
    if len(rows) == 1 and rows[0]["function"] == OUTSIDE:
        return ranked_own_time(profile, top, lambda frame: True)
    return rows


def ranked_own_time(profile, top, is_program):
    """[{function, own, total, parts: {part: share}, traces: [{trace, share}]}]: the
    program's own functions ranked by own time, then one row for all the rest (the innermost
    Python function not the program's); shares of the profile's weight."""
    own = collections.defaultdict(collections.Counter)
    total = collections.Counter()
    traces = collections.defaultdict(collections.Counter)
    for frames, weight in launched_samples(profile):
        # the innermost of the program's functions: what it calls in the standard library
        # (PyPy's sorted() is Python code there) is its time, as C code called is on CPython
        owner_index = max((i for i, f in enumerate(frames) if is_owner(f) and is_program(f)),
                          default=None)
        if owner_index is None:
            owner_index = max((i for i, f in enumerate(frames) if is_owner(f)), default=None)
        if owner_index is None:
            own[OUTSIDE][part_of_unowned(frames)] += weight
            total[OUTSIDE] += weight
            continue
        owner = frames[owner_index]
        name = display_name(owner) if is_program(owner) else OUTSIDE
        own[name][part_of(frames, owner_index)] += weight
        jit = [f for f in frames[owner_index + 1:] if f.kind == JIT]
        if jit:
            traces[name][jit[-1].name] += weight
        for label in set(display_name(f) for f in frames
                         if f.kind == PY and is_program(f)):
            total[label] += weight
        if name == OUTSIDE:
            total[OUTSIDE] += weight
    all_weight = float(profile.total_weight) or 1.0
    mixes = trace_mixes(profile)
    ranked = sorted((n for n in own if n != OUTSIDE), key=lambda n: -sum(own[n].values()))
    ranked = ranked[:top] + ([OUTSIDE] if OUTSIDE in own else [])
    return [{"function": n, "own": sum(own[n].values()) / all_weight,
             "total": total[n] / all_weight,
             "parts": dict((p, own[n][p] / all_weight) for p in PARTS if own[n][p]),
             "traces": [dict({"trace": t, "share": w / all_weight},
                             **mostly_other(n, mixes.get(t)))
                        for t, w in traces[n].most_common(3)]}
            for n in ranked]


def trace_mixes(profile):
    """{trace label: {function: share of its operations}} from the JIT log read with a PyPy
    profile ({} without one)."""
    from traces.trace_counts import operations_by_function
    from traces.trace_names import trace_label
    corrector = getattr(getattr(profile, "jit", None), "corrector", None)
    if corrector is None:
        return {}
    return dict((trace_label(t), operations_by_function(t))
                for t in corrector.jit_map.log.traces)


def mostly_other(owner, mix):
    """{"operations": [(function, share)]} when most of a trace's operations are another
    function's than the one its samples are charged to: vmprof's stack names the functions
    the codemap knows at the block's start, and code inlined past it (a generator resumed
    in the loop) is charged to the loop's function."""
    if not mix:
        return {}
    top = max(mix, key=mix.get)
    short = owner.split(" (", 1)[0].rsplit(".", 1)[-1]
    if top == short or mix[top] <= 0.5:
        return {}
    return {"operations": sorted(mix.items(), key=lambda item: -item[1])[:2]}


def is_owner(frame):
    """A Python function that owns the time beneath it: not Python code PyPy runs on a C
    extension's behalf (a C-API helper: traces.runtime_names), which is that call's."""
    return frame.kind == PY and frame.category != CAPI


def part_of_unowned(frames):
    return part_of(frames, -1)


def render_own_time(rows, seconds=None):
    """The ranking as text lines."""
    out = ["%6s %6s %7s %s  %s" % ("own", "total", "own s", " ".join(
        "%7s" % p.split()[0] for p in PARTS), "function")]
    indent = " " * (out[0].index("function") - 2)   # trace lines sit under the function
    for row in rows:
        parts = " ".join("%6.1f%%" % (100 * row["parts"].get(p, 0.0)) for p in PARTS)
        out.append("%5.1f%% %5.1f%% %7s %s  %s" % (
            100 * row["own"], 100 * row["total"],
            "-" if seconds is None else "%.2f" % (row["own"] * seconds), parts,
            row["function"][:80]))
        for trace in row["traces"]:
            out.append("%s %5.1f%% in %s" % (indent, 100 * trace["share"],
                                              trace["trace"][:90]))
            if trace.get("operations"):
                out.append("%s  whose operations are %s: code inlined into the trace, "
                           "charged to its function" % (indent, " and ".join(
                               "%.0f%% %s's" % (100 * share, function)
                               for function, share in trace["operations"])))
    return out


def render_attribution(jit):
    """What the JIT log did to the samples, in a sentence or two (``jit``: its to_json())."""
    if jit is None:
        return []
    if jit["why_not"]:
        return ["JIT code is one blob here: %s." % jit["why_not"]]
    counts = jit["counts"]
    def share(what):
        return "%d samples" % counts.get(what, {"samples": 0})["samples"]
    return ["JIT code named through %s: %s of %s ran in JIT code, each named by its loop or "
            "bridge; their chains of inlined functions were checked against the log: %s "
            "corrected (a frame the log says could not be there: a return address read past "
            "its call, a stale frame of code that had returned, an inlined function the "
            "codemap left open; or a frame missing where the log shows a call, put back by "
            "the program's source: %s), %s uncertain (several calls could have made the frame "
            "inside: cut to what they share), %s in code the log does not locate (kept as "
            "recorded)."
            % (jit["jit_log"], share("in_jit"), share("samples"), share("changed"),
               share("put_back"), share("uncertain"), share("unmapped"))] + \
        no_jit_code(jit) + uncertainty(counts) + missing_frames(jit, counts)


def missing_frames(jit, counts):
    """The corrected samples whose stacks still lack a frame, by the program's source."""
    missing = jit.get("missing")
    put_back = counts.get("put_back", {"samples": 0})["samples"]
    if missing and not missing["samples"] and put_back:
        return ["No frame still missing by the program's source; the %d samples that had one "
                "put back by it are not checked by it again (checked against another "
                "sampler: docs/reading-traces.md)." % put_back]
    if not missing or not missing["samples"]:
        return []
    total = float(counts["samples"]["samples"] or 1)
    caller, callee, _ = missing["pairs"][0]
    twice = " (a function above itself that never calls itself can also be one frame shown " \
            "twice, a stale one kept)" if caller == callee else ""
    return ["Still missing a frame, by the program's source: %d samples (%.1f%%) have a "
            "function directly above one its body never mentions (most: %s above %s): a "
            "function the JIT inlined or entered through a call into code not compiled yet is "
            "missing between them%s, so that function's total is low by up to that share (an "
            "upper bound: a call the source makes under another name counts too)."
            % (missing["samples"], 100 * missing["samples"] / total, caller, callee, twice)]


def no_jit_code(jit):
    """A PyPy profile with no sample in JIT code although the log compiled loops that ran."""
    if jit["counts"]["in_jit"]["samples"] or not jit.get("loops_ran"):
        return []
    return ["No sample ran in JIT code, though the JIT log counts %d compiled loops that ran: "
            "vmprof on PyPy sees JIT code only through native frames, which it records only "
            "when it can load libunwind (apt-get install libunwind8 where the program ran; "
            "traces.record says 'no native frames' when it cannot). The JIT code's time is "
            "charged to the Python functions it ran for, as runtime." % jit["loops_ran"]]


def uncertainty(counts):
    """What uncertain samples do to the shares, when there are enough to matter."""
    part = counts["uncertain"]["samples"] / float(counts["samples"]["samples"] or 1)
    if part < 0.05:
        return []
    return ["%.0f%% of the samples are uncertain: each is charged to the function its "
            "possible chains share, so an inlined function's own share may truly be up to %.0f "
            "points more than shown, and that shared caller's as much less." % (
                100 * part, 100 * part)]


def warm_up(rows, seconds, jit):
    """The runtime part of the profile (interpreter, tracer, unnamed libpypy) set against
    what the JIT log's summary accounts for: tracing and compiling (backend) seconds.  None
    without both."""
    summary = (jit or {}).get("jit_summary") or {}
    if not seconds or "Tracing" not in summary:
        return None
    runtime = sum(row["parts"].get("runtime", 0.0) for row in rows) * seconds
    tracing, backend = float(summary["Tracing"]), float(summary.get("Backend", 0.0))
    return {"runtime_seconds": runtime, "tracing_seconds": tracing,
            "backend_seconds": backend,
            "rest_seconds": max(0.0, runtime - tracing - backend),
            "total_seconds": summary.get("TOTAL")}


def render_warm_up(found):
    if found is None:
        return []
    accounted = found["tracing_seconds"] + found["backend_seconds"]
    runtime = found["runtime_seconds"]
    head = ("runtime, not JIT code: the part above is %.2f s; the JIT log's summary times "
            "its warm-up, tracing at %.2f s and compiling (backend) at %.2f s" % (
                runtime, found["tracing_seconds"], found["backend_seconds"]))
    if accounted > runtime:
        return [head + ", more than that part: the run's seconds are estimated from its "
                "samples, and the JIT traces and compiles code a sample places elsewhere "
                "(a function's JIT code calling the tracer)."]
    return [head + " (%.0f%% of it).  The rest, %.2f s, is the interpreter running code before "
            "it is compiled or on paths never compiled, leaving JIT code at failing guards "
            "(blackhole), the built-in functions interpreted code calls (sorting, searching, "
            "regular expressions: libpypy is stripped, so a sample cannot tell them from the "
            "interpreter), and the GC, none of which the JIT log times." % (
                100 * accounted / (runtime or 1e-9), found["rest_seconds"])]
