"""The cells of the matrix run: interpreter x variant, and the rules of which cell may run
what.  Every rule lives here once (the shell script that used to hold them is now a set-up
and a call of ``ev matrix``).

A cell's label is ``<interpreter label>-<variant>``: ``cpython3.11-numpy``, ``pypy7.3.11-
specialized``, ``cpython3.14-jit-c``.  The host's two interpreters keep their short names as
aliases on the command line: ``cpython-numpy``, ``pypy-specialized``, and ``c`` for the first
CPython's C cell, as the matrix has always been spelled."""
import collections

from ev.backends.cell_list import NOT_RECORDED, variants_of as implementation_variants
from ev.model import controllers
from ev.runner.plan import Plan

TASKS = ("benchmark", "fly")
FLY_CONTROLLER = controllers.PID     # what the fly task evolves

# Which variants each implementation runs, and which are not recorded: ev.backends.cell_list.
__all__ = ["NOT_RECORDED"]


class Cell(collections.namedtuple("Cell", "label interpreter variant")):
    """One interpreter running one variant."""

    @property
    def slow(self):
        """PyPy + numpy (every numpy call through cpyext): seconds per generation where the
        others take hundredths; it keeps a short fixed run instead of a time budget."""
        return self.interpreter.implementation == "pypy" and self.variant == "numpy"

    def ruled_out(self, task):
        """Why the task cannot run on this cell by rule (not by what is installed), or None."""
        return pid_problem(self.variant) if task == "fly" else None


def pid_problem(variant):
    """Why a variant cannot fly the fly task's PID controller, or None (the controllers'
    rule: ev.model.controllers)."""
    return FLY_CONTROLLER.can_fly(variant)


class CellError(ValueError):
    """A --cells entry that names no cell; str() is one line."""


def variants_of(interpreter):
    return implementation_variants(interpreter.implementation)


def all_cells(interpreters):
    """Every cell of the interpreters, in the matrix's order: interpreter by interpreter,
    each with its variants (the C cell last)."""
    return [Cell("%s-%s" % (interpreter.label, variant), interpreter, variant)
            for interpreter in interpreters for variant in variants_of(interpreter)]


def default_cells(interpreters, task):
    """The cells a task runs when --cells is not given: for the fly task, the ones that can
    fly a PID."""
    return [cell for cell in all_cells(interpreters) if cell.ruled_out(task) is None]


def aliases(cells):
    """Short names of the cells: ``cpython-numpy`` for the first CPython's
    ``cpython3.11-numpy``, ``pypy-numpy``, ``c``, and a provided interpreter's name as the
    user gave it (``pypy8.0-specialized`` for ``pypy8.0.1-specialized``)."""
    found = {}
    for cell in cells:
        kind = cell.interpreter.implementation
        found.setdefault("%s-%s" % (kind, cell.variant), cell)
        if cell.interpreter.name and cell.interpreter.name != cell.interpreter.label:
            found.setdefault("%s-%s" % (cell.interpreter.name, cell.variant), cell)
        if cell.variant == "c":
            found.setdefault("c", cell)
    return found


def select(interpreters, task, text):
    """The cells named by ``--cells`` (labels or aliases, comma-separated), in the order given,
    each once; all the task's default cells when ``text`` is None."""
    if text is None:
        return default_cells(interpreters, task)
    cells = all_cells(interpreters)
    by_label = {cell.label: cell for cell in cells}
    short = aliases(cells)
    chosen = []
    for token in (token.strip() for token in text.split(",")):
        cell = by_label.get(token) or short.get(token)
        if cell is None:
            raise CellError("unknown cell '%s' (choose from %s)" % (
                token, ",".join([c.label for c in cells] + sorted(short))))
        if cell not in chosen:
            chosen.append(cell)
    return chosen


def first_plan(cell, settings):
    """How long the cell runs in the first round (settings: the matrix's options)."""
    if settings.task == "fly":
        return Plan(settings.generations, None, None, None)
    if cell.slow:   # never more than -g asks of every cell
        return Plan(min(settings.slow_generations, settings.generations), None, None, None)
    if settings.seconds is None:
        return Plan(settings.generations, None, None, None)
    return Plan(None, settings.seconds, settings.min_generations, settings.generations)


def slice_command(plan, results):
    """A warm process's command for one slice (ev.cli.serve) of a plan."""
    if plan.seconds is None:
        return {"results": results, "generations": plan.generations}
    return {"results": results, "generations": plan.maximum, "seconds": plan.seconds,
            "min_generations": plan.minimum}


def plan_arguments(plan):
    """ev.main's options for a plan."""
    if plan.seconds is None:
        return ["-g", plan.generations]
    return ["-g", plan.maximum, "--seconds", plan.seconds, "--min-generations", plan.minimum]


def command(cell, settings, plan):
    """ev.main's argv (after the interpreter) for one run of a cell; ``plan`` None: a warm
    process that evolves in slices (ev.cli.serve)."""
    args = ["-m", "ev.main", "--creature", cell.variant, "-n", settings.population]
    if plan is None:
        return args + ["--seed", settings.seed, "--serve"]
    args += plan_arguments(plan) + ["--seed", settings.seed]
    if settings.task == "fly":
        args += ["--controller", FLY_CONTROLLER.name, "--until-flies"]
    return args
