"""DIR/matrix.json, the record of a matrix run (the contract in docs/matrix.md): written
first and rewritten atomically after every cell-round, so that a stopped run still reads as
what it was.  Also the two plain files the reports have always read: ``not_run.txt`` (one
``cell: reason`` line per cell that did not run) and ``commands.txt``."""
import datetime
import json
import os

from ev.common import atomic

FORMAT, VERSION = "ev-matrix", 1
NAME = "matrix.json"


def now():
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


class MatrixFile(object):
    """The matrix record of one results folder, kept in memory and on disk alike."""

    def __init__(self, folder, settings, interpreters, cells):
        self.folder = folder
        self.data = {
            "format": FORMAT, "version": VERSION, "task": settings.task,
            "population": settings.population, "seed": settings.seed,
            "rounds": settings.rounds, "started": now(), "finished": None,
            "processes": "fresh" if settings.fresh else "warm",
            "interpreters": [interpreter.record() for interpreter in interpreters],
            "cells": [{"cell": cell.label, "interpreter": cell.interpreter.label,
                       "variant": cell.variant, "generations": None,
                       "budget_seconds": None, "status": "run", "why": None}
                      for cell in cells],
            "runs": [], "machine": {"before": None, "after": None}}
        self.not_run_lines = []
        self.commands = ["# commands that produced these results (%s)" % now()]

    def path(self, name):
        return os.path.join(self.folder, name)

    def cell(self, label):
        return next(entry for entry in self.data["cells"] if entry["cell"] == label)

    def not_run(self, label, why):
        entry = self.cell(label)
        entry.update(status="not run", why=why)
        self.not_run_lines.append("%s: %s" % (label, why))
        self.save()

    def planned(self, label, plan):
        """The cell's generations (fixed after its first round) and time budget."""
        entry = self.cell(label)
        entry["generations"] = plan.generations
        if plan.seconds is not None:
            entry["budget_seconds"] = plan.seconds
        self.save()

    def noise(self, round_number, seconds):
        """The fixed workload's time before a round (ev.runner.noise)."""
        self.data.setdefault("noise", []).append({"round": round_number,
                                                  "seconds": round(seconds, 6)})
        self.save()

    def command(self, line):
        self.commands.append(line)
        self.save()

    def run(self, **run):
        """One cell-round: cell, round, position, file, log, command, exit, wall_seconds;
        ``warm``: a slice of a process that ran before (its first generation is no cold
        start)."""
        self.data["runs"].append(run)
        self.save()

    def recording(self, **recording):
        """One recorded run (--profile): cell, round, log, profile, jit_log, command, exit,
        wall_seconds."""
        self.data.setdefault("recordings", []).append(recording)
        self.save()

    def machine(self, when, facts):
        self.data["machine"][when] = facts
        self.save()

    def finish(self, rounds, stopped_because=None, interrupted=False):
        """The run's end: the rounds it ran and why it ran no more."""
        self.data["finished"] = now()
        self.data["rounds"] = rounds
        if stopped_because:
            self.data["stopped_because"] = stopped_because
        if interrupted:
            self.data["interrupted"] = True
        self.save()

    def save(self):
        atomic.write_text(self.path(NAME), json.dumps(self.data, indent=1) + "\n")
        atomic.write_text(self.path("not_run.txt"), "".join(
            line + "\n" for line in self.not_run_lines))
        atomic.write_text(self.path("commands.txt"), "".join(
            line + "\n" for line in self.commands))
