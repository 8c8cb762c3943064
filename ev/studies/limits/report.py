"""The report of the limits study: a markdown table (``--json``: the rows)."""
from ev.common.stats import REPEAT_RULE, few_rounds_note
from ev.studies.limits.cases import BATCH


def with_range(row, key):
    """A ratio as 'median (its repeat range over rounds)', or '-'."""
    if row.get(key) is None:
        return "-"
    if row[key + "_low"] == row[key + "_high"]:
        return "%.2f" % row[key]
    return "%.2f (%.2f-%.2f)" % (row[key], row[key + "_low"], row[key + "_high"])


def markdown(rows, options):
    lines = [("%(creatures)d creatures of a seed-%(seed)d run (population %(population)d, "
              "generations 0-%(last)d)" if options["batches"] == "recorded" else
              "%(creatures)d controllers at full thrust") % options
             + ", %(rounds)d interleaved rounds of %(passes)d timed pass(es); medians over "
               "rounds." % options, "",
             "| contender | ms / %d creatures | vs C | vs the first PyPy's specialized "
             "| fitness as ev's |" % BATCH, "| --- | ---: | ---: | ---: | --- |"]
    for row in rows:
        if "unavailable" in row:
            lines.append("| %s | not run: %s | | | |" % (row["contender"], row["unavailable"]))
            continue
        lines.append("| %s | %.2f | %s | %s | %s |" % (
            row["contender"], row["ms_per_batch"], with_range(row, "vs_c"),
            with_range(row, "vs_pypy_specialized"), agreement(row)))
    few = few_rounds_note(options["rounds"])
    return "\n".join(lines + ["", "vs C: over the first interpreter's C contender's time in "
                               "the same round, summarised over rounds: %s. A single figure "
                               "when every round gave the same.%s" % (
                                   REPEAT_RULE, " " + few if few else "")])


def agreement(row):
    if not row["mismatches"]:
        return "bit for bit"
    text = "%d differ, by up to %.1e" % (row["mismatches"], row["largest_difference"])
    return text if row["agrees"] else "**NO: %s**" % text
