"""The repeat range (ev.common.stats): the interval every report prints around a figure
over rounds.  Its promise is about repeat runs, so it is checked against repeat runs drawn
from a known distribution, not only against its formula."""
import math
import random
import statistics

import pytest

from ev.common import stats


def test_t_quantiles_are_student_t_at_99_percent():
    # Checked against the t distribution's own density: the two-sided 99% point of t with
    # k degrees of freedom leaves 0.5% above it.
    for degrees in (1, 2, 4, 9, 29):
        assert upper_tail(stats.t_quantile(degrees), degrees) == pytest.approx(0.005, rel=2e-3)
    # Above the table, the approximation stays within 0.4% of the exact quantile.
    assert upper_tail(stats.t_quantile(40), 40) == pytest.approx(0.005, rel=0.02)


def upper_tail(t, degrees, steps=20000):
    """P(T > t) for Student's t, by integrating its density (Simpson's rule on [t, 60t])."""
    coefficient = math.gamma((degrees + 1) / 2.0) / (
        math.sqrt(degrees * math.pi) * math.gamma(degrees / 2.0))
    density = lambda x: coefficient * (1 + x * x / degrees) ** (-(degrees + 1) / 2.0)
    # Substitute x = t / u (u in (0, 1]) so the heavy tail of small degrees is covered.
    f = lambda u: density(t / u) * t / (u * u) if u > 0 else 0.0
    h = 1.0 / steps
    total = f(0) + f(1.0) + sum((4 if i % 2 else 2) * f(i * h) for i in range(1, steps))
    return total * h / 3


def test_the_range_is_the_rule_on_a_log_scale():
    values = [1.0, 1.1, 0.95, 1.05, 1.0]
    low, high = stats.repeat_range(values)
    logs = [math.log(v) for v in values]
    half = 4.604 * statistics.stdev(logs) * math.sqrt(2 * (math.pi / 2) / 5)
    assert (low, high) == pytest.approx((math.exp(-half), math.exp(half)))
    # On a log scale, a ratio's range is the inverse of its inverse's.
    inverse = stats.repeat_range([1 / v for v in values])
    assert inverse == pytest.approx((1 / high, 1 / low))


def test_no_range_without_two_positive_values():
    assert stats.repeat_range([1.0]) is None
    assert stats.repeat_range([1.0, 0.0, 2.0]) is None
    one = stats.Interval([2.0])
    assert (one.low, one.high, one.spread) == (2.0, 2.0, None)


def test_rounds_get_the_repeat_range_generations_their_lowest_and_highest():
    values = [1.0, 1.1, 0.95]
    rounds = stats.Interval(values, over="rounds")
    generations = stats.Interval(values, over="generations")
    assert rounds.kind == "repeat range" and rounds.low < 0.95 and rounds.high > 1.1
    assert generations.kind == "lowest-highest"
    assert (generations.low, generations.high) == (0.95, 1.1)
    # The spread describes the rounds themselves, whatever the interval.
    assert rounds.spread == generations.spread == pytest.approx(0.15)


@pytest.mark.parametrize("rounds", [3, 5])
def test_a_repeat_runs_median_falls_in_the_range_as_promised(rounds):
    """Runs of ``rounds`` lognormal rounds (sd 6%, like a cell-round here): the median of
    a second run must fall in the first run's range about 99% of the time.  The median's
    variance factor (pi/2) errs wide for so few rounds, so the rate may be higher, but not
    lower than 98%."""
    generator = random.Random(20261129)
    draw = lambda: [math.exp(generator.gauss(0.0, 0.06)) for _ in range(rounds)]
    trials, inside = 4000, 0
    for _ in range(trials):
        low, high = stats.repeat_range(draw())
        inside += low <= statistics.median(draw()) <= high
    assert 0.98 <= inside / float(trials) <= 1.0


def test_min_max_would_not_keep_that_promise():
    """Why the range is not the lowest-highest round: with 3 rounds a repeat run's median
    falls outside it in about two trials in five (normal noise: 40%)."""
    generator = random.Random(7)
    draw = lambda: [generator.gauss(0.0, 1.0) for _ in range(3)]
    trials = 4000
    inside = sum(min(a) <= statistics.median(draw()) <= max(a)
                 for a in (draw() for _ in range(trials)))
    assert 0.55 < inside / float(trials) < 0.65


def drifting(generator, rounds, phi, sd=0.05):
    """Rounds whose neighbours share a slow phase: a log-AR(1) series (correlation phi)."""
    level = generator.gauss(0.0, sd / math.sqrt(1 - phi * phi))
    values = []
    for _ in range(rounds):
        values.append(math.exp(level))
        level = phi * level + generator.gauss(0.0, sd)
    return values


def test_rounds_whose_neighbours_are_alike_get_a_wider_range_that_keeps_its_promise_better():
    """With neighbouring rounds correlated at 0.5, the range counting them as independent
    holds a repeat run's median about 93% of the time (10 rounds); the rule's correction for
    alike neighbours brings that to about 97%, and leaves independent rounds' range alone."""
    generator = random.Random(20261207)
    trials, inside, naive = 2000, 0, 0
    for _ in range(trials):
        first, repeat = drifting(generator, 10, 0.5), drifting(generator, 10, 0.5)
        low, high = stats.repeat_range(first)
        middle = statistics.median(repeat)
        inside += low <= middle <= high
        logs = [math.log(v) for v in first]
        half = stats.t_quantile(9) * statistics.stdev(logs) * math.sqrt(2 * math.pi / 2 / 10)
        centre = statistics.median(first)
        naive += centre * math.exp(-half) <= middle <= centre * math.exp(half)
    assert naive / float(trials) < 0.95 < inside / float(trials)
    trend = [1.0, 1.01, 1.02, 1.03, 1.04, 1.05]           # a steady drift: alike neighbours
    assert stats.effective_count([math.log(v) for v in trend]) < 3
    assert stats.effective_count([0.0, 0.1, 0.0, 0.1, 0.0, 0.1]) == 6


def test_precision_and_the_machines_variation():
    assert stats.precise(stats.Interval.of(100.0, 95.0, 108.0, "rounds", repeats=5))
    assert not stats.precise(stats.Interval.of(100.0, 89.0, 105.0, "rounds", repeats=5))
    assert not stats.precise(stats.Interval.of(100.0, 99.0, 101.0, "generations", repeats=1))
    assert stats.variation([1.0, 1.2, 0.8]) == pytest.approx(0.2)
    assert stats.variation([1.0]) is None
