"""The options of ``ev matrix`` (and so of ./run_all.sh), their defaults, and the checks made
before anything runs: a bad value is one line and exit status 2, with nothing written.

The default run (the host's two interpreters, 7 cells) keeps each cell alive as a warm
process and runs the cells in short alternating slices (ev.runner), round after round: at
least 5 rounds, then more while the headline figures' 99% repeat ranges are wider than
+-10% (ev.common.stats.PRECISION_TARGET) and the wall-time cap (--max-minutes, 8) allows.
A cell's first slice has a budget of 3 seconds of evolution (at least 5, at most 400
generations: its warm-up); its later slices about 1.5 seconds each, at least 2 generations
(cpython-numpy's take about 4 s); pypy-numpy runs 3 generations, then 1 a slice.  After the
first round the headline's three cells take turns in parts of about PART_SECONDS instead.
``--rounds N`` runs exactly N rounds; ``--fresh`` a fresh process per cell-round instead of
slices.  ``--task fly`` runs 3 rounds of fresh processes by default: its cells evolve until
a controller flies."""
import collections
import functools
import os
import sys

import click

from ev.cli import cells as cells_module
from ev.pythons import names as interpreters_module
from ev.common import capacity
from ev.model import controllers
from ev.pythons.interpreters import ROOT, venv_python

DEFAULT_SECONDS = 3.0
DEFAULT_MIN_GENERATIONS = 5
DEFAULT_MAX_GENERATIONS = 400
DEFAULT_ROUNDS = 5
DEFAULT_FLY_ROUNDS = 3
DEFAULT_SLOW_GENERATIONS = 3
DEFAULT_MAX_MINUTES = 8.0
DEFAULT_SLICE_SECONDS = 1.5
SLICE_MIN_GENERATIONS = 2        # a slow cell's slice (pypy-numpy) runs 1
# After the first round the headline's cells take turns in parts of about this many seconds
# (ev.runner.plan.parts): a slice of --slice-seconds becomes slice_seconds / PART_SECONDS parts.
PART_SECONDS = 0.15
MAX_ROUNDS = 40                  # at most: a line per cell-round keeps the terminal short
                                 # (the headline's cells run every round, the others every other)
FLY_GENERATIONS = 100

EPILOG = """\b
./run_all.sh takes the same options: it sets up the venvs (.venv/cpython, and .venv/pypy
when a cell needs it), then runs this command.

\b
Cells: interpreter x variant, labelled <interpreter>-<variant>: with the host's two
interpreters, cpython3.11-numpy -specialized -vectorized -numba -c, pypy7.3.11-numpy
-specialized.  Short names work too: cpython-numpy, pypy-specialized, c (the first CPython's
C cell: the same evaluation in C, driven by the same Python GA).  A cell whose interpreter,
numba or C build is missing is reported as not run, with the reason.

\b
Interpreters: host (default: the set-up's CPython and PyPy venvs), cpython, pypy, a host
venv's label, a path to any python, or a name ev.pythons provides.

\b
Length: each cell is a warm process, run in slices round after round: its first slice runs
--seconds of evolution (at least --min-generations, at most --generations), its later ones
about --slice-seconds (the headline's cells: the same generations, taking turns in parts of
about 0.15 s).  Rounds: a warm-up, then at least 5, more while the repeat ranges are
wider than +-10% and --max-minutes allows; --rounds N runs N.  --generations alone gives
every slice that many.  pypy-numpy runs --slow-generations, then 1 a slice.  --fresh: a
fresh process per cell-round, the later rounds repeating the first's generations.
Results: DIR/matrix.json, DIR/<cell>.r<round>.jsonl, DIR/<cell>.log (docs/matrix.md)."""

Settings = collections.namedtuple(
    "Settings", "task population generations slow_generations seconds min_generations "
                "rounds seed out interpreters cells profile checkout host_python prog "
                "max_minutes slice_seconds fresh verbose")


def prog():
    """The name errors start with: run_all.sh sets EV_MATRIX_PROG."""
    return os.environ.get("EV_MATRIX_PROG") or "ev matrix"


def fail(message):
    """One line on stderr, exit status 2."""
    click.echo("%s: %s" % (prog(), message), err=True)
    raise click.exceptions.Exit(2)


class OneLineErrors(click.Command):
    """A click command whose usage errors are one line (no usage text), status 2."""

    def make_context(self, info_name, args, parent=None, **extra):
        try:
            return super(OneLineErrors, self).make_context(info_name, args, parent=parent,
                                                           **extra)
        except click.UsageError as error:
            fail(error.format_message())

    def invoke(self, ctx):
        try:
            return super(OneLineErrors, self).invoke(ctx)
        except click.UsageError as error:
            fail(error.format_message())

    def format_usage(self, ctx, formatter):
        """"Usage: run_all.sh [OPTIONS]" when run_all.sh asks (the name the user typed)."""
        formatter.write_usage(prog(), " ".join(self.collect_usage_pieces(ctx)))


def options(function):
    """The matrix's click options (shared by ``ev matrix`` and ./run_all.sh)."""
    decorators = [
        click.option("--task", type=click.Choice(cells_module.TASKS), default="benchmark",
                     show_default=True,
                     help="benchmark: seconds per generation per cell (ev.reporting.report); "
                          "fly: each cell evolves a PID controller with --until-flies and the "
                          "same generations, the report gives the time to the first one that "
                          "flies (ev.reporting.fly_report)."),
        click.option("-n", "--population", type=click.IntRange(min=4), default=500,
                     show_default=True, help="Creatures per generation."),
        click.option("-g", "--generations", type=click.IntRange(min=1), default=None,
                     help="Generations per cell-round: alone, every cell runs that many; with "
                          "--seconds, at most that many [default: a budget of %g s, %d-%d "
                          "generations; for --task fly %d]." % (
                              DEFAULT_SECONDS, DEFAULT_MIN_GENERATIONS,
                              DEFAULT_MAX_GENERATIONS, FLY_GENERATIONS)),
        click.option("--seconds", type=click.FloatRange(min=0, min_open=True), default=None,
                     help="Seconds of evolution per cell in the first round (cheap cells run "
                          "more generations) [default: %g unless -g is given]." %
                          DEFAULT_SECONDS),
        click.option("--min-generations", type=click.IntRange(min=1),
                     default=DEFAULT_MIN_GENERATIONS, show_default=True,
                     help="With a time budget: no cell runs fewer."),
        click.option("--slow-generations", type=click.IntRange(min=1),
                     default=DEFAULT_SLOW_GENERATIONS,
                     show_default=True,
                     help="Generations of the slow PyPy + numpy cells (benchmark task; at "
                          "most --generations)."),
        click.option("-r", "--rounds", type=click.IntRange(min=1), default=None,
                     help="Rounds, exactly: each runs every cell once, in rotating order "
                          "[default: a warm-up round, then at least %d, more while the "
                          "headline is less precise than +-10%% and --max-minutes allows, "
                          "the cells outside the headline in every other one; "
                          "for --task fly %d]."
                          % (DEFAULT_ROUNDS, DEFAULT_FLY_ROUNDS)),
        click.option("--max-minutes", type=click.FloatRange(min=0, min_open=True),
                     default=DEFAULT_MAX_MINUTES, show_default=True,
                     help="Wall-time cap on adding rounds (not with --rounds)."),
        click.option("--slice-seconds", type=click.FloatRange(min=0, min_open=True),
                     default=DEFAULT_SLICE_SECONDS, show_default=True,
                     help="Seconds of evolution a warm cell runs in each slice after its "
                          "first (at least %d generations)." % SLICE_MIN_GENERATIONS),
        click.option("--fresh", is_flag=True,
                     help="A fresh process per cell-round instead of warm processes run in "
                          "slices (the fly task always runs fresh)."),
        click.option("-v", "--verbose", is_flag=True,
                     help="Show the cells' generation lines live (they are always in each "
                          "cell's log)."),
        click.option("--seed", type=click.IntRange(min=0), default=None,
                     help="Seed of every cell [default: 42; for --task fly 1: seed 42's PID "
                          "evolution settles on an optimum that does not fly]."),
        click.option("--out", type=click.Path(), default=None,
                     help="Results folder, new or empty [default: results/<timestamp> in the "
                          "checkout]."),
        click.option("--cells", default=None, help="Comma-separated cells (labels or short "
                                                   "names) [default: all of the task's]."),
        click.option("--interpreters", default="host", show_default=True,
                     help=interpreters_module.help_text()),
        click.option("--profile", is_flag=True,
                     help="In the last round, right after each cell's timed run, run it "
                          "again recording (never timed) a profile (py-spy on CPython, "
                          "vmprof on PyPy, as ev.main --profile chooses) from that timed "
                          "run's first steady-state generation on, and on PyPy a JIT log "
                          "(of the whole run), with their reports "
                          "(traces.profile, traces.jitlog, ev summary, traces.html).  "
                          "Numba cells are not recorded: vmprof crashes CPython inside "
                          "numba's compiler."),
        click.option("--check", is_flag=True, hidden=True,
                     help="Check the options only; print 'pypy' when the host's PyPy is "
                          "needed (run_all.sh sets it up only then)."),
    ]
    return functools.reduce(lambda f, decorate: decorate(f), reversed(decorators), function)


def settings_from(given):
    """The run's settings from the command line, every value checked (exit 2 on a bad one)."""
    task = given["task"]
    if task == "fly" and given["profile"]:
        fail("--profile records the benchmark task, not --task fly")
    if task == "fly" and given["seconds"] is not None:
        fail("--seconds: the fly task gives every cell the same generations (-g)")
    controller = cells_module.FLY_CONTROLLER if task == "fly" else controllers.STATE_SPACE
    check_population(given["population"], controller.shape())
    generations, seconds = length(task, given["generations"], given["seconds"])
    if seconds is not None and generations < given["min_generations"]:
        fail("--generations %d is below --min-generations %d" % (generations,
                                                                given["min_generations"]))
    try:
        interpreters = interpreters_module.parse(given["interpreters"])
    except interpreters_module.InterpreterError as error:
        fail("--interpreters: %s" % error)
    try:
        cells = cells_module.select(interpreters, task, given["cells"])
    except cells_module.CellError as error:
        if not (given["check"] and host_pypy_missing(interpreters)):
            fail(str(error))
        cells = []
    seed = given["seed"] if given["seed"] is not None else (1 if task == "fly" else 42)
    rounds = given["rounds"] or (DEFAULT_FLY_ROUNDS if task == "fly" else None)
    out = results_folder(given["out"])
    check_seen_from_roots(out, cells)
    return Settings(task, given["population"], generations, given["slow_generations"],
                    seconds, given["min_generations"], rounds, seed, out,
                    interpreters, cells, given["profile"], ROOT, sys.executable, prog(),
                    given["max_minutes"], given["slice_seconds"],
                    given["fresh"] or task == "fly", given["verbose"])


def check_seen_from_roots(out, cells):
    """A cell that runs in a Debian root sees only the checkout: its results must go there."""
    for cell in cells:
        if cell.interpreter.inside and not cell.interpreter.why_missing:
            try:
                cell.interpreter.path(out)
            except ValueError:
                fail("--out %s: %s runs in a Debian root, which sees only the checkout (%s); "
                     "choose a folder inside it" % (out, cell.label, ROOT))


def length(task, generations, seconds):
    """(generations, seconds): a fixed count (seconds None), or a budget with a maximum."""
    if task == "fly":
        return generations or FLY_GENERATIONS, None
    if generations is not None and seconds is None:
        return generations, None
    return generations or DEFAULT_MAX_GENERATIONS, seconds or DEFAULT_SECONDS


def check_population(population, shape):
    problem = capacity.population_too_large(population, shape)
    if problem:
        fail("--population %d: %s" % (population, problem))


def results_folder(out):
    """The absolute results folder: new, or an empty folder, in a place that can hold it."""
    if out is None:
        import datetime
        out = os.path.join(ROOT, "results", datetime.datetime.now().strftime("%Y%m%d-%H%M%S"))
    if not out.strip():
        fail("--out: an empty path")
    folder = os.path.abspath(os.path.expanduser(out))
    if os.path.exists(folder):
        if not os.path.isdir(folder):
            fail("--out %s: not a folder" % out)
        if os.listdir(folder):
            # Old cells would be merged into the new report.
            fail("%s already holds results; choose another --out or remove it" % out)
    parent = folder
    while not os.path.exists(parent):
        parent = os.path.dirname(parent)
    if not os.path.isdir(parent) or not os.access(parent, os.W_OK | os.X_OK):
        fail("--out %s: cannot create it (%s is not a writable folder)" % (out, parent))
    return folder


def host_pypy_missing(interpreters):
    return any(i.label == "pypy" and i.why_missing for i in interpreters)


def setup_needed(settings):
    """'pypy' when a cell runs on the host's PyPy (run_all.sh then sets it up), else ''."""
    host_pypy = venv_python("pypy")
    for cell in settings.cells:
        interpreter = cell.interpreter
        if interpreter.label == "pypy" and interpreter.why_missing:
            return "pypy"
        if host_pypy and interpreter.python and (os.path.realpath(interpreter.python) ==
                                                 os.path.realpath(host_pypy)):
            return "pypy"
    if not settings.cells and host_pypy_missing(settings.interpreters):
        return "pypy"
    return ""
