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
