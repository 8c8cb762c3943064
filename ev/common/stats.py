"""Summaries of per-generation timings: medians, the steady state of a run, and intervals.

One place for the rules every report states: which generations count as steady state
(``steady_start``), how a figure over rounds is summarised (``Interval``: median, min-max),
and when a figure is too noisy to compare (``NOISY_SPREAD``).  ``statistics`` does the
arithmetic; pyperf's model (median, min-max, a warning above a spread) is followed, not
imported, because measured interpreters need not have it.
"""
import statistics

# A figure whose min-max over rounds, relative to its median, exceeds this is "noisy".
NOISY_SPREAD = 0.10
# Steady state: generations within this fraction of the run's settled level ...
STEADY_TOLERANCE = 0.10
# ... and at least this many generations count (fewer only when the run is shorter).
STEADY_MINIMUM = 3

STEADY_RULE = (
    "a round's steady state starts at the first generation after generation 0 that is within "
    "%d%% of the median of the round's last third (at least its last %d generations), and so "
    "is the median of it and the next two; at least %d generations always count, fewer only "
    "in a shorter run; a run of one generation counts its first"
    % (100 * STEADY_TOLERANCE, STEADY_MINIMUM, STEADY_MINIMUM))


def median(values):
    """The median, or None for no values."""
    values = list(values)
    return statistics.median(values) if values else None


def steady_median(seconds):
    """Median seconds per generation without the first (imports, JIT warm-up); with a single
    generation, that one.  (The rule ev.cli.main prints at the end of a run.)"""
    return median(seconds[1:] if len(seconds) > 1 else seconds)


def median_line(seconds):
    """ev.cli.main's closing line: what the median is of, said as it is."""
    count = len(seconds)
    if count == 1:
        return ("# 1 generation, median %.3f secs/generation (of the first and only "
                "generation: warm-up included)" % seconds[0])
    if count == 2:
        return ("# 2 generations, median %.3f secs/generation (excluding the first: a single "
                "generation)" % seconds[1])
    return ("# %d generations, median %.3f secs/generation (excluding the first)"
            % (count, steady_median(seconds)))


def steady_start(seconds):
    """The index of the first steady-state generation (see STEADY_RULE): on PyPy the GA's
    code keeps warming for tens of generations, so a fixed "all but the first" would count
    warm-up as steady.  0 only for a run of one generation."""
    count = len(seconds)
    if count <= 1:
        return 0
    latest = max(1, count - STEADY_MINIMUM)
    if latest == 1:
        return 1
    settled = median(seconds[-max(STEADY_MINIMUM, (count - 1) // 3):])
    ceiling = settled * (1 + STEADY_TOLERANCE)
    for start in range(1, latest + 1):
        if seconds[start] <= ceiling and median(seconds[start:start + 3]) <= ceiling:
            return start
    return latest


class Interval(object):
    """A figure over repeats: its median, lowest and highest value, and the spread
    (high - low) / median.  ``over`` says what was repeated ("rounds", "generations")."""

    def __init__(self, values, over="rounds"):
        values = [v for v in values if v is not None]
        self.count = len(values)
        self.over = over
        self.median = median(values)
        self.low = min(values) if values else None
        self.high = max(values) if values else None

    @property
    def spread(self):
        if not self.median:
            return None
        return (self.high - self.low) / self.median

    @property
    def noisy(self):
        spread = self.spread
        return None if spread is None else spread > NOISY_SPREAD

    def overlaps(self, other):
        """True when the two min-max intervals share a point: no measurable difference."""
        return self.low <= other.high and other.low <= self.high

    @classmethod
    def of(cls, middle, low, high, over):
        """An Interval given by its median and bounds (e.g. a ratio of two intervals)."""
        found = cls([], over)
        found.median, found.low, found.high = middle, low, high
        found.count = 0 if middle is None else 1
        return found

    def __bool__(self):
        return self.median is not None

    __nonzero__ = __bool__
