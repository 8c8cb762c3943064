"""What recording costs: a cell's median seconds per generation in its recorded run (vmprof
sampling and, on PyPy, the JIT log) against its timed run, both made by run_all.sh --profile
with the same seed (CELL.recorded.log, and CELL.r<k>.jsonl of the round the recording ran in,
as matrix.json's ``recordings`` say; CELL.jsonl in folders from before the rounds)."""
import glob
import os
import re

from ev.store.records import GENERATION, RUN, read_records
from ev.common.stats import steady_median
from traces.coverage import recording_entry

MEDIAN_LINE = re.compile(r"^# (\d+) generations?, median ([0-9.]+) secs/generation")


def recorded_median(path):
    """The median ev.cli.main printed at the end of a recorded run, or None."""
    try:
        with open(path, errors="replace") as log:
            for line in log:
                match = MEDIAN_LINE.match(line)
                if match:
                    return float(match.group(2))
    except OSError:
        pass
    return None


def timed_median(path):
    """The steady median seconds per generation of the last run in a results file, or None."""
    try:
        records, _ = read_records(path)
    except OSError:
        return None
    runs = [r for r in records if r["type"] == RUN]
    if not runs:
        return None
    last = runs[-1].get("run")
    seconds = [r["seconds"] for r in records
               if r["type"] == GENERATION and r.get("run") == last]
    return steady_median(seconds) if seconds else None


def recording_cost(folder, cell):
    """{"timed_median", "recorded_median", "recording_overhead"} for what is known."""
    timed = timed_median(timed_file(folder, cell))
    recorded = recorded_median(os.path.join(folder, cell + ".recorded.log"))
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
