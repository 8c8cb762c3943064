"""How a report words a comparison: by the intervals, never by two bare medians.

"A is faster than B" only when the repeat range of B's s/gen over A's, taken within rounds,
lies above 1 (below 1: "slower"); when it holds 1, "no measurable difference".  The ratio
within rounds, not the two cells' own s/gen ranges, decides: a minute that slows a round
slows both cells of it, and the paired ratio leaves that out where the cells' ranges keep
it (two cells' ranges may overlap while B took longer than A in every round, by a ratio
whose range is well above 1).  A ratio is printed with its interval: "3.1x (2.9-3.4x)".
"""
import math

from ev.common.stats import Interval


def seconds_interval(row, key="median_seconds"):
    """A row's s/gen (or evaluation s/gen) as an Interval."""
    return Interval.of(getattr(row, key), getattr(row, key + "_low"),
                       getattr(row, key + "_high"),
                       row.spread_over or "rounds")


def ratio_text(middle, low, high, digits=None):
    """'3.1x (2.9-3.4x)', or '3.1x' when the interval is a point; a range that excludes 1
    gets the digits to show it ('1.21x (1.004-1.47x)' -> '1.210x (1.004-1.470x)')."""
    if middle is None:
        return "-"
    digits = digits if digits is not None else decimals(middle)
    if low is not None and high is not None and not low <= 1.0 <= high:
        while digits < 6 and any(round(bound, digits) == 1.0 for bound in (low, high)):
            digits += 1      # a range that excludes 1 never prints as reaching it
    pattern = "%%.%dfx" % digits
    text = pattern % middle
    if low is not None and high is not None and (pattern % low) != (pattern % high):
        text += " (%s-%s)" % ((pattern % low)[:-1], pattern % high)
    return text


def decimals(value):
    """Two significant digits below 1 (0.0021x, not 0.00x), fewer decimals above."""
    if 0 < value < 1:
        return max(2, 1 - int(math.floor(math.log10(value))))
    return 2 if value < 10 else 1 if value < 100 else 0


def ratio_of(interval):
    """An Interval of a ratio as ratio_text prints it; '-' for None (a ratio not taken)."""
    if not interval:
        return "-"
    return ratio_text(interval.median, interval.low, interval.high)


def verdict(a, b, ratio):
    """"faster" (a than b), "slower", "same" (no measurable difference) or None (no
    timings); ``ratio``: the Interval of b's s/gen over a's within rounds, which decides
    (see the module's docstring), None when either row has no timings.  The rows themselves
    are not consulted: their own s/gen ranges may overlap while the ratio's does not (a
    slow minute slows both cells of a round, and the ratio within rounds leaves it out)."""
    if not ratio:
        return None
    if contains_one(ratio):
        return "same"
    return "faster" if ratio.median > 1 else "slower"


def compare(a, b, ratio):
    """A sentence fragment comparing rows a and b (see verdict): 'a is faster than b: 3.1x
    (2.9-3.4x)', 'a is slower than b: it takes 1.5x (1.4-1.6x) as long', or 'no measurable
    difference between a and b (1.04x, 0.95-1.12x)'."""
    found = verdict(a, b, ratio)
    if found is None:
        return "%s and %s cannot be compared (no timings)" % (a.cell, b.cell)
    if found == "faster":
        return "%s is faster than %s: %s" % (a.cell, b.cell, ratio_of(ratio))
    if found == "slower":
        return "%s is slower than %s: it takes %s as long" % (a.cell, b.cell,
                                                               ratio_of(inverse(ratio)))
    return "no measurable difference between %s and %s (%s)" % (a.cell, b.cell,
                                                                 ratio_of(ratio))


def contains_one(interval):
    return bool(interval) and interval.low <= 1.0 <= interval.high


def inverse(interval):
    """1/x of an Interval (a speed-up read as a slow-down)."""
    return Interval.of(1.0 / interval.median, 1.0 / interval.high, 1.0 / interval.low,
                       interval.over)


def seconds_text(value):
    """Seconds with four significant digits at most and the zeros kept: '1.000', '0.0312'."""
    if value is None:
        return "-"
    return "%.3f" % value if value >= 0.1 else "%.4f" % value if value >= 0.001 else "%.2e" % value


def interval_text(row, key="median_seconds"):
    """'0.0312 s (0.0300-0.0330)' for a row's s/gen."""
    found = seconds_interval(row, key)
    if not found:
        return "-"
    return "%s s (%s-%s)" % (seconds_text(found.median), seconds_text(found.low),
                             seconds_text(found.high))


def spread_text(row):
    """'7%', '**14% noisy**', or '-' (no spread: no timings, or a single value)."""
    if row.spread is None:
        return "-"
    text = "%.0f%%" % (100 * row.spread)
    if row.spread_over == "generations":
        text += " (gens)"
    return "**%s noisy**" % text if row.noisy else text


def join(names):
    names = list(names)
    if len(names) <= 1:
        return "".join(names)
    return "%s and %s" % (", ".join(names[:-1]), names[-1])
