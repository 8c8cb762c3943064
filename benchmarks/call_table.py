"""benchmarks.calls' arithmetic and tables, on plain records.

A record: {"group", "name", "role", "index", "ns", "mad_ns"} for one case in one
interpreter, or the same with "unavailable" instead of the timings.  Every timing includes
pyperf's timing loop around the statement; ``net_ns`` subtracts the ``loop`` case (never below
0), so that n parts (n loops) can be added up against a whole (one loop).

Each run_step is decomposed twice: every statement *alone* (in its own loop, its operands
the same objects every time), and *in sequence* (what the first k statements cost more than the
first k - 1).  The sum of the parts alone is held against the whole (TOLERANCE); in sequence,
the parts add up to the body by construction, and the difference from "alone" says where the
rest goes.
"""
import math

from benchmarks.call_cases import CALL, LOOP, PART, SEQUENCE, WHOLE

TOLERANCE = 0.20   # the parts must add up to the whole within 20%


def with_net(records):
    """The records with ``net_ns`` (ns minus the timing loop's ns) where both are known."""
    loops = [r["ns"] for r in records if r["role"] == LOOP and "ns" in r]
    loop = loops[0] if loops else 0.0
    return [dict(r, net_ns=max(r["ns"] - loop, 0.0)) if "ns" in r and r["role"] != LOOP
            else dict(r) for r in records]


def unique(items):
    """The items in their first order, each once."""
    return list(dict.fromkeys(items))


def net(record):
    return record.get("net_ns") if record else None


def decomposition(records, group):
    """One run_step group: the whole, the call, each statement alone and in sequence, the
    sums; None for what was not measured."""
    members = [r for r in records if r["group"] == group]
    whole = next((r for r in members if r["role"] == WHOLE), None)
    call = next((r for r in members if r["role"] == PART and r.get("index") is None), None)
    alone = dict((r["index"], r) for r in members if r["role"] == PART and r.get("index"))
    prefixes = dict((r["index"], r) for r in members if r["role"] == SEQUENCE)
    statements = []
    for index in sorted(alone):
        before = 0.0 if index == 1 else net(prefixes.get(index - 1))
        upto = net(prefixes.get(index))
        statements.append({"index": index, "name": alone[index]["name"],
                           "alone_ns": net(alone[index]),
                           "alone_mad_ns": alone[index].get("mad_ns"),
                           "in_sequence_ns": None if before is None or upto is None
                           else upto - before,
                           "in_sequence_mad_ns": difference_spread(
                               prefixes.get(index - 1), prefixes.get(index))})
    inline = net(prefixes.get(max(prefixes))) if prefixes else None
    found = {"group": group, "whole_ns": net(whole), "call_alone_ns": net(call),
             "call_in_sequence_ns": None if net(whole) is None or inline is None
             else net(whole) - inline,
             "call_in_sequence_mad_ns": difference_spread(
                 prefixes.get(max(prefixes)) if prefixes else None, whole),
             "body_inline_ns": inline, "statements": statements}
    parts = [net(call)] + [s["alone_ns"] for s in statements]
    found["parts_alone_ns"] = None if None in parts else sum(parts)
    ratio = None
    if found["parts_alone_ns"] is not None and found["whole_ns"]:
        ratio = found["parts_alone_ns"] / found["whole_ns"]
    found["parts_over_whole"] = ratio
    found["parts_over_whole_spread"] = ratio_spread(
        ratio, found["parts_alone_ns"], [call] + [alone[i] for i in sorted(alone)], whole)
    found["adds_up"] = adds_up(ratio, found["parts_over_whole_spread"])
    return found


def ratio_spread(ratio, parts_ns, parts, whole):
    """The spread of sum(parts) / whole, from the records' spreads (relative spreads added in
    quadrature); None when a spread is unknown."""
    spreads = [r.get("mad_ns") for r in parts + [whole] if r is not None]
    if ratio is None or not parts_ns or None in spreads or whole is None:
        return None
    parts_spread = math.sqrt(sum(r["mad_ns"] ** 2 for r in parts if r is not None))
    return ratio * math.hypot(parts_spread / parts_ns, whole["mad_ns"] / whole["net_ns"])


def adds_up(ratio, spread):
    """True when the parts add up to the whole within TOLERANCE whatever the noise, False when
    they miss it whatever the noise, None when the spread cannot tell."""
    if ratio is None:
        return None
    spread = spread or 0.0
    if abs(ratio - 1.0) + spread <= TOLERANCE:
        return True
    if abs(ratio - 1.0) - spread > TOLERANCE:
        return False
    return None


def difference_spread(first, second):
    """The spread of second - first (their median absolute deviations added in quadrature;
    first may be None: nothing before the first statement)."""
    spreads = [r.get("mad_ns") for r in (first, second) if r is not None]
    if second is None or None in spreads:
        return None
    return math.sqrt(sum(spread ** 2 for spread in spreads))


def decompositions(records):
    groups = unique(r["group"] for r in records if r["role"] == WHOLE)
    return [decomposition(records, group) for group in groups]


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
