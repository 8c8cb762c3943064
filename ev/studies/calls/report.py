"""The report of the calls study: the per-call table and each run_step's, in markdown, from
the model's records and decompositions (ev.studies.calls.model)."""
from ev.studies.calls.cases import CALL, LOOP, WHOLE
from ev.studies.calls.model import TOLERANCE, decomposition, unique


def format_ns(ns):
    if ns is None:
        return "-"
    if abs(ns) >= 1000:
        return "{:,.0f}".format(ns)
    return "%.1f" % ns if abs(ns) >= 10 else "%.2f" % ns


def calls_table(results):
    """The per-call table, in the style of PyO3 #1607: a row per callee, ns per call."""
    labels = [r["label"] for r in results]
    lines = ["| one call of | " + " | ".join("%s ns (net of the loop)" % label
                                           for label in labels) + " |",
             "| --- |" + " ---: |" * len(labels)]
    tables = [dict((rec["name"], rec) for rec in r["records"] if rec["role"] in (CALL, LOOP))
              for r in results]
    for name in unique(name for table in tables for name in table):
        lines.append("| %s | %s |" % (name, " | ".join(
            call_cell(table.get(name)) for table in tables)))
    return "\n".join(lines)


def call_cell(record):
    if record is None:
        return "-"
    if "unavailable" in record:
        return "not measured"
    if record["role"] == LOOP:
        return format_ns(record["ns"])
    return "%s (%s)" % (format_ns(record["ns"]), format_ns(record["net_ns"]))


def run_step_table(results, group):
    """One run_step, statement by statement: alone and in sequence, per interpreter."""
    labels = [r["label"] for r in results]
    found = [decomposition(r["records"], group) for r in results]
    lines = ["| %s | %s |" % (group, " | ".join("%s alone | %s in sequence" % (label, label)
                                                 for label in labels)),
             "| --- |" + " ---: | ---: |" * len(labels)]
    rows = [("the call", [(d["call_alone_ns"], with_spread(d["call_in_sequence_ns"],
                                                            d["call_in_sequence_mad_ns"]))
                          for d in found])]
    for position, statement in enumerate(found[0]["statements"]):
        rows.append(("%d. %s" % (statement["index"], statement["name"]),
                     [(d["statements"][position]["alone_ns"], with_spread(
                         d["statements"][position]["in_sequence_ns"],
                         d["statements"][position]["in_sequence_mad_ns"])) for d in found]))
    rows.append(("**sum of the parts alone / the whole run_step**",
                 [(d["parts_alone_ns"], format_ns(d["whole_ns"])) for d in found]))
    for title, pairs in rows:
        lines.append("| %s | %s |" % (title, " | ".join(
            "%s | %s" % (format_ns(alone), sequence) for alone, sequence in pairs)))
    lines.append("")
    for result, d in zip(results, found):
        lines.append(balance_sentence(result["label"], d))
    return "\n".join(lines)


def with_spread(ns, spread):
    """"1,234 ± 56": a difference of two medians, with the spread of the two runs' values.
    No statement costs less than nothing: a negative difference is noise, said as such (within
    three spreads of 0: "≈ 0"; beyond: not measurable)."""
    if ns is None or spread is None:
        return format_ns(ns)
    if ns < 0:
        if -ns <= 3 * spread:
            return "≈ 0 ± %s" % format_ns(spread)
        return "not measurable (noise: %s ns below 0, spread %s)" % (
            format_ns(-ns), format_ns(spread))
    return "%s ± %s" % (format_ns(ns), format_ns(spread))


def balance_sentence(label, d):
    if d["parts_over_whole"] is None:
        return "%s: %s not measured, or no time beyond the loop." % (label, d["group"])
    tolerance = TOLERANCE * 100
    verdict = {True: "they add up (within %d%%, spread included)" % tolerance,
               False: "they do NOT add up within %d%%: the rest is in how the statements "
                      "run together (the 'in sequence' column)" % tolerance,
               None: "the spread is too wide to tell whether they add up within %d%% "
                     "(time more values)" % tolerance}[d["adds_up"]]
    spread = d.get("parts_over_whole_spread")
    percent = "%.0f%%" % (100 * d["parts_over_whole"]) + (
        " ± %.0f%%" % (100 * spread) if spread is not None else "")
    return "%s, %s: the statements alone add up to %s ns of the whole's %s ns (%s); %s." % (
        label, d["group"], format_ns(d["parts_alone_ns"]), format_ns(d["whole_ns"]),
        percent, verdict)


def markdown(results):
    """results: [{"label", "records"}] per interpreter, records with net_ns."""
    groups = unique(r["group"] for result in results for r in result["records"]
                    if r["role"] == WHOLE)
    return "\n\n".join([calls_table(results)] + [run_step_table(results, group)
                                                 for group in groups]) + "\n"
