"""The plan of a run: cells in rounds of rotating order, how long each cell runs in a round,
and when to stop adding rounds.

A round runs every cell once, in an order rotated by one each round, so that over the rounds
every cell takes every position; the cells of the headline's ratios run back to back
(``together``), so that a slow phase of the machine hits both sides of a ratio.  A cell's
first round has a time budget (cheap cells run many generations: PyPy's GA code warms up
over tens of them); its later rounds run a fixed number of generations each, the same in
every round (``later_plan``).  Kept warm (one
process per cell, run in slices), a later round is a short slice, as long as the cell's
precision needs (``slice_plan``); run fresh (a process per cell-round), it repeats the
first round's generations.

After the first round, the headline's block runs in alternating parts (``parts``).

Rounds go on while the headline figures are less precise than the target, and the run's
wall-time cap allows one more round (``Rounds``)."""
import collections
import math
import time

Plan = collections.namedtuple("Plan", "generations seconds minimum maximum")
# A cell-round's length: ``generations`` fixed (seconds None), or a time budget of ``seconds``
# with at least ``minimum`` and at most ``maximum`` generations.


def rotated(cells, round_number):
    """Round k's order: the cell list rotated by k - 1 positions, so that over the rounds
    every cell takes every position and a noisy minute falls on all of them alike."""
    if not cells:
        return []
    shift = (round_number - 1) % len(cells)
    return cells[shift:] + cells[:shift]


def together(cells, round_number, group):
    """Round k's order when the cells of ``group`` (a list of cells, its middle one paired
    with each end) should run back to back: the other cells rotated as ``rotated`` does, the
    group one block among them at a position that moves by one each round, in its order on
    odd rounds and reversed on even ones (so that neither end always runs first)."""
    block = [c for c in group if c in cells]
    if len(block) < 2:
        return rotated(cells, round_number)
    others = rotated([c for c in cells if c not in block], round_number)
    if round_number % 2 == 0:
        block = block[::-1]
    at = (round_number - 1) % (len(others) + 1)
    return others[:at] + block + others[at:]


def parts(block, generations, count):
    """A round's block of headline cells (``together``'s block, in its order) run in
    ``count`` alternating parts instead of one slice each: [(cell, generations), ...] in
    the order to run them.  Each cell's generations for the round (``generations[cell]``)
    are spread over the parts as evenly as whole generations allow (a cell with fewer
    generations than parts skips some); the block runs in its order, then reversed, and so
    on, so that the middle cell always runs beside both ends.  Slow phases of a shared
    machine come and go within seconds (docs/report.md): cells that take turns every few
    tenths of a second share them, where one slice each would not."""
    steps = []
    for part in range(count):
        order = block if part % 2 == 0 else block[::-1]
        for cell in order:
            total = generations[cell]
            share = total * (part + 1) // count - total * part // count
            if share:
                steps.append((cell, share))
    return steps


def later_plan(plan, generations_run):
    """The rounds after the first run the same generations as the first did, so that every
    round of a cell does the same work (same seed, same fitness lines)."""
    if plan.seconds is None or not generations_run:
        return plan
    count = max(plan.minimum, min(plan.maximum, generations_run))
    return Plan(count, None, None, None)


def slice_plan(plan, seconds_per_generation, slice_seconds, minimum):
    """A warm cell's later slices: about ``slice_seconds`` of its steady generations, at
    least ``minimum`` of them (a slice's median needs a few), at most the plan's maximum;
    a plan of fixed generations keeps them."""
    if plan.seconds is None or not seconds_per_generation:
        return plan
    count = int(math.ceil(slice_seconds / seconds_per_generation))
    return Plan(max(minimum, min(plan.maximum, count)), None, None, None)


class Rounds(object):
    """When to stop adding rounds: after ``fixed`` rounds when that is given; else at least
    ``minimum``, then more while a figure is less precise than wanted and the next round
    (as long as the longest so far) still ends within ``cap_seconds`` of the start."""

    def __init__(self, fixed=None, minimum=5, cap_seconds=480.0, maximum=None):
        self.fixed, self.minimum, self.cap = fixed, minimum, cap_seconds
        self.maximum = maximum
        self.began = time.monotonic()
        self.longest = 0.0
        self.done = 0
        self.why_stopped = None

    def elapsed(self):
        return time.monotonic() - self.began

    def finished(self, round_seconds):
        """A round ended after ``round_seconds``.  The first round (every cell's warm-up)
        says little of the next ones: once a later round is known, the longest of those
        is what the next round is expected to take."""
        self.done += 1
        self.longest = round_seconds if self.done == 2 else max(self.longest, round_seconds)

    def left(self):
        """Seconds left before the cap (None: a fixed number of rounds)."""
        return None if self.fixed else max(0.0, self.cap - self.elapsed())

    def more(self, precise):
        """Whether to run another round; ``precise()``: whether every headline figure
        already meets the target (asked only when it matters)."""
        if self.fixed:
            return self.done < self.fixed
        if self.done < self.minimum:
            return True
        if self.maximum and self.done >= self.maximum:
            self.why_stopped = "the most rounds allowed (%d)" % self.maximum
            return False
        if precise():
            self.why_stopped = "precise enough"
            return False
        if self.elapsed() + self.longest > self.cap:
            self.why_stopped = "the wall-time cap (%g min)" % (self.cap / 60)
            return False
        return True
