"""Which generations a recording of ``ev matrix --profile`` covers, said in words.

The matrix records each cell once more after its timed run, and its profile starts at the
first steady-state generation of that timed run (matrix.json's ``recordings`` entry:
``profile_from`` and ``round``); the recorded run's log (CELL.recorded.log) says where the
profile started ("# profiling with vmprof into F from generation N") and which generation was
its last.  Folders from before ``profile_from`` recorded the whole run, warm-up included.  A JIT
log always covers the whole run: PyPy reads PYPYLOG when it starts.
"""
import json
import os
import re

PROFILING_LINE = re.compile(r"^# profiling with vmprof into .* from generation (\d+) \(")
GENERATION_LINE = re.compile(r"^Generation +(\d+):")
WHOLE_RUN = "the whole run, warm-up included"
JIT_LOG_COVERS = ("totals over the whole run, warm-up included (PyPy reads PYPYLOG when it "
                  "starts, so a JIT log cannot start late); the ops per iteration of a "
                  "compiled loop are the loop's, whenever it ran")


def recording_entry(folder, cell):
    """matrix.json's last ``recordings`` entry of the cell, or None (no matrix.json, an
    unreadable one, or no such entry)."""
    try:
        with open(os.path.join(folder, "matrix.json")) as handle:
            recordings = json.load(handle).get("recordings") or []
        found = [r for r in recordings if isinstance(r, dict) and r.get("cell") == cell]
    except (OSError, ValueError, AttributeError, TypeError):   # not ev matrix's file
        return None
    return found[-1] if found else None


def logged_span(log):
    """(first profiled generation or None, last generation or None) as the recorded run's
    log says them; (None, None) without a log."""
    first = last = None
    try:
        with open(log, errors="replace") as lines:
            for line in lines:
                profiling = PROFILING_LINE.match(line)
                if profiling:
                    first = int(profiling.group(1))
                generation = GENERATION_LINE.match(line)
                if generation:
                    last = int(generation.group(1))
    except OSError:
        pass
    return first, last


def profile_coverage(folder, cell):
    """{"profile_from": N or None, "last": generation or None, "round": R or None,
    "covers": one phrase} for the recording of ``cell`` in a results folder, or None when
    nothing says how the profile was recorded (no matrix.json entry and no CELL.recorded.log:
    a profile made by hand)."""
    entry = recording_entry(folder, cell)
    log = os.path.join(folder, cell + ".recorded.log")
    if entry is None and not os.path.exists(log):
        return None
    logged_from, last = logged_span(log)
    steady = entry.get("profile_from") if entry else None
    round_number = entry.get("round") if entry else None
    if isinstance(steady, int) and not isinstance(steady, bool):
        covers = "generations %s: steady state, as the timed run of round %s found it" % (
            generations(steady, last), round_number if round_number is not None else "?")
        start = steady
    elif logged_from:
        covers = "generations %s (recorded from --profile-from %d)" % (
            generations(logged_from, last), logged_from)
        start = logged_from
    else:
        covers = WHOLE_RUN + ("" if last is None else " (generations 0-%d)" % last)
        start = None
    return {"profile_from": start, "last": last, "round": round_number, "covers": covers}


def generations(first, last):
    if last is None:
        return "%d on" % first
    return "%d" % first if first == last else "%d-%d" % (first, last)
