"""The cases of the profiler_weight study: the matrix's host cells (ev.backends.cell_list),
each run plain, under vmprof and under cProfile, and the command of each run."""
import os

from ev.backends import cell_list
from ev.cli import variants
from ev.pythons.interpreters import ROOT

CELLS = cell_list.host_cells()   # the matrix's cells of the host's two interpreters
MODES = ("plain", "vmprof", "cProfile")
SLOW = "pypy-numpy"


def command(python, creature, mode, options, scratch, cell):
    evolution = ["-m", "ev.main", "--creature", creature] + options + [
        "--results", os.path.join(scratch, "%s.%s.jsonl" % (cell, mode))]
    if mode == "vmprof":
        return [python] + evolution + ["--profile", os.path.join(scratch, cell + ".prof")]
    if mode == "cProfile":
        return [python, "-m", "cProfile", "-o",
                os.path.join(scratch, cell + ".cprofile")] + evolution
    return [python] + evolution


def why_not(python, creature):
    """Why the cell cannot run here ("not available: ..."), or None: asked of the
    interpreter itself, as the matrix asks it (ev.cli.variants)."""
    if python is None:
        return "no interpreter (run the set-up)"
    why = variants.ask([python], creature, cwd=ROOT)
    return None if why is None else "not available: " + why


