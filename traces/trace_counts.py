"""One definition of each count of a JIT trace, used by every view (text, JSON, the page, the
summary table), so that one loop shows the same numbers wherever it is read.

- operations: every operation of the trace that emits code, by class (see traces.opclasses);
  bookkeeping (debug_merge_point, label, jump, ...) is never counted.
- the per-iteration body: a loop's operations from its last label on, what runs once per
  iteration (the rest is the preamble, run once on entry); a bridge or an entry bridge runs
  whole each time, so its body is the whole trace.
- per source line: the body's operations of each line, by class (the line badges of the page,
  the rows of the text report).
"""
import collections

from traces.opclasses import classify, count_ops, empty_counts


def operations(trace):
    """Counted operations of the whole trace."""
    return sum(count_ops(trace.ops).values())


def body_counts(trace):
    """{class: operations} of the per-iteration body."""
    return count_ops(trace.body)


def body_operations(trace):
    """Counted operations of the per-iteration body ('ops per iteration')."""
    return sum(body_counts(trace).values())


def per_line(trace):
    """{(filename, lineno): {class: operations}} of the body, in trace order."""
    lines = collections.OrderedDict()
    for op in trace.body:
        cls = classify(op.name, op.args)
        if cls is None:
            continue
        key = op.position.key if op.position else (None, None)
        lines.setdefault(key, empty_counts())[cls] += 1
    return lines


def work(trace):
    """Operations the trace executed: a loop's per-iteration body times its iterations (its
    preamble runs once per entry, and is left out), a bridge's or entry bridge's operations
    times its runs; 0 without counts."""
    runs = trace.iterations or 0
    return runs * (body_operations(trace) if trace.kind == "loop" else operations(trace))


def work_with_bridges(trace, bridges):
    """A loop's work with that of the bridges leaving it (directly or through other
    bridges), each bridge's operations times its runs: what the loop costs, guard failures
    and their paths included.  A bridge's own work alone."""
    if trace.kind == "bridge":
        return work(trace)
    return work(trace) + sum(work(b) for b in bridges if b.root is trace)


def operations_by_function(trace):
    """{function: share of the counted operations} of the per-iteration body (a loop) or the
    whole trace (a bridge), by the merge point each operation follows: how much of a trace is
    code inlined into it from other functions (generators resumed, helpers)."""
    ops = trace.body if trace.kind == "loop" else trace.ops
    counts = collections.Counter()
    for op in ops:
        if op.position is not None and classify(op.name, op.args) is not None:
            counts[op.position.function] += 1
    total = float(sum(counts.values())) or 1.0
    return dict((function, n / total) for function, n in counts.items())
