"""The model of the profiler_weight study: one measurement per cell and mode (the steady
median seconds per generation of its records), and what follows from them: each profiler's
overhead, and the numpy / specialized ratio under each mode (the distortion)."""
import os

from ev.backends import cell_list
from ev.pythons.interpreters import ROOT
from ev.common import result_file
from ev.reporting.recordings import timed_median
from ev.studies.profiler_weight.cases import MODES, command


def measure(cell, mode, python, creature, options, scratch):
    """{"seconds_per_generation"} or {"not_measured": why} for one cell in one mode."""
    if mode == "vmprof" and creature in cell_list.NOT_RECORDED:
        return {"not_measured": cell_list.NOT_RECORDED[creature]}
    try:
        done = result_file.run_captured(command(python, creature, mode, options, scratch,
                                                cell), cwd=ROOT)
    except result_file.ChildFailed as error:
        return {"not_measured": str(error)}
    seconds = timed_median(os.path.join(scratch, "%s.%s.jsonl" % (cell, mode)))
    if seconds is None:
        return {"not_measured": "no timed generations in its records: %s" % (
            result_file.error_line(done.stderr, result_file.error_line(done.stdout)))}
    return {"seconds_per_generation": seconds}


def with_overheads(row):
    plain = row["plain"].get("seconds_per_generation")
    for mode in MODES[1:]:
        seconds = row[mode].get("seconds_per_generation")
        if plain and seconds:
            row[mode]["overhead"] = seconds / plain
    return row


def distortions(rows):
    """Per interpreter: numpy / specialized seconds per generation under each mode."""
    by_cell = dict((row["cell"], row) for row in rows)
    found = []
    for kind in ("cpython", "pypy"):
        numpy, specialized = by_cell.get(kind + "-numpy"), by_cell.get(kind + "-specialized")
        if not numpy or not specialized:
            continue
        ratios = {}
        for mode in MODES:
            slow = numpy[mode].get("seconds_per_generation")
            fast = specialized[mode].get("seconds_per_generation")
            ratios[mode] = slow / fast if slow and fast else None
        found.append({"interpreter": kind, "numpy_over_specialized": ratios})
    return found


