"""The model of the calls study: its arithmetic, on plain records (its tables: ``report``).

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

from ev.studies.calls.cases import LOOP, PART, SEQUENCE, WHOLE

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
