"""python -m traces.known_split [--rounds 3] [--json]: check PyPy's per-function attribution
against a program whose split is known by construction (traces/known_split_program.py).

Each round, in one sitting and alternating: ``light`` alone, ``heavy`` alone, then ``main``
(both, one after the other) recorded with traces.record (profile and JIT log).  The parts run
alone are timed inside their process, recorded the same way (so that the recorder's own cost
is in the truth too); their times give each loop's true share of ``main``.  The profile of
``main`` is read with traces.profile's reader, and each function's total (its samples with it
anywhere on the stack, under ``main``) set against the truth.  Prints the median of the rounds
and every round's figures; exit 1 when a total is more than 5 points off or the two siblings
add up past 100%.  Also against the recorded run's own timing of its two loops (CPU time,
inside the recorded process): on these machines ``light``'s time alone varies by up to 1.8x
from one process to the next with the same JIT code (0.52-0.94 s on PyPy 8.0, where ``heavy``
stayed at 1.35-1.43 s), so the parts run alone bound the truth less tightly than the run's own
clock does.

Two measures, two truths.  The number of samples is set against CPU time: vmprof's timer
signals to a program off the CPU wait and merge into one, so the samples count (about) the
periods it ran.  PyPy 8.0's vmprof also stamps each sample, and its reader weights a sample
by the time since the one before (at least one period): the weighted totals, those
``traces.profile`` prints, are wall-clock time, set against the parts' wall-clock time.  On
PyPy 7.3.11 (no stamps) the two are the same.  On a machine busy with other work the
wall-clock shares move with the load from one run to the next (the part that ran while
another program had the core gets more), which no profiler can undo: the check is on the
number of samples against CPU time.
"""
import json
import os
import statistics
import subprocess
import sys
import tempfile

import click

from traces.errors import InputError
from traces.processors import under_function
from traces.profile_reader import read_profile
from traces.project import Project
from traces.samples import PY

PROGRAM = os.path.join(os.path.dirname(os.path.abspath(__file__)), "known_split_program.py")
CHECKOUT = os.path.dirname(os.path.dirname(PROGRAM))
PARTS = ("light", "heavy")
TOLERANCE = 0.05


def record(folder, part, sizes, tag, rounds=1):
    """Run the program recorded (profile and JIT log); return (its timings, profile path)."""
    stem = os.path.join(folder, "%s-%s" % (part, tag))
    times = stem + ".times.json"
    command = [sys.executable, "-m", "traces.record", "--profile", stem + ".prof",
               "--jit-log", stem + ".jitlog", "--project", os.path.dirname(PROGRAM), "--",
               PROGRAM, part, str(sizes[0]), str(sizes[1]), times, str(rounds)]
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [CHECKOUT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    done = subprocess.run(command, cwd=CHECKOUT, env=env, stdout=subprocess.DEVNULL,
                          stderr=subprocess.PIPE, universal_newlines=True)
    if done.returncode != 0:
        raise click.ClickException("the recorded program failed: %s"
                                   % (done.stderr.strip().splitlines() or ["?"])[-1])
    with open(times) as found:
        return json.load(found), stem + ".prof"


def totals(profile_path, functions):
    """Each function's total share of the samples under ``main`` (by number of samples, and
    by weight: the time each stands for), and the JIT log's counts (samples corrected, left
    uncertain)."""
    profile = read_profile(profile_path, project=Project([os.path.dirname(PROGRAM)]))
    under = [(frames, w) for frames, w in ((under_function(f, "main"), w)
                                           for f, w in profile.samples) if frames]
    weight = float(sum(w for _, w in under)) or 1.0
    count = float(len(under)) or 1.0
    shares, weighted = {}, {}
    for name in functions:
        having = [w for frames, w in under if any(f.kind == PY and f.name == name for f in frames)]
        shares[name] = len(having) / count
        weighted[name] = sum(having) / weight
    jit = profile.jit.to_json() if profile.jit else None
    return shares, weighted, jit


def cpu_and_wall(timed):
    """({part: CPU seconds}, {part: wall seconds}) of a times file."""
    return (dict((p, timed[p]) for p in PARTS if p in timed),
            dict((p, s) for p, s in timed.get("wall", {}).items()))


def shares_of(seconds):
    whole = float(sum(seconds[p] for p in PARTS)) or 1.0
    return dict((p, seconds[p] / whole) for p in PARTS)


def one_round(folder, sizes, index, rounds):
    alone, alone_wall = {}, {}
    for part in (PARTS if index % 2 == 0 else PARTS[::-1]):
        timed, _ = record(folder, part, sizes, "r%d" % index, rounds)
        cpu, wall = cpu_and_wall(timed)
        alone.update(cpu)
        alone_wall.update(wall)
    timed, prof = record(folder, "both", sizes, "r%d" % index, rounds)
    shares, weighted, jit = totals(prof, PARTS + ("mix", "scale"))
    in_run_cpu, in_run_wall = cpu_and_wall(timed)
    return {"alone_seconds": alone, "alone_wall_seconds": alone_wall,
            "truth": shares_of(alone), "wall_truth": shares_of(alone_wall) if alone_wall else None,
            "in_run_truth": shares_of(in_run_cpu),
            "in_run_wall_truth": shares_of(in_run_wall) if in_run_wall else None,
            "profile": prof, "totals": shares, "weighted_totals": weighted,
            "jit_attribution": jit}


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--rounds", default=3, show_default=True)
@click.option("--light", "n_light", default=100000000, show_default=True,
              help="Iterations of the light loop.")
@click.option("--heavy", "n_heavy", default=200000000, show_default=True,
              help="Iterations of the heavy loop.")
@click.option("--in-main", "in_main", default=1, show_default=True,
              help="Rounds of the two loops in main (more than one: main's loop is compiled "
                   "and calls the loops' code JIT to JIT).")
@click.option("--keep", type=click.Path(file_okay=False),
              help="Keep the recordings in this folder [default: a temporary one].")
@click.option("--json", "as_json", is_flag=True)
def main(rounds, n_light, n_heavy, in_main, keep, as_json):
    """Check per-function totals on PyPy against a program whose split is known."""
    folder = keep or tempfile.mkdtemp(prefix="known-split-")
    os.makedirs(folder, exist_ok=True)
    try:
        results = [one_round(folder, (n_light, n_heavy), i, in_main) for i in range(rounds)]
    except InputError as error:
        raise click.ClickException(str(error))
    summary, weighted, in_run = {}, {}, {}
    for part in PARTS:
        truth = statistics.median(r["truth"][part] for r in results)
        found = statistics.median(r["totals"][part] for r in results)
        summary[part] = {"truth": truth, "profile": found, "off": found - truth}
        in_run[part] = statistics.median(r["totals"][part] - r["in_run_truth"][part]
                                         for r in results)
        if all(r["wall_truth"] for r in results):
            truth = statistics.median(r["wall_truth"][part] for r in results)
            found = statistics.median(r["weighted_totals"][part] for r in results)
            weighted[part] = {"truth": truth, "profile": found, "off": found - truth}
    sibling = statistics.median(sum(r["totals"][p] for p in PARTS) for r in results)
    sibling_weighted = statistics.median(sum(r["weighted_totals"][p] for p in PARTS)
                                         for r in results)
    ok = all(abs(s["off"]) <= TOLERANCE for s in summary.values()) and sibling <= 1.0 + 1e-9 \
        and sibling_weighted <= 1.0 + 1e-9
    out = {"rounds": results, "median": summary, "siblings": sibling, "median_off_in_run": in_run,
           "median_weighted": weighted, "siblings_weighted": sibling_weighted, "ok": ok,
           "folder": folder, "python": sys.version.split()[0],
           "implementation": "%s %s" % (sys.implementation.name, ".".join(
               str(n) for n in getattr(sys, "pypy_version_info", sys.version_info)[:3]))}
    if as_json:
        click.echo(json.dumps(out, indent=1))
    else:
        click.echo("%s: median of %d rounds (truth: each loop run alone, recorded the same "
                   "way, CPU time; the profile: number of samples):" % (out["implementation"],
                                                                        rounds))
        for part, row in summary.items():
            click.echo("  %-6s truth %5.1f%%  profile %5.1f%%  off %+5.1f points" % (
                part, 100 * row["truth"], 100 * row["profile"], 100 * row["off"]))
        click.echo("  light + heavy in the profile: %.1f%%" % (100 * sibling))
        click.echo("against the recorded run's own timing of its loops (CPU time), the median "
                   "of each round's difference: %s" % ", ".join(
                       "%s %+.1f points" % (p, 100 * d) for p, d in in_run.items()))
        if weighted:
            click.echo("weighted by the time each sample stands for (what traces.profile prints), "
                       "against wall-clock time:")
            for part, row in weighted.items():
                click.echo("  %-6s truth %5.1f%%  profile %5.1f%%  off %+5.1f points" % (
                    part, 100 * row["truth"], 100 * row["profile"], 100 * row["off"]))
            click.echo("  light + heavy in the profile: %.1f%%" % (100 * sibling_weighted))
        for i, r in enumerate(results):
            click.echo("round %d: alone %s; in the recorded run %s; profile %s (weighted %s); %s"
                       % (i + 1, ", ".join("%s %.2f s" % kv
                                           for kv in sorted(r["alone_seconds"].items())),
                          percents(r["in_run_truth"]), percents(r["totals"]),
                          percents(r["weighted_totals"]),
                          jit_counts(r["jit_attribution"])))
        click.echo("recordings in %s" % folder)
    sys.exit(0 if ok else 1)


def jit_counts(attribution):
    """The JIT log's mapping of the round's samples, in words."""
    counts = (attribution or {}).get("counts")
    if not counts:
        return "no JIT log read"
    return "of %d samples %d in JIT code, %d not mapped, %d corrected, %d uncertain" % tuple(
        counts[k]["samples"] for k in ("samples", "in_jit", "unmapped", "changed", "uncertain"))


def percents(shares):
    return ", ".join("%s %.1f%%" % (k, 100 * v) for k, v in sorted(shares.items()))


if __name__ == "__main__":
    main()
