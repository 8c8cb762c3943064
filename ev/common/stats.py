"""Summaries of per-generation timings: medians, the steady state of a run, and intervals.

One place for the rules every report states: which generations count as steady state
(``steady_start``), how a figure over rounds is summarised (``Interval``: the median and its
repeat range), and when a figure is too noisy to compare (``NOISY_SPREAD``).  ``statistics``
does the arithmetic; pyperf's model (median, spread, a warning above a spread) is followed,
not imported, because measured interpreters need not have it and pyperf states no interval
for a repeat run (its compare_to tests two results at 95%; ``ev report --pyperf`` writes the
rounds for it, ev.reporting.pyperf_suite).
"""
import math
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


# The repeat range: where the figure of a repeat run (same rounds, same machine) is
# expected with this probability.  Two runs' reports are compared figure by figure -- a
# default report states about twenty ratios -- so 95% would leave one outside in most pairs.
REPEAT_COVERAGE = 0.99
# Student's t, two-sided 99% (the 0.995 quantile), by degrees of freedom 1-30: the standard
# table (e.g. NIST/SEMATECH e-Handbook of Statistical Methods, section 1.3.6.7.2).  It holds
# for REPEAT_COVERAGE = 0.99 only (tests/test_repeat_range.py checks it against the density).
T_995 = (63.657, 9.925, 5.841, 4.604, 4.032, 3.707, 3.499, 3.355, 3.250, 3.169,
         3.106, 3.055, 3.012, 2.977, 2.947, 2.921, 2.898, 2.878, 2.861, 2.845,
         2.831, 2.819, 2.807, 2.797, 2.787, 2.779, 2.771, 2.763, 2.756, 2.750)
# A median of n normal values varies like a mean of n / (pi / 2) of them (its asymptotic
# efficiency; 1.43 at n = 5, so this errs wide).
MEDIAN_VARIANCE = math.pi / 2

REPEAT_RULE = (
    "a figure over rounds is the median of the rounds' figures; its interval is the %d%% "
    "repeat range, where a repeat run's median is expected: on a log scale, the median "
    "+- t(%g%%, n-1) x s x sqrt(2 x (pi/2) / m) for n rounds of standard deviation s, where "
    "m, the rounds' effective number, is n x (1 - r) / (1 + r) when neighbouring rounds are "
    "alike (r, their lag-1 autocorrelation corrected for a short series' bias, above 0, at "
    "most 0.9: a slow phase of the machine that spans rounds) and n otherwise; nothing is "
    "dropped as an outlier"
    % (100 * REPEAT_COVERAGE, 100 * (1 + REPEAT_COVERAGE) / 2))

# The precision a headline figure is run for (ev matrix adds rounds until its repeat range
# is within this of its median, on either side, or its wall-time cap comes first).
PRECISION_TARGET = 0.10


def t_quantile(degrees):
    """Student's t at (1 + REPEAT_COVERAGE) / 2 for ``degrees`` >= 1 degrees of freedom
    (above 30: the normal quantile with Fisher's first correction, within 0.4%)."""
    if degrees <= len(T_995):
        return T_995[degrees - 1]
    z = statistics.NormalDist().inv_cdf((1 + REPEAT_COVERAGE) / 2)
    return z + (z ** 3 + z) / (4.0 * degrees)


FEW_ROUNDS = 3       # up to this many rounds, t (63.7 for 2, 9.9 for 3) makes a range wide


def few_rounds_note(rounds):
    """A sentence for a report over 2 or 3 rounds, whose repeat ranges are wide by
    construction (Student's t for 1 or 2 degrees of freedom), else None: a reader should
    not take such a range for a noisy machine."""
    if rounds is None or not 2 <= rounds <= FEW_ROUNDS:
        return None
    degrees = rounds - 1
    return ("With %d rounds a repeat range is wide by construction (Student's t = %.1f for %d "
            "degree%s of freedom; %.1f with 5 rounds): more rounds narrow it."
            % (rounds, t_quantile(degrees), degrees, "" if degrees == 1 else "s",
               t_quantile(4)))


def repeat_range(values):
    """(low, high): the REPEAT_RULE range of positive ``values`` (two at least) around
    their median; None when a value is not positive (no log scale)."""
    if len(values) < 2 or min(values) <= 0:
        return None
    logs = [math.log(v) for v in values]
    half = (t_quantile(len(values) - 1) * statistics.stdev(logs)
            * math.sqrt(2 * MEDIAN_VARIANCE / effective_count(logs)))
    middle = math.log(statistics.median(values))
    return math.exp(middle - half), math.exp(middle + half)


def lag_one_autocorrelation(values):
    """r1 of a series (in the order measured): how much a value is like its neighbour."""
    middle = statistics.mean(values)
    deviations = [v - middle for v in values]
    total = sum(d * d for d in deviations)
    if total == 0:
        return 0.0
    return sum(a * b for a, b in zip(deviations, deviations[1:])) / total


def effective_count(values):
    """How many independent values ``values`` (in the order measured) are worth for their
    mean's variance: n x (1 - r) / (1 + r) when neighbours are alike, n when not (r <= 0,
    or fewer than 4 values, too few to tell).  r is the lag-1 autocorrelation r1 corrected
    for its bias in a short series (Marriott and Pope: r1 falls short of the true value by
    about (1 + 3 r) / n), at most 0.9.  The usual first-order correction for a series whose
    neighbours share a slow phase: treated as independent, such a series' range would be
    too narrow."""
    count = len(values)
    if count < 4:
        return float(count)
    r1 = lag_one_autocorrelation(values)
    r = min(0.9, r1 + (1 + 3 * r1) / count)
    if r <= 0:
        return float(count)
    return count * (1 - r) / (1 + r)


def relative_half_width(interval):
    """The larger distance from a figure's median to its range's ends, over the median
    (0.08: +-8%); None without a range."""
    if not interval or interval.low is None or interval.high is None or not interval.low:
        return None
    return max(interval.high / interval.median - 1, 1 - interval.low / interval.median)


def precise(interval, target=PRECISION_TARGET):
    """Whether a figure's repeat range is within ``target`` of its median on both sides."""
    width = relative_half_width(interval)
    return width is not None and width <= target and interval.repeats >= 2


def variation(values):
    """How much a fixed workload's time moved: half its lowest-highest over its median
    (0.12 for +-12%); None with fewer than two timings."""
    values = [v for v in values if v]
    if len(values) < 2:
        return None
    return (max(values) - min(values)) / 2 / statistics.median(values)


def median(values):
    """The median, or None for no values."""
    values = list(values)
    return statistics.median(values) if values else None


def mean(values):
    """The mean, or None for no values."""
    values = list(values)
    return statistics.fmean(values) if values else None


def steady_median(seconds):
    """Median seconds per generation without the first (imports, JIT warm-up); with a single
    generation, that one.  (The rule ev.cli.evolve prints at the end of a run.)"""
    return median(seconds[1:] if len(seconds) > 1 else seconds)


def median_line(seconds):
    """ev.cli.evolve's closing line: what the median is of, said as it is."""
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
    """A figure over repeats: its median, its interval (low, high) and the spread
    (highest - lowest value) / median.  ``over`` says what was repeated: over "rounds"
    (separate processes) the interval is the repeat range (REPEAT_RULE); over "generations"
    of one process, which are no repeats of a run, it is the lowest-highest value."""

    def __init__(self, values, over="rounds"):
        values = [v for v in values if v is not None]
        self.count = len(values)
        self.repeats = self.count     # a spread needs two values at least
        self.over = over
        self.median = median(values)
        self.lowest = min(values) if values else None
        self.highest = max(values) if values else None
        found = repeat_range(values) if over == "rounds" else None
        self.kind = "repeat range" if found else "lowest-highest"
        self.low, self.high = found or (self.lowest, self.highest)

    @property
    def spread(self):
        if not self.median or self.repeats < 2:
            return None
        return (self.highest - self.lowest) / self.median

    @property
    def noisy(self):
        spread = self.spread
        return None if spread is None else spread > NOISY_SPREAD

    def overlaps(self, other):
        """True when the two min-max intervals share a point: no measurable difference."""
        return self.low <= other.high and other.low <= self.high

    @classmethod
    def of(cls, middle, low, high, over, repeats=2):
        """An Interval given by its median and bounds (e.g. a ratio of two intervals);
        ``repeats``: how many values the bounds come from (fewer than 2: no spread)."""
        found = cls([], over)
        found.median, found.low, found.high = middle, low, high
        found.lowest, found.highest = low, high
        found.count = 0 if middle is None else 1
        found.repeats = repeats
        return found

    def __bool__(self):
        return self.median is not None

    __nonzero__ = __bool__
