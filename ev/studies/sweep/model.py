"""The model of the sweep study: one figure per (interpreter, variant, state variables) over
rounds -- the median of the workers' figures with its repeat range (ev.common.stats.Interval,
REPEAT_RULE) -- and where numpy and unrolled code differ measurably.  Two figures differ
measurably only when their ranges do not overlap (Interval.overlaps); the crossover is claimed
only where numpy's range lies entirely below unrolled code's from one size upward, so that a
repeat run would not move it on noise alone."""
import collections

from ev.common.stats import Interval

VARIANTS = ("numpy", "unrolled")


def name_of(record):
    """The interpreter a record belongs to: its label (format 2) or implementation (1)."""
    return record.get("interpreter") or record["implementation"]


def interval_of(record):
    """The record's figure as an Interval over rounds (a format-1 record: a single value)."""
    middle = record["ns_per_call"]
    return Interval.of(middle, record.get("ns_per_call_low", middle),
                       record.get("ns_per_call_high", middle), "rounds",
                       repeats=record.get("rounds", 1))


def combine(by_round):
    """One record per (interpreter, variant, state_vars) from the workers' records of every
    round (a list per round, round 1 first): the first round's record with ns_per_call made
    the median over rounds, plus rounds, ns_per_call_low/_high (the repeat range; with one
    round, the value itself) and ns_per_call_by_round.  Order: the first round's."""
    groups = collections.OrderedDict()
    for records in by_round:
        for record in records:
            key = (name_of(record), record["variant"], record["state_vars"])
            groups.setdefault(key, []).append(record)
    combined = []
    for found in groups.values():
        values = [r["ns_per_call"] for r in found]
        interval = Interval(values, over="rounds")
        record = dict(found[0])
        record.pop("round", None)
        record.update(rounds=len(values), ns_per_call=interval.median,
                      ns_per_call_low=interval.low, ns_per_call_high=interval.high,
                      ns_per_call_by_round=values)
        combined.append(record)
    return combined


def interpreters_of(records):
    """The interpreters' names in the order they first appear."""
    return list(collections.OrderedDict((name_of(r), None) for r in records))


def verdicts(records):
    """Per interpreter, [(size, verdict)] by ascending matrix size, for each size measured with
    both variants; verdict: "numpy" / "unrolled" (its interval lies entirely below the
    other's) or "same" (the intervals overlap: no measurable difference)."""
    result = collections.OrderedDict()
    for name in interpreters_of(records):
        pairs = {}
        for r in records:
            if name_of(r) == name:
                pairs.setdefault(r["size"], {})[r["variant"]] = interval_of(r)
        result[name] = [(size, verdict(pairs[size]["numpy"], pairs[size]["unrolled"]))
                        for size in sorted(pairs) if len(pairs[size]) == 2]
    return result


def verdict(numpy, unrolled):
    if numpy.overlaps(unrolled):
        return "same"
    return "numpy" if numpy.high < unrolled.low else "unrolled"


def crossover(sizes):
    """The smallest size from which numpy is measurably faster at every larger size measured,
    or None; ``sizes``: [(size, verdict)] ascending (one interpreter's ``verdicts``)."""
    crossing = None
    for size, found in reversed(sizes):
        if found != "numpy":
            break
        crossing = size
    return crossing


def crossovers(records):
    """{interpreter: crossover size or None}."""
    return dict((name, crossover(sizes)) for name, sizes in verdicts(records).items())
