"""``ev.main --serve``: a warm process that evolves in slices, on command (ev.runner.children
.Warm is the other side).

The evolution is set up once, then each command -- one JSON object a line on standard input:
``{"results": PATH, "generations": N}``, or with ``"seconds"`` and ``"min_generations"`` a
time budget -- evolves the next generations into a records file of its own (a run record, the
generation records, an end record), and one JSON object on the channel (the process's
original standard output) says the slice is done.  Printed lines (the header, the generation
lines) go to standard error: the runner's log of the cell.  End of input: exit 0.

Slices continue one evolution: the same universe, the same random stream, so the fitness lines
of a run in slices are those of the same run whole.  A slice's end record places its steady
state by the rule of ev.common.stats applied to every generation this process has run: a slice
after the warm-up is steady from its first generation."""
import json
import os
import sqlite3
import sys

from ev.cli.outputs import RunOutputs
from ev.cli.span import Span
from ev.common.stats import median, steady_start
from ev.evolution.executors import EvaluationFailed
from ev.store import records

CHANNEL = []   # the file the answers go to, once claimed


def claim_channel():
    """Keep the original standard output for the answers; printing goes to standard error."""
    CHANNEL.append(os.fdopen(os.dup(1), "w"))
    os.dup2(2, 1)


def answer(**fields):
    CHANNEL[0].write(json.dumps(fields) + "\n")
    CHANNEL[0].flush()


def commands():
    """The commands on standard input, until it ends."""
    for line in iter(sys.stdin.readline, ""):
        if line.strip():
            yield json.loads(line)


def serve(universe, first, run, evolve):
    """Evolve slice after slice as commanded (``evolve``: ev.cli.evolve.evolve); return the exit
    status.  A Ctrl-C or SIGTERM (KeyboardInterrupt) ends the slice's records first."""
    lived = []          # every generation's seconds, this process's whole life
    generation = first
    for command in commands():
        outputs = RunOutputs.open(run, command["results"], None, None)
        span = Span(generation, command.get("generations"), command.get("seconds"),
                    command.get("min_generations", 1))
        seconds = []
        try:
            following = evolve(universe, span, outputs, seconds)
        except KeyboardInterrupt as stop:
            end(outputs, run, generation, seconds, lived, records.INTERRUPTED,
                128 + getattr(stop, "signum", 2))
            raise
        except (ArithmeticError, EvaluationFailed, OSError, sqlite3.Error) as error:
            end(outputs, run, generation, seconds, lived, records.FAILED, 1, str(error))
            print("error: %s" % error, file=sys.stderr)
            return 1
        end(outputs, run, generation, seconds, lived, records.BUDGET, 0)
        answer(type="slice", generations=len(seconds))
        generation = following
    return 0


def end(outputs, run, first, seconds, lived, reason, status, message=None):
    """Write the slice's end record and close its records."""
    lived.extend(seconds)
    steady = steady_start(lived) + (first + len(seconds) - len(lived))
    steady = max(first, steady)
    inside = seconds[steady - first:]
    record = records.EndRecord(reason=reason, exit=status, generations=len(seconds),
                               seconds=sum(seconds), run=run.run,
                               steady_first=steady if inside else None,
                               steady_median=median(inside), message=message)
    try:
        outputs.writer.write(record)
    finally:
        outputs.close()
