"""python -m traces.compare A.prof B.prof [--top 5] [--json]: do two recordings of one command
agree on where the time went?

Each recording's self time is taken by Python function, the C it called folded into it (the
innermost Python frame of each sample is charged), so that a sampler that sees native frames
and one that does not are compared on what both see.  Functions are matched by qualified name
and file name; shares are of the samples that have a Python frame.  Exit status 0 when the top functions of both are the same and each is within
the tolerance (5 percentage points of all samples), 1 otherwise: the independent check an
attribution needs before it is trusted.
"""
import collections
import json
import os
import sys

import click

from traces.errors import InputError
from traces.model import PY
from traces.profile_reader import read_profile

TOLERANCE = 0.05
FLOOR = 0.01      # a share below 1% ranks nothing: a program of two functions has no top five


def python_self(profile):
    """({(qualified name, file name): share} charged to the innermost Python frame, of the
    samples that have one; the share of the samples left out): a sample without (the
    interpreter starting or collecting at exit, a native thread, austin's ':INVALID:' stacks)
    has no Python caller to fold into, and a sampler that reads Python frames only (austin)
    does not record it at all."""
    weights, left_out = collections.Counter(), 0.0
    for frames, weight in profile.samples:
        python = [f for f in frames if f.kind == PY]
        if python:
            weights[(python[-1].name, os.path.basename(python[-1].filename or ""))] += weight
        else:
            left_out += weight
    kept = float(sum(weights.values()))
    return (dict((key, w / (kept or 1.0)) for key, w in weights.items()),
            left_out / ((kept + left_out) or 1.0))


def agreement(first, second, top=5, tolerance=TOLERANCE):
    """The comparison of two profiles' top ``top`` functions by self time (C folded into its
    Python caller): rows of function, both shares and their difference; ``same``: the same
    functions (a function ranked just past ``top`` on one side counts when its share is
    within half the tolerance of the last listed one's: a tie at the boundary that two
    samplers' error cannot break); ``within``:
    every listed function within ``tolerance``."""
    (a, a_out), (b, b_out) = python_self(first), python_self(second)
    # functions under FLOOR on a side are sampling noise, not a ranking to agree on
    top_a = [k for k in ranked(a)[:top] if a[k] >= FLOOR]
    top_b = [k for k in ranked(b)[:top] if b[k] >= FLOOR]
    rows = [{"function": "%s (%s)" % key, "first": a.get(key, 0.0), "second": b.get(key, 0.0),
             "difference": a.get(key, 0.0) - b.get(key, 0.0)}
            for key in top_a + [k for k in top_b if k not in top_a]]
    same = tied(top_a, top_b, a, tolerance / 2, top) and tied(top_b, top_a, b, tolerance / 2,
                                                                top)
    within = all(abs(row["difference"]) <= tolerance for row in rows)
    return {"first": first.path, "second": second.path,
            "first_sampler": first.sampler, "second_sampler": second.sampler,
            "first_samples": first.samples_taken, "second_samples": second.samples_taken,
            "first_left_out": a_out, "second_left_out": b_out,
            "interpreters": [first.interpreter, second.interpreter],
            "top": top, "tolerance": tolerance, "rows": rows, "same_functions": same,
            "within_tolerance": within, "agree": same and within}


def ranked(shares):
    return [key for key, _ in sorted(shares.items(), key=lambda item: (-item[1], item[0]))]


def tied(mine, theirs, shares, margin, top=None):
    """Every function of ``theirs`` is in ``mine``, or on ``mine``'s side within ``margin``
    of the last listed one -- of FLOOR when ``mine`` lists fewer than ``top`` (the rest
    were under it: a function at 1.2% on one side and 0.7% on the other is a tie)."""
    full = mine and (top is None or len(mine) >= top)
    floor = shares[mine[-1]] if full else FLOOR
    return all(key in mine or shares.get(key, 0.0) >= floor - margin for key in theirs)


def render(result):
    out = ["%s (%s, %d samples) against %s (%s, %d samples): top %d by self time, C folded "
           "into its Python caller" % (result["first"], result["first_sampler"],
                                       result["first_samples"], result["second"],
                                       result["second_sampler"], result["second_samples"],
                                       result["top"]),
           "%7s %7s %7s  %s" % ("first", "second", "diff", "function")]
    if len(set(result["interpreters"])) > 1:
        out.insert(1, "warning: recorded on %s and on %s: two interpreters run different code "
                      "(a comparison of samplers needs one program on one interpreter)"
                   % tuple(result["interpreters"]))
    for side in ("first", "second"):
        if result[side + "_left_out"] > 0.01:
            out.insert(1, "%s: %.1f%% of its samples have no Python frame (start-up, exit, "
                          "stacks the sampler could not read) and are left out; the shares "
                          "are of the rest" % (side, 100 * result[side + "_left_out"]))
    for row in result["rows"]:
        out.append("%6.1f%% %6.1f%% %+6.1f  %s" % (100 * row["first"], 100 * row["second"],
                                                   100 * row["difference"], row["function"]))
    out.append("agree: %s (same functions: %s; each within %.0f points: %s)" % (
        "yes" if result["agree"] else "NO", result["same_functions"],
        100 * result["tolerance"], result["within_tolerance"]))
    return "\n".join(out)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("first", type=click.Path(dir_okay=False))
@click.argument("second", type=click.Path(dir_okay=False))
@click.option("--top", default=5, show_default=True, help="Functions to compare.")
@click.option("--json", "as_json", is_flag=True, help="Print the comparison as JSON.")
def main(first, second, top, as_json):
    """Compare two recordings of one command (e.g. by py-spy and by austin)."""
    try:
        result = agreement(read_profile(first), read_profile(second), top)
    except InputError as error:
        click.echo("error: %s" % error, err=True)
        sys.exit(2)
    click.echo(json.dumps(result, indent=1) if as_json else render(result))
    sys.exit(0 if result["agree"] else 1)


if __name__ == "__main__":
    main()
