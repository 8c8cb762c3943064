"""The sweep study's file, sweep.jsonl: its header line, its records, and the one reader of
every format it has had.

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

FORMAT = 2
FORMATS = (1, 2)
BENCHMARK = "benchmarks.sweep"   # the name format 2 files carry (the study's name then)


class BadSweepFile(ValueError):
    """A file that is not a sweep.jsonl this code reads; str() is one line."""


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
