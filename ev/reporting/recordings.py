"""The recordings of ``ev matrix --profile``, read from records: which generations each profile
covers, and what recording cost (the recorded run's steady median against its timed run's).

The matrix records each cell once more after its timed run, and its profile starts at the
first steady-state generation of that timed run (matrix.json's ``recordings`` entry:
``profile_from`` and ``round``).  The recorded run writes records like any other
(CELL.recorded.jsonl: its run record's ``profile_from``, its generations); both figures come
from them and from the timed run's records, never from what a run printed.  A folder written
before recorded runs wrote records keeps only the recorded run's printed log
(CELL.recorded.log): for such a folder alone its two lines are read (``old_log_span``,
``old_log_median``).  A JIT log always covers the whole run: PyPy reads PYPYLOG when it starts.
"""
import glob
import os
import re

from ev.common.formats import UnknownFormat
from ev.common.stats import steady_median
from ev.store import matrix_json
from ev.store.records import GenerationRecord, RunRecord, read_records

WHOLE_RUN = "the whole run, warm-up included"
RECORDED_RECORDS = "%s.recorded.jsonl"   # a cell's recorded run's records
RECORDED_LOG = "%s.recorded.log"         # what it printed (read only in older folders)


def recording_entry(folder, cell):
    """matrix.json's last ``recordings`` entry of the cell, or None (no matrix.json, one that is
    not ev's, or no such entry)."""
    try:
        recordings = matrix_json.read(os.path.join(folder, matrix_json.NAME)).get("recordings")
    except (OSError, matrix_json.NotAMatrix, UnknownFormat):
        return None
    found = [r for r in recordings or [] if isinstance(r, dict) and r.get("cell") == cell]
    return found[-1] if found else None


def last_run(path):
    """(RunRecord, its GenerationRecords) of the last run in a records file; (None, [])
    when there is none or the file cannot be read."""
    try:
        records, _ = read_records(path)
    except OSError:
        return None, []
    runs = [r for r in records if isinstance(r, RunRecord)]
    if not runs:
        return None, []
    last = runs[-1].run
    return runs[-1], [r for r in records if isinstance(r, GenerationRecord) and r.run == last]


def timed_median(path):
    """The steady median seconds per generation of the last run in a records file, or None."""
    seconds = [g.seconds for g in last_run(path)[1]]
    return steady_median(seconds) if seconds else None


def recorded_span(folder, cell):
    """(first profiled generation or None, last generation or None) of the cell's recorded
    run: from its records, or from an older folder's log."""
    run, generations = last_run(os.path.join(folder, RECORDED_RECORDS % cell))
    if run is not None:
        last = generations[-1].generation if generations else None
        return run.profile_from or None, last
    return old_log_span(os.path.join(folder, RECORDED_LOG % cell))


def recorded_median(folder, cell):
    """The recorded run's steady median seconds per generation (the rule of timed_median),
    from its records; from an older folder's log, the median it printed."""
    path = os.path.join(folder, RECORDED_RECORDS % cell)
    if os.path.exists(path):
        return timed_median(path)
    return old_log_median(os.path.join(folder, RECORDED_LOG % cell))


def profile_coverage(folder, cell):
    """{"profile_from": N or None, "last": generation or None, "round": R or None,
    "covers": one phrase} for the recording of ``cell`` in a results folder, or None when
    nothing says how the profile was recorded (no matrix.json entry, no records or log of a
    recorded run: a profile made by hand)."""
    entry = recording_entry(folder, cell)
    if entry is None and not any(os.path.exists(os.path.join(folder, name % cell))
                                 for name in (RECORDED_RECORDS, RECORDED_LOG)):
        return None
    recorded_from, last = recorded_span(folder, cell)
    steady = entry.get("profile_from") if entry else None
    round_number = entry.get("round") if entry else None
    if isinstance(steady, int) and not isinstance(steady, bool):
        covers = "generations %s: steady state, as the timed run of round %s found it" % (
            generations(steady, last), round_number if round_number is not None else "?")
        start = steady
    elif recorded_from:
        covers = "generations %s (recorded from --profile-from %d)" % (
            generations(recorded_from, last), recorded_from)
        start = recorded_from
    else:
        covers = WHOLE_RUN + ("" if last is None else " (generations 0-%d)" % last)
        start = None
    return {"profile_from": start, "last": last, "round": round_number, "covers": covers}


def generations(first, last):
    if last is None:
        return "%d on" % first
    return "%d" % first if first == last else "%d-%d" % (first, last)


def recording_cost(folder, cell):
    """{"timed_median", "recorded_median", "recording_overhead"} for what is known."""
    timed = timed_median(timed_file(folder, cell))
    recorded = recorded_median(folder, cell)
    found = {}
    if timed is not None:
        found["timed_median"] = timed
    if recorded is not None:
        found["recorded_median"] = recorded
    if timed and recorded:
        found["recording_overhead"] = recorded / timed
    return found


def timed_file(folder, cell):
    """The timed results of the round the cell was recorded in: a ratio within one round."""
    entry = recording_entry(folder, cell)
    if entry is not None and isinstance(entry.get("round"), int):
        return os.path.join(folder, "%s.r%d.jsonl" % (cell, entry["round"]))
    pattern = re.compile(re.escape(cell) + r"\.r(\d+)\.jsonl$")
    found = [(int(match.group(1)), path) for path in glob.glob(
        os.path.join(glob.escape(folder), glob.escape(cell) + ".r*.jsonl"))
        for match in [pattern.search(os.path.basename(path))] if match]
    return max(found)[1] if found else os.path.join(folder, cell + ".jsonl")


# Folders from before recorded runs wrote records: what their log says, the one place its
# lines are read.
OLD_PROFILING_LINE = re.compile(r"^# profiling with \S+ into .* from generation (\d+) \(")
OLD_GENERATION_LINE = re.compile(r"^Generation +(\d+):")
OLD_MEDIAN_LINE = re.compile(r"^# (\d+) generations?, median ([0-9.]+) secs/generation")


def old_log_lines(path):
    try:
        with open(path, errors="replace") as lines:
            return lines.read().splitlines()
    except OSError:
        return []


def old_log_span(path):
    first = last = None
    for line in old_log_lines(path):
        profiling = OLD_PROFILING_LINE.match(line)
        if profiling:
            first = int(profiling.group(1))
        generation = OLD_GENERATION_LINE.match(line)
        if generation:
            last = int(generation.group(1))
    return first, last


def old_log_median(path):
    for line in old_log_lines(path):
        match = OLD_MEDIAN_LINE.match(line)
        if match:
            return float(match.group(2))
    return None
