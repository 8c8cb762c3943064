"""The report of the sweep study: what it says about its measurements, in words (the crossover
and the stretches that lead to it), a table, and a plot."""
from ev.studies.sweep.model import (VARIANTS, crossover, crossovers, interpreters_of,
                                    interval_of, name_of, verdicts)

PHRASES = {"numpy": "numpy faster", "unrolled": "unrolled faster",
           "same": "no measurable difference"}


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
