"""One matrix run as one object (``MatrixRun``): its settings, its results folder
(matrix.json), the signals received, the failures, the cells' plans and warm processes,
and the rounds -- what every step of the run reads and changes, kept in one place.

The steps: the cells that can run here; then rounds, while ev.runner.plan.Rounds says to
go on (each: the machine's fixed workload timed, then every cell once, in rotating order:
a slice of its warm process, or a fresh process with --fresh and --task fly); the
recordings of --profile; the machine's facts before and after.  What a cell-round did is
read from its records (ev.runner.ends), never from what it printed."""
import os
import time

from ev.cli import cells as cells_module, profile_cells, variants
from ev.cli.matrix_options import (DEFAULT_ROUNDS, MAX_ROUNDS, PART_SECONDS,
                                   SLICE_MIN_GENERATIONS)
from ev.common import machine
from ev.runner import children, ends, noise
from ev.runner.plan import Plan, Rounds, later_plan, parts, slice_plan, together
from ev.runner.signals import stopped_by_signal
from ev.store.records import BUDGET, NEVER_FLEW


def run_name(cell, round_number, extension):
    return "%s.r%d.%s" % (cell.label, round_number, extension)


class MatrixRun(object):
    """The state of one ``ev matrix`` run and its steps (see the module's docstring)."""

    def __init__(self, settings, matrix, stops, status, headline):
        """``headline``: ev.reporting.headline (its ``precise_enough(folder)``: whether the
        headline figures of the results so far meet the target; its ``headline_cells(folder)``:
        the cells whose ratios they are); ``status``: ev.runner.status.Status."""
        self.settings, self.matrix, self.stops, self.status = settings, matrix, stops, status
        self.headline = headline
        self.failures = []
        self.cells, self.plans, self.warm, self.shown = [], {}, {}, {}
        self.group = []         # the headline's cells, as this round's order found them
        self.done = {}          # generations each cell has run
        warmup = 0 if settings.fresh else 1     # a warm run's first round is its warm-up
        # Warm, with rounds added for the headline: the other cells run every other round
        # (``order``), and at least DEFAULT_ROUNDS of theirs count too.
        self.alternate = not settings.fresh and settings.rounds is None
        self.rounds = Rounds(fixed=settings.rounds, minimum=DEFAULT_ROUNDS + warmup,
                             cap_seconds=60 * settings.max_minutes, maximum=MAX_ROUNDS)

    def run(self):
        """Every step of the run; the failures are in ``self.failures``."""
        self.cells = self.available_cells()
        self.plans = dict((cell.label, cells_module.first_plan(cell, self.settings))
                          for cell in self.cells)
        self.matrix.machine("before", machine.machine_facts())
        try:
            while (self.cells and not self.stops.stopped
                   and self.rounds.more(self.precise_so_far)):
                self.run_round(self.rounds.done + 1)
        finally:
            self.end_warm()
        if self.settings.profile and not self.stops.stopped:
            profile_cells.record_all(self)
        self.matrix.machine("after", machine.machine_facts())
        self.mark_never_run()
        if self.settings.profile and not self.stops.stopped:
            profile_cells.summarize(self)
        self.matrix.finish(self.rounds.done, self.rounds.why_stopped,
                           interrupted=self.stops.stopped)

    def precise_so_far(self):
        return self.headline.precise_enough(self.matrix.folder)

    def order(self, round_number):
        """The round's cells in order: rotated, the headline's cells back to back once the
        first round has said which they are.  While rounds are added for the headline's
        precision (warm, no --rounds), the other cells run every other round: the headline's
        figures get about twice the rounds in the time, the others the rounds they need."""
        group = []
        if round_number > 1:
            labels = self.headline.headline_cells(self.matrix.folder)
            at = dict((cell.label, cell) for cell in self.cells)
            group = [at[label] for label in labels if label in at]
        self.group = group
        if not (self.alternate and 1 < len(group) < len(self.cells)):
            return together(self.cells, round_number, group)
        # every other round runs all cells: their order moves on once per two rounds, and
        # they need twice the rounds for DEFAULT_ROUNDS of their own after the warm-up
        self.rounds.minimum = max(self.rounds.minimum, 2 * DEFAULT_ROUNDS + 1)
        order = together(self.cells, (round_number + 1) // 2, group)
        if round_number % 2 == 1:
            return [cell for cell in order if cell in group]
        return order

    def available_cells(self):
        """The cells that can run here; the others are recorded as not run, with the reason."""
        runnable = []
        for cell in self.settings.cells:
            why = (cell.interpreter.why_missing or cell.ruled_out(self.settings.task)
                   or self.unavailable(cell))
            if why:
                self.matrix.not_run(cell.label, why)
                self.status.line("=== %s: not run: %s" % (cell.label, why))
            else:
                runnable.append(cell)
        return runnable

    def unavailable(self, cell):
        """Why the cell's interpreter cannot run its variant (no numba, no C build), or
        None: asked of the interpreter itself (ev.cli.variants)."""
        interpreter = cell.interpreter
        inside = interpreter.inside      # in a Debian root: the answer's file in the checkout
        return variants.ask(interpreter.argv(), cell.variant, interpreter.environ(),
                            self.settings.checkout, folder=self.settings.checkout if inside
                            else None, seen_as=inside)

    def run_round(self, round_number):
        """The machine's fixed workload timed, then every cell once, in rotating order (the
        headline's block, warm after the first round, in alternating parts)."""
        self.matrix.noise(round_number, noise.time_workload())
        began = time.monotonic()
        order = self.order(round_number)
        block = [c for c in order if c in self.group]
        if self.settings.fresh or round_number == 1 or len(block) < 2:
            block = []
        for position, cell in enumerate(order):
            if self.stops.stopped:
                return
            if cell not in block:
                self.run_cell(cell, round_number, position)
            elif cell is block[0]:
                self.run_parts(block, round_number, position)
        self.rounds.finished(time.monotonic() - began)

    def run_cell(self, cell, round_number, position):
        """One cell-round, then what its records say: its median, and a failure if any."""
        plan = self.plans[cell.label]
        results = self.matrix.path(run_name(cell, round_number, "jsonl"))
        self.show(cell, round_number)
        if self.settings.fresh:
            status, wall, log, argv = self.fresh(cell, plan, results, round_number)
        else:
            status, wall, log, argv = self.slice(cell, plan, results)
        self.ran(cell, round_number, position, results, status, wall, log, argv)

    def run_parts(self, block, round_number, position):
        """The headline's block of warm cells in alternating parts (ev.runner.plan.parts),
        each cell's parts appended to its cell-round's file; then each cell-round as one."""
        results = dict((c.label, self.matrix.path(run_name(c, round_number, "jsonl")))
                       for c in block)
        by_label = dict((c.label, c) for c in block)
        steps = parts([c.label for c in block],
                      dict((c.label, self.plans[c.label].generations) for c in block),
                      max(2, int(round(self.settings.slice_seconds / PART_SECONDS))))
        last, walls = {}, dict((c.label, 0.0) for c in block)
        for label, count in steps:
            cell = by_label[label]
            ended = cell.label in last and last[cell.label][0]     # its process exited
            if self.stops.stopped or ended:
                continue
            self.show(cell, round_number)
            status, wall, log, argv = self.slice(cell, Plan(count, None, None, None),
                                                 results[cell.label])
            walls[cell.label] += wall
            last[cell.label] = (status, log, argv)
        for offset, cell in enumerate(block):
            if cell.label in last:
                status, log, argv = last[cell.label]
                self.ran(cell, round_number, position + offset, results[cell.label], status,
                         walls[cell.label], log, argv,
                         parts=sum(1 for label, _ in steps if label == cell.label))

    def ran(self, cell, round_number, position, results, status, wall, log, argv, **more):
        """A cell-round ran: in matrix.json, then what its records say (its median, a
        failure if any), and its line."""
        self.matrix.run(cell=cell.label, round=round_number, position=position,
                        file=os.path.basename(results), log=os.path.basename(log),
                        command=argv, exit=status, wall_seconds=round(wall, 3),
                        **dict(self.slice_flags(round_number), **more))
        end = ends.end_of(results)
        if not self.completed(status, end):
            self.failures.append("cell %s round %d (ev.main exited with status %d, see %s)"
                                 % (cell.label, round_number, status, log))
        self.done[cell.label] = self.done.get(cell.label, 0) + (end.generations if end else 0)
        if round_number == 1:
            self.plan_later_rounds(cell, self.plans[cell.label], results, end)
        self.status.line(round_line(cell, round_number, end, status))

    def slice_flags(self, round_number):
        """matrix.json's flags of a warm cell's slice: the first is the process's warm-up
        (counted in no figure over rounds), the later ones continue a process (warm)."""
        if self.settings.fresh:
            return {}
        return {"warmup": True} if round_number == 1 else {"warm": True}

    def fresh(self, cell, plan, results, round_number):
        """A fresh process for the cell-round: (status, wall, log, argv)."""
        interpreter = cell.interpreter
        log = self.matrix.path(run_name(cell, round_number, "log"))
        args = cells_module.command(cell, self.settings, plan) + [
            "--results", interpreter.path(results)]
        self.matrix.command(interpreter.display(args))
        argv = interpreter.argv(args)
        status, wall = children.run(argv, interpreter.environ(), self.settings.checkout, log,
                                    self.stops, show=self.settings.verbose,
                                    watch=lambda: self.show(cell, None, results))
        return status, wall, log, argv

    def slice(self, cell, plan, results):
        """A slice of the cell's warm process (started at its first): (status, wall, log,
        argv); status 0 while the process lives on."""
        interpreter = cell.interpreter
        log = self.matrix.path(cell.label + ".log")
        args = cells_module.command(cell, self.settings, None)
        argv = interpreter.argv(args)
        if cell.label not in self.warm:
            self.matrix.command(interpreter.display(args))
            self.warm[cell.label] = children.Warm(argv, interpreter.environ(),
                                                  self.settings.checkout, log)
        warm = self.warm[cell.label]
        if not warm.alive:
            return warm.finish(), 0.0, log, argv
        status, wall = warm.slice(cells_module.slice_command(plan, interpreter.path(results)),
                                  self.stops)
        if self.settings.verbose:
            self.show_log(cell.label, log)
        return status or 0, wall, log, argv

    def plan_later_rounds(self, cell, plan, results, end):
        """After a cell's first round: its later rounds' generations (fresh: the same as
        the first's; warm: a slice as long as --slice-seconds)."""
        count = (end and end.generations) or len(ends.generations_of(results))
        if self.settings.fresh:
            later = later_plan(plan, count)
        elif cell.slow and self.settings.seconds is not None:
            later = Plan(1, None, None, None)
        else:
            later = slice_plan(plan, end.steady_median if end else None,
                               self.settings.slice_seconds, SLICE_MIN_GENERATIONS)
        self.plans[cell.label] = later
        self.matrix.planned(cell.label, plan._replace(generations=later.generations))

    def completed(self, status, end):
        """The cell-round did its task: a PID run that never flew within its budget exits
        1, and its end record says so: a result, not a failure; a stop is the user's."""
        if status == 0 or stopped_by_signal(status):
            return True
        return (self.settings.task == "fly" and status == 1 and end is not None
                and end.reason == NEVER_FLEW)

    def end_warm(self):
        """End every warm process (between slices they exit 0 when their input closes)."""
        for label, warm in self.warm.items():
            status = warm.finish()
            if status and not stopped_by_signal(status) and not self.stops.stopped:
                self.failures.append("the warm process of %s (exit status %d, see %s.log)"
                                     % (label, status, label))

    def mark_never_run(self):
        """A cell the matrix was stopped before (Ctrl-C) says so."""
        ran = set(run["cell"] for run in self.matrix.data["runs"])
        for cell in self.settings.cells:
            if self.matrix.cell(cell.label)["status"] == "run" and cell.label not in ran:
                self.matrix.not_run(cell.label, "interrupted (Ctrl-C)")

    def show(self, cell, round_number, results=None):
        """The live status line: cell, round, generations done, current s/gen, time left."""
        if not self.status.live:
            return
        done = self.done.get(cell.label, 0)
        rate = ""
        if results:
            generations = ends.generations_of(results)
            done += len(generations)
            rate = ", %.4g s/gen" % generations[-1].seconds if generations else ""
        left = self.rounds.left()
        self.status.show("round %d · %s (%d of %d) · %d generations done%s%s" % (
            round_number or self.rounds.done + 1, cell.label, self.cells.index(cell) + 1,
            len(self.cells), done, rate,
            "" if left is None else " · %d:%02d left" % divmod(int(left), 60)))

    def show_log(self, label, log):
        """--verbose with a warm process: what it printed since the last slice."""
        with open(log, "rb") as text:
            text.seek(self.shown.get(label, 0))
            fresh = text.read()
            self.shown[label] = text.tell()
        for line in fresh.decode(errors="replace").splitlines():
            self.status.line(line)


def round_line(cell, round_number, end, status):
    """The line of a finished cell-round, from its end record."""
    if end is None:
        return "round %d  %s: no end record (exit status %d)" % (round_number, cell.label,
                                                                 status)
    rate, count = end.steady_median, end.generations
    said = "%.4g s/gen" % rate if rate else "no steady generation"
    return "round %d  %s: %s, %d generation%s%s" % (
        round_number, cell.label, said, count, "" if count == 1 else "s",
        "" if end.reason == BUDGET else " (%s)" % end.reason)
