"""``ev matrix --profile``: each cell once more, recording (a profile, by the sampler ev.main
--profile chooses for the interpreter: py-spy on CPython, vmprof on PyPy; and on PyPy a JIT
log), then the reports of traces/ on what was recorded.

A recorded run is never timed: the sampling and the JIT log disturb it, so the report
never reads its records (``CELL.recorded.jsonl``, from which ev.reporting.recordings reads
which generations its profile covers and what recording cost; ``CELL.recorded.log`` keeps
what it printed, for a person).  It runs after the last round, cell after
cell, and it runs the generations of a fresh process of the cell (with --fresh, those of
every round; with warm processes, those of the cell's first slice, its warm-up included), so
it records the same work.  matrix.json's ``recordings`` name the round whose timed run it
follows.

Its profile starts where that timed run reached steady state (``--profile-from``: the
``steady_first`` of the run's end record, ev.store.records, placed by the rule of
ev.common.stats.steady_start): PyPy's first tens of generations are the JIT compiling, and a
profile that mixed them in would charge warm-up to the steady state it claims to show.  Its
JIT log cannot start late (PyPy reads PYPYLOG when it starts), so it covers the whole run,
warm-up included, and the summary (ev.cli.trace_summary) says so."""
import os

from ev.cli import cells as cells_module
from ev.common import result_file
from ev.runner import children, ends
from ev.runner.plan import Plan
from ev.reporting.recordings import RECORDED_RECORDS, profile_coverage
from ev.runner.signals import stopped_by_signal

TRACES_HTML = "traces.html"
LINES = "lines"      # the PyPy cells' runs under perf (record_lines)


def record_all(run):
    """Record every cell that ran (``run``: ev.cli.matrix_run.MatrixRun), unless it cannot
    be recorded."""
    for cell in run.cells:
        if run.stops.stopped:
            return
        why = cells_module.NOT_RECORDED.get(cell.variant)
        if why:
            run.status.line("=== recording %s: skipped (%s)" % (cell.label, why))
            continue
        record_cell(run, cell)


def timed_round(run):
    """The round whose timed run a recording follows: the last (fresh processes: each round
    is a fresh run), or the first (warm processes: the only fresh start)."""
    return run.rounds.done if run.settings.fresh else 1


def record_cell(run, cell):
    matrix, settings, interpreter = run.matrix, run.settings, cell.interpreter
    folder = matrix.folder
    prof = os.path.join(folder, cell.label + ".prof")
    jitlog = os.path.join(folder, cell.label + ".jitlog")
    log = os.path.join(folder, cell.label + ".recorded.log")
    round_number = timed_round(run)
    timed = matrix.path("%s.r%d.jsonl" % (cell.label, round_number))
    end = ends.end_of(timed)
    steady = end.steady_first if end else None
    plan = run.plans[cell.label]
    if not settings.fresh and end and end.generations:
        plan = Plan(end.generations, None, None, None)
    records = os.path.join(folder, RECORDED_RECORDS % cell.label)
    args = cells_module.command(cell, settings, plan) + [
        "--profile", interpreter.path(prof), "--results", interpreter.path(records)]
    if steady is not None:
        args += ["--profile-from", steady]
    if interpreter.implementation == "pypy":
        args += ["--jit-log", interpreter.path(jitlog)]
    argv = interpreter.argv(args)
    matrix.command(interpreter.display(args))
    run.status.line("=== recording %s: %s" % (cell.label, interpreter.display(args)))
    status, wall = children.run(argv, interpreter.environ(), settings.checkout, log, run.stops)
    matrix.recording(cell=cell.label, round=round_number, log=os.path.basename(log),
                     profile=os.path.basename(prof), command=argv, exit=status,
                     wall_seconds=round(wall, 3), profile_from=steady,
                     jit_log=os.path.basename(jitlog) if "--jit-log" in args else None)
    if stopped_by_signal(status):
        return
    if status != 0:
        run.status.line("recording %s failed: %s" % (cell.label, result_file.log_error_line(log)))
        run.failures.append("recording of %s (see %s)" % (cell.label, log))
        for path in (prof, jitlog, records):
            if os.path.exists(path):
                os.replace(path, path + ".incomplete")
        return
    tool(run, profile_args(folder, cell.label),
         os.path.join(folder, cell.label + ".profile.txt"), "traces.profile of %s" % cell.label)
    if os.path.exists(jitlog):
        tool(run, ["-m", "traces.jitlog", jitlog], os.path.join(folder, cell.label + ".jitlog.txt"),
             "traces.jitlog of %s" % cell.label)
    if interpreter.implementation == "pypy":
        record_lines(run, cell, cells_module.command(cell, settings, plan))


def lines_stem(folder, label):
    """Where a PyPy cell's run under perf goes: LINES/CELL.jitlog, .perf, .json, .log (a
    folder of its own, so that no reader of the results folder takes its JIT log for a
    cell's)."""
    return os.path.join(folder, LINES, label)


def record_lines(run, cell, command):
    """The cell once more, under perf (traces.jit_perf): time per source line of its JIT code,
    which vmprof cannot give (it keeps a loop's start, not the instruction).  perf missing or
    refused is no failure of the run: the summary says why from the log."""
    stem = lines_stem(run.matrix.folder, cell.label)
    os.makedirs(os.path.dirname(stem), exist_ok=True)
    interpreter = cell.interpreter
    args = ["-m", "traces.jit_perf", "--out", interpreter.path(stem), "--"] + command
    run.status.line("=== per source line, under perf, %s: %s" % (
        cell.label, interpreter.display(args)))
    status, _ = children.run(interpreter.argv(args), interpreter.environ(),
                             run.settings.checkout, stem + ".log", run.stops)
    if status == 0 and os.path.exists(stem + ".perf"):
        tool(run, ["-m", "traces.jit_perf", "--read", stem, "--json"], stem + ".json",
             "traces.jit_perf of %s" % cell.label)


def profile_args(folder, label):
    """traces.profile's arguments for a cell's recording: its exports, and which generations
    it covers, from the records (traces knows nothing of ev's folders: ev says it)."""
    args = ["-m", "traces.profile", os.path.join(folder, label + ".prof"),
            "--flame", os.path.join(folder, label + ".flame.png"),
            "--speedscope", os.path.join(folder, label + ".speedscope.json")]
    coverage = profile_coverage(folder, label)
    return args + (["--covers", coverage["covers"]] if coverage else [])


def summarize(run):
    folder = run.matrix.folder
    jitlogs = sorted(os.path.join(folder, name) for name in os.listdir(folder)
                     if name.endswith(".jitlog"))
    if jitlogs:
        page = os.path.join(folder, TRACES_HTML)
        run.status.line("=== the JIT's traces, readable in a browser: %s" % page)
        tool(run, ["-m", "traces.jitlog"] + jitlogs + ["--html", page], os.devnull,
             "the JIT trace page (traces.jitlog --html)")
    summary = os.path.join(folder, "traces.md")
    if tool(run, ["-m", "ev.cli.trace_summary", folder], summary, "ev summary") == 0:
        run.status.line("=== where the time goes (ev summary): %s" % summary)


def tool(run, args, output, what):
    """Run a traces/ tool with the host CPython; its output to the file ``output``."""
    argv = [run.settings.host_python] + [str(arg) for arg in args]
    status, _ = children.run(argv, None, run.settings.checkout, output, run.stops)
    if status != 0:
        run.failures.append(what)
    return status
