"""What benchmarks.sweep says about its measurements: figures over rounds with their repeat
range, where numpy and unrolled code differ measurably, the table, the plot, and sweep.jsonl.

A figure is the median over rounds of the workers' figures, with the repeat range of
ev.common.stats.Interval (REPEAT_RULE).  Two figures differ measurably only when their ranges
do not overlap (Interval.overlaps); the crossover is claimed only where numpy's range lies
entirely below unrolled code's from one size upward, so that a repeat run would not move it
on noise alone.

sweep.jsonl, format history:

    2 - a first line {"format": 2, "benchmark": "benchmarks.sweep", "rounds", "budget",
        "max_state_vars", "chunks", "interpreters", "order" (per round, the interpreters in
        the order they ran), "interval" (the rule), "machine", "created"}; then one record per
        (interpreter, variant, state_vars) with the keys of format 1 plus "interpreter" (its
        label), "rounds", "ns_per_call" (the median over rounds), "ns_per_call_low",
        "ns_per_call_high" (the repeat range) and "ns_per_call_by_round" (round 1 first).
    1 - (before 2026-11-29) records only: implementation, version, variant, state_vars, rows,
        cols, size, ns_per_call (one worker's median over chunks: one round, no range).
"""
import collections
import json

from ev.common.stats import Interval

FORMAT = 2
FORMATS = (1, 2)
BENCHMARK = "benchmarks.sweep"
VARIANTS = ("numpy", "unrolled")
PHRASES = {"numpy": "numpy faster", "unrolled": "unrolled faster",
           "same": "no measurable difference"}


class BadSweepFile(ValueError):
    """A file that is not a sweep.jsonl this code reads; str() is one line."""


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


def in_words(sizes):
    """[(size, verdict)] said by stretches: "unrolled faster at sizes 6-12; no measurable
    difference at size 20; numpy faster from 30" ("from" only for numpy's last stretch, which
    is the crossover)."""
    stretches = []
    for size, found in sizes:
        if stretches and stretches[-1][0] == found:
            stretches[-1][2] = size
        else:
            stretches.append([found, size, size])
    parts = []
    for number, (found, first, last) in enumerate(stretches):
        if found == "numpy" and number == len(stretches) - 1:
            parts.append("%s from %d" % (PHRASES[found], first))
        elif first == last:
            parts.append("%s at size %d" % (PHRASES[found], first))
        else:
            parts.append("%s at sizes %d-%d" % (PHRASES[found], first, last))
    return "; ".join(parts) or "no size measured with both variants"


def conclusions(records):
    """One line per interpreter: the crossover and the stretches that lead to it."""
    lines = []
    for name, sizes in verdicts(records).items():
        size = crossover(sizes)
        head = ("numpy is faster from %d multiply-adds per call on" % size if size else
                "numpy is not measurably faster from any size on")
        lines.append("crossover on %s: %s (%s)" % (name, head, in_words(sizes)))
    return lines


def ns(value):
    """A figure in ns, as precise as it is useful: 12, 2285, 0.31, 3.1e+09."""
    if value >= 1e7 or value < 1:
        return "%.2g" % value
    return "%.0f" % value


def with_interval(record):
    """'2285 (2250-2301) ns', or '2285 ns' when the range is a single value."""
    found = interval_of(record)
    if found.low == found.high:
        return "%s ns" % ns(found.median)
    return "%s (%s-%s) ns" % (ns(found.median), ns(found.low), ns(found.high))


def table(records):
    """A text table: a row per state-variable count, a column per interpreter and variant,
    each figure with its interval."""
    keys = [(name, variant) for name in interpreters_of(records) for variant in VARIANTS
            if any((name_of(r), r["variant"]) == (name, variant) for r in records)]
    cells = dict(((name_of(r), r["variant"], r["state_vars"]), r) for r in records)
    rows = sorted(set(r["state_vars"] for r in records))
    columns = [["%s %s" % key] + [with_interval(cells[key + (k,)]) if key + (k,) in cells
                                  else "-" for k in rows] for key in keys]
    widths = [max(len(text) for text in column) + 2 for column in columns]
    sizes = dict((r["state_vars"], r["size"]) for r in records)
    lines = ["%10s %6s" % ("state_vars", "size") + "".join(
        column[0].rjust(width) for column, width in zip(columns, widths))]
    for number, state_vars in enumerate(rows, 1):
        lines.append("%10d %6d" % (state_vars, sizes[state_vars]) + "".join(
            column[number].rjust(width) for column, width in zip(columns, widths)))
    return "\n".join(lines)


def header(rounds, budget, max_state_vars, chunks, order, rule, machine, created):
    """The first line of a format-2 sweep.jsonl (see the module's docstring)."""
    return collections.OrderedDict([
        ("format", FORMAT), ("benchmark", BENCHMARK), ("rounds", rounds), ("budget", budget),
        ("max_state_vars", max_state_vars), ("chunks", chunks),
        ("interpreters", list(order[0]) if order else []), ("order", order),
        ("interval", rule), ("machine", machine), ("created", created)])


def dumps(head, records):
    """sweep.jsonl's text: the header line, then a line per record."""
    return "".join(json.dumps(line) + "\n" for line in [head] + list(records))


def read(path):
    """(header, records) of a sweep.jsonl of either format; a format-1 file gets the header
    {"format": 1}.  OSError when it cannot be read, BadSweepFile when it is not one."""
    with open(path) as handle:
        lines = [line for line in handle.read().splitlines() if line.strip()]
    try:
        found = [json.loads(line) for line in lines]
    except ValueError as error:
        raise BadSweepFile("%s: not JSON lines (%s)" % (path, error))
    if not found or not all(isinstance(item, dict) for item in found):
        raise BadSweepFile("%s: no records" % path)
    if "format" in found[0]:
        head, records = found[0], found[1:]
        if head["format"] not in FORMATS or head.get("benchmark", BENCHMARK) != BENCHMARK:
            raise BadSweepFile("%s: a %s file of format %r; this reads %s formats %s" % (
                path, head.get("benchmark"), head["format"], BENCHMARK,
                ", ".join(map(str, FORMATS))))
    else:
        head, records = {"format": 1}, found
    needed = ("implementation", "variant", "state_vars", "size", "ns_per_call")
    for record in records:
        missing = [key for key in needed if key not in record]
        if missing:
            raise BadSweepFile("%s: a record without %s" % (path, ", ".join(missing)))
    if not records:
        raise BadSweepFile("%s: no records" % path)
    return head, records


def plot(records, path):
    """ns per call against matrix size, log-log, each point with its repeat range as an error
    bar (each interpreter's points shifted by about 1% along x); the first interpreter's
    unrolled points labelled with their state-variable count (1-8, then every fourth), each
    interpreter's crossover (numpy measurably faster from there on) marked."""
    from ev.reporting.plots import matplotlib, plt, save
    fig, ax = plt.subplots(figsize=(10.5, 5.5))
    names = interpreters_of(records)
    colours = dict((name, "C%d" % (number % 10)) for number, name in enumerate(names))
    for number, name in enumerate(names):
        # Each interpreter's points a little apart along x, so that bars at one size do not
        # hide each other (a log axis: a factor).
        dodge = 1.0 + 0.012 * (number - (len(names) - 1) / 2.0)
        for variant in VARIANTS:
            points = sorted((r["size"], interval_of(r), r["state_vars"]) for r in records
                            if (name_of(r), r["variant"]) == (name, variant))
            if not points:
                continue
            ax.errorbar([p[0] * dodge for p in points], [p[1].median for p in points],
                        yerr=[[p[1].median - p[1].low for p in points],
                              [p[1].high - p[1].median for p in points]],
                        marker="o", markersize=3, capsize=2.5, elinewidth=1,
                        color=colours[name], linestyle="-" if variant == "unrolled" else "--",
                        label="%s %s" % (name, variant))
            if variant == "unrolled" and number == 0:   # once per size, sparser when dense
                for size, found, state_vars in points:
                    if state_vars > 8 and state_vars % 4:
                        continue
                    ax.annotate(str(state_vars), (size, found.median),
                                textcoords="offset points", xytext=(3, 5), fontsize=7,
                                ha="left", color="dimgray")
    ax.set_xscale("log")
    ax.set_yscale("log")
    # Bars that reach far beyond the medians (two or three rounds that disagree) are cut at
    # the frame rather than squashing every median into a line.
    middles = [r["ns_per_call"] for r in records]
    ax.set_ylim(max(min(interval_of(r).low for r in records), min(middles) / 10),
                min(max(interval_of(r).high for r in records), max(middles) * 10))
    bottom = ax.get_ylim()[0]
    for number, (name, size) in enumerate(crossovers(records).items()):
        if size:
            ax.axvline(size, color=colours[name], linestyle=":", linewidth=1.2)
            ax.text(size, bottom * 1.2 * (2.6 ** number), "%s: numpy measurably \nfaster "
                    "from %d " % (name, size), fontsize=8, va="bottom", ha="right",
                    color=colours[name])
    ax.xaxis.set_major_formatter(matplotlib.ticker.FuncFormatter(lambda x, _: "%d" % x))
    ax.xaxis.set_minor_formatter(matplotlib.ticker.NullFormatter())
    ax.set_xlabel("matrix size: rows x cols = multiply-adds per call (small numbers: state "
                  "variables)")
    ax.set_ylabel("ns per run_step call (log)")
    rounds = max(r.get("rounds", 1) for r in records)
    ax.set_title("numpy vs unrolled run_step, by controller size: median of %d round%s%s" % (
        rounds, "" if rounds == 1 else "s", ", bars: 99% repeat range" if rounds > 1 else ""))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize=8)
    save(fig, path)
