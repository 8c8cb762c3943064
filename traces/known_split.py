"""python -m traces.known_split [--rounds 3] [--json]: check PyPy's per-function attribution
against a program whose split is known by construction (traces/known_split_program.py).

Each round, in one sitting and alternating: ``light`` alone, ``heavy`` alone, then ``main``
(both, one after the other) recorded with traces.record (profile and JIT log).  The parts run
alone are timed inside their process, recorded the same way (so that the recorder's own cost
is in the truth too); their times give each loop's true share of ``main``.  The profile of
``main`` is read with traces.profile's reader, and each function's total (its samples with it
anywhere on the stack, under ``main``) set against the truth.  Prints the median of the rounds
and every round's figures; exit 1 when a total is more than 5 points off or the two siblings
add up past 100%.
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
    """Each function's total share of the samples under ``main``, and the share of samples
    the JIT log corrected / left uncertain."""
    profile = read_profile(profile_path, project=Project([os.path.dirname(PROGRAM)]))
    under = [(frames, w) for frames, w in ((under_function(f, "main"), w)
                                           for f, w in profile.samples) if frames]
    weight = float(sum(w for _, w in under)) or 1.0
    shares = {}
    for name in functions:
        shares[name] = sum(w for frames, w in under
                           if any(f.kind == PY and f.name == name for f in frames)) / weight
    jit = profile.jit.to_json() if profile.jit else None
    return shares, jit


def one_round(folder, sizes, index, rounds):
    alone = {}
    for part in (PARTS if index % 2 == 0 else PARTS[::-1]):
        timed, _ = record(folder, part, sizes, "r%d" % index, rounds)
        alone.update(timed)
    timed, prof = record(folder, "both", sizes, "r%d" % index, rounds)
    shares, jit = totals(prof, PARTS + ("mix", "scale"))
    whole = float(sum(alone.values()))
    truth = dict((p, alone[p] / whole) for p in PARTS)
    in_run = dict((p, timed[p] / float(sum(timed.values()))) for p in PARTS)
    return {"alone_seconds": alone, "truth": truth, "in_run_truth": in_run, "profile": prof,
            "totals": shares, "jit_attribution": jit}


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--rounds", default=3, show_default=True)
@click.option("--light", "n_light", default=30000000, show_default=True,
              help="Iterations of the light loop.")
@click.option("--heavy", "n_heavy", default=30000000, show_default=True,
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
    summary = {}
    for part in PARTS:
        truth = statistics.median(r["truth"][part] for r in results)
        found = statistics.median(r["totals"][part] for r in results)
        summary[part] = {"truth": truth, "profile": found, "off": found - truth}
    sibling = statistics.median(sum(r["totals"][p] for p in PARTS) for r in results)
    ok = all(abs(s["off"]) <= TOLERANCE for s in summary.values()) and sibling <= 1.0 + 1e-9
    out = {"rounds": results, "median": summary, "siblings": sibling, "ok": ok,
           "folder": folder}
    if as_json:
        click.echo(json.dumps(out, indent=1))
    else:
        click.echo("median of %d rounds (truth: each loop run alone, recorded the same way):"
                   % rounds)
        for part, row in summary.items():
            click.echo("  %-6s truth %5.1f%%  profile %5.1f%%  off %+5.1f points" % (
                part, 100 * row["truth"], 100 * row["profile"], 100 * row["off"]))
        click.echo("  light + heavy in the profile: %.1f%%" % (100 * sibling))
        for i, r in enumerate(results):
            click.echo("round %d: alone %s; in the recorded run %s; profile %s; %s" % (
                i + 1, ", ".join("%s %.2f s" % kv for kv in sorted(r["alone_seconds"].items())),
                ", ".join("%s %.1f%%" % (k, 100 * v) for k, v in sorted(r["in_run_truth"].items())),
                ", ".join("%s %.1f%%" % (k, 100 * v) for k, v in sorted(r["totals"].items())),
                "JIT log: %s" % (r["jit_attribution"] or {}).get("counts")))
        click.echo("recordings in %s" % folder)
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
