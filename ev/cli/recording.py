"""``ev matrix --profile``: each cell once more, recording (a vmprof profile, and on PyPy a JIT
log), then the reports of traces/ on what was recorded.

A recorded run is never timed: vmprof's sampling and the JIT log disturb it, so it writes no
results (``CELL.recorded.log`` keeps what it printed, from which traces.recording_cost reads
what recording cost).  It runs in the last round, right after the cell's timed run there
(matrix.json's ``recordings`` say which round), so that what recording costs is a ratio within
one round; and it runs the cell's own generations, so it records the same work.

Its profile starts where the timed run it follows reached steady state (``--profile-from``,
ev.common.stats.steady_start on that run's records, as the report finds it): PyPy's first tens
of generations are the JIT compiling, and a profile that mixed them in would charge warm-up to
the steady state it claims to show.  Its JIT log cannot start late (PyPy reads PYPYLOG when it
starts), so it covers the whole run, warm-up included, and traces.summary says so."""
import os

from ev.cli import cells as cells_module, children
from ev.reporting.load import read_file
from ev.reporting.model import round_figures

TRACES_HTML = "traces.html"


def record_after(matrix, cell, settings, plan, round_number, stops, failures):
    """Record the cell (just timed in ``round_number``), unless it cannot be recorded."""
    why = cells_module.NOT_RECORDED.get(cell.variant)
    if why:
        print("=== recording %s: skipped (%s)" % (cell.label, why), flush=True)
        return
    record_cell(matrix, cell, settings, plan, round_number, stops, failures)


def record_cell(matrix, cell, settings, plan, round_number, stops, failures):
    folder, interpreter = matrix.folder, cell.interpreter
    prof = os.path.join(folder, cell.label + ".prof")
    jitlog = os.path.join(folder, cell.label + ".jitlog")
    log = os.path.join(folder, cell.label + ".recorded.log")
    timed = matrix.path("%s.r%d.jsonl" % (cell.label, round_number))
    steady = steady_first(timed)
    args = cells_module.command(cell, settings, plan) + ["--profile", interpreter.path(prof)]
    if steady is not None:
        args += ["--profile-from", steady]
    if interpreter.implementation == "pypy":
        args += ["--jit-log", interpreter.path(jitlog)]
    argv = interpreter.argv(args)
    matrix.command(interpreter.display(args))
    print("=== recording %s: %s" % (cell.label, interpreter.display(args)), flush=True)
    status, wall = children.run(argv, interpreter.environ(), settings.checkout, log, stops,
                                show=False)
    status = 128 - status if status < 0 else status
    matrix.recording(cell=cell.label, round=round_number, log=os.path.basename(log),
                     profile=os.path.basename(prof), command=argv, exit=status,
                     wall_seconds=round(wall, 3), profile_from=steady,
                     jit_log=os.path.basename(jitlog) if "--jit-log" in args else None)
    if status in (130, 143, 129):
        return
    if status != 0:
        print("recording %s failed: %s" % (cell.label, last_line(log)), flush=True)
        failures.append("recording of %s (see %s)" % (cell.label, log))
        for path in (prof, jitlog):
            if os.path.exists(path):
                os.replace(path, path + ".incomplete")
        return
    host = settings.host_python
    tool(host, ["-m", "traces.profile", prof, "--flame",
                os.path.join(folder, cell.label + ".flame.png"), "--speedscope",
                os.path.join(folder, cell.label + ".speedscope.json")],
         os.path.join(folder, cell.label + ".profile.txt"), settings, stops, failures,
         "traces.profile of %s" % cell.label)
    if os.path.exists(jitlog):
        tool(host, ["-m", "traces.jitlog", jitlog],
             os.path.join(folder, cell.label + ".jitlog.txt"), settings, stops, failures,
             "traces.jitlog of %s" % cell.label)


def steady_first(results):
    """The first steady-state generation of the last run in a results file (the report's
    rule: ev.common.stats.steady_start), or None when the file holds no generation (the
    timed run failed: the recording then covers the whole run)."""
    runs = read_file(results, [])
    if not runs or not runs[-1]["generations"]:
        return None
    return round_figures(runs[-1])["steady_first"]


def summarize(matrix, settings, stops, failures):
    folder = matrix.folder
    jitlogs = sorted(os.path.join(folder, name) for name in os.listdir(folder)
                     if name.endswith(".jitlog"))
    if jitlogs:
        page = os.path.join(folder, TRACES_HTML)
        print("=== the JIT's traces, readable in a browser: %s" % page, flush=True)
        tool(settings.host_python, ["-m", "traces.jitlog"] + jitlogs + ["--html", page],
             None, settings, stops, failures, "the JIT trace page (traces.jitlog --html)")
    print("=== where the time goes (traces.summary)", flush=True)
    summary = os.path.join(folder, "traces.md")
    if tool(settings.host_python, ["-m", "traces.summary", folder], summary, settings, stops,
            failures, "traces.summary") == 0:
        with open(summary) as text:
            print(text.read(), end="", flush=True)


def tool(python, args, output, settings, stops, failures, what):
    """Run a traces/ tool with the host CPython; its output to ``output`` (or the terminal)."""
    argv = [python] + [str(arg) for arg in args]
    if output is None:
        status, _ = children.run(argv, None, settings.checkout, os.devnull, stops)
    else:
        status, _ = children.run(argv, None, settings.checkout, output, stops, show=False)
    if status != 0:
        failures.append(what)
    return status


def last_line(path):
    try:
        with open(path, errors="replace") as text:
            lines = text.read().strip().splitlines()
    except OSError:
        return "no output"
    return lines[-1] if lines else "no output"
