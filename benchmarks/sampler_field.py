"""python -m benchmarks.sampler_field [--out DIR] [--only NAME ...] [--repeats N]: every
sampler of traces.record on programs nobody here wrote -- pyperformance's benchmarks that need
nothing but pyperf -- under the interpreter that runs this command.  Outside CI (about half an
hour).

Each benchmark runs in one process with pyperf's worker options (``run_benchmark.py --worker
-p 1 -l LOOPS -n 1 -w 0``), LOOPS calibrated so that a plain run takes 2-5 s.  One round is
the plain run, then one recording by each sampler (py-spy, perf and vmprof at their
defaults, py-spy with --native, austin at 1,000 samples/s since it does not pause the
program), back to back, so that each recording's overhead is a ratio to a plain run taken
beside it; raytrace, chaos, float, deltablue, nbody, richards, spectral_norm and go get 5
rounds, the others 1.  Each run is a record in DIR/runs.jsonl (written as it finishes: a
stopped run keeps the rounds done); the table (DIR/table.md, and printed) gives per benchmark
and sampler: recordings that crashed (the program died of a signal or hung) and those the
sampler failed to make, agreement with py-spy (top 5 by self time, C folded into its Python
caller: the largest difference in points, and whether the functions were the same), and the
overhead (median ratio of recorded to plain wall time, with its range; perf's includes turning
its recording into stacks after the run, and each record keeps the run's own seconds too).
"""
import glob
import json
import os
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import time

import click

from traces import samplers
from traces.compare import agreement
from traces.errors import InputError
from traces.profile_reader import read_profile

NAMED = ("raytrace", "chaos", "float", "deltablue", "nbody", "richards", "spectral_norm", "go")
# (name in the table, sampler, traces.record options)
SAMPLERS = ((samplers.PY_SPY, samplers.PY_SPY, []),
            ("py-spy --native", samplers.PY_SPY, ["--native"]),
            (samplers.AUSTIN, samplers.AUSTIN, ["--rate", "1000"]),   # it does not pause
            (samplers.PERF, samplers.PERF, []),   # CPython 3.13+: named native frames
            (samplers.STDLIB, samplers.STDLIB, []),   # CPython 3.15+: the stdlib's own
            (samplers.VMPROF, samplers.VMPROF, []))
LABELS = [label for label, _, _ in SAMPLERS]
CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def benchmarks_folder():
    import pyperformance
    return os.path.join(os.path.dirname(pyperformance.__file__), "data-files", "benchmarks")


def only_pyperf(folder):
    """Whether a benchmark's pyproject.toml asks for pyperf and nothing else."""
    try:
        with open(os.path.join(folder, "pyproject.toml")) as meta:
            text = meta.read()
    except OSError:
        return False
    found = re.search(r"^dependencies\s*=\s*\[(.*?)\]", text, re.M | re.S)
    names = re.findall(r"[\"']([^\"']+)[\"']", found.group(1)) if found else []
    return [n.split()[0].lower() for n in names] == ["pyperf"]


def benchmark_scripts():
    """{name: run_benchmark.py} of the benchmarks that need only pyperf."""
    found = {}
    for folder in sorted(glob.glob(os.path.join(benchmarks_folder(), "bm_*"))):
        script = os.path.join(folder, "run_benchmark.py")
        if os.path.exists(script) and only_pyperf(folder):
            found[os.path.basename(folder)[3:]] = script
    return found


def worker(script, loops):
    return [script, "--worker", "-p", "1", "-l", str(loops), "-n", "1", "-w", "0"]


def run(command, timeout=120):
    """(exit status, wall seconds, stderr's last line) of a command; one that runs past
    ``timeout`` is killed with all it started (a sampler, the program, its workers)."""
    started = time.time()
    child = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                             universal_newlines=True, cwd=CHECKOUT, start_new_session=True)
    try:
        _, stderr = child.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(child.pid, signal.SIGKILL)
        child.communicate()
        return None, time.time() - started, "timed out after %d s" % timeout
    lines = [line for line in stderr.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("error:")]
    return child.returncode, time.time() - started, " | ".join(errors) or (
        lines[-1] if lines else "")


def calibrate(script):
    """LOOPS for a 2-5 s plain run (None when the benchmark does not run)."""
    loops = 1
    for _ in range(6):
        code, wall, said = run([sys.executable] + worker(script, loops))
        if code != 0:
            return None, said
        if wall >= 2.0 or loops >= 1 << 16:
            return loops, None
        loops = max(loops + 1, int(loops * 3.0 / max(wall, 0.05)))
    return loops, None


def record(script, loops, label, sampler, options, path):
    command = [sys.executable, "-m", "traces.record", "--sampler", sampler, "--profile",
               path] + options + ["--"] + worker(script, loops)
    code, wall, said = run(command, timeout=300)
    # crashed: the program died (a signal) or hung; failed: the sampler did not record it
    crashed = code is None or "died of signal" in said or "without an exit status" in said
    entry = {"sampler": label, "exit": code, "wall": wall, "said": said, "crashed": crashed,
             "failed": code != 0 and not crashed}
    meta = path + ".meta.json"
    if os.path.exists(meta):   # the seconds the program ran under the sampler (perf converts
        with open(meta) as written:   # its recording afterwards: the wall time includes it)
            entry["run_seconds"] = json.load(written).get("seconds")
    try:
        profile = read_profile(path)
        entry["samples"] = profile.samples_taken
    except InputError as error:
        entry["unreadable"] = str(error)
        profile = None
    return entry, profile


def round_of(name, script, loops, folder, number, chosen):
    """One plain run and one recording by each sampler: a record."""
    code, plain, said = run([sys.executable] + worker(script, loops))
    entry = {"benchmark": name, "loops": loops, "round": number, "plain": plain,
             "plain_exit": code, "load": os.getloadavg()[0], "runs": []}
    profiles = {}
    for label, sampler, options in chosen:
        problem = samplers.missing(sampler)
        if problem:
            entry["runs"].append({"sampler": label, "missing": problem})
            continue
        path = os.path.join(folder, "%s.%d.%s.prof" % (name, number, label.replace(" ", "")))
        found, profiles[label] = record(script, loops, label, sampler, options, path)
        found["overhead"] = found["wall"] / plain if plain else None
        entry["runs"].append(found)
    reference = profiles.get(samplers.PY_SPY)
    for run_entry in entry["runs"]:
        other = profiles.get(run_entry["sampler"])
        if reference is not None and other is not None and other is not reference:
            result = agreement(reference, other, top=5)
            run_entry["agreement"] = {
                "same_functions": result["same_functions"],
                "largest_difference": max(abs(r["difference"]) for r in result["rows"]),
                "agree": result["agree"]}
    return entry


def table(entries):
    """Markdown: benchmark x sampler: crashes, agreement with py-spy, overhead."""
    by = {}
    for entry in entries:
        for found in entry["runs"]:
            by.setdefault((entry["benchmark"], found["sampler"]), []).append(found)
    names = sorted(set(e["benchmark"] for e in entries), key=lambda n: (n not in NAMED, n))
    labels = [label for label in LABELS if any(k[1] == label for k in by)]
    head = "| benchmark | " + " | ".join(labels) + " |"
    lines = [head, "|" + " --- |" * (len(labels) + 1)]
    for name in names:
        cells = [cell(by.get((name, label), [])) for label in labels]
        lines.append("| %s | %s |" % (name, " | ".join(cells)))
    lines += ["", "Each cell: recordings that crashed (the program died or hung) / recordings, "
              "and those the sampler failed to make; agreement with py-spy "
              "(top 5 by self time, C folded into its Python caller): the largest difference "
              "in points, * where the functions differed; overhead: median of recorded / "
              "plain wall time [min-max] over the rounds, each ratio taken beside its own "
              "plain run."]
    return "\n".join(lines) + "\n"


def cell(runs):
    if not runs:
        return "-"
    if all("missing" in r for r in runs):
        return "not installed"
    done = [r for r in runs if "missing" not in r]
    crashed = sum(1 for r in done if r["crashed"])
    failed = sum(1 for r in done if r.get("failed"))
    text = "%d/%d crashed" % (crashed, len(done))
    if failed:
        text += ", %d failed to record" % failed
    agreed = [r["agreement"] for r in done if "agreement" in r]
    if agreed:
        text += "; agree %.1f%s" % (100 * max(a["largest_difference"] for a in agreed),
                                    "" if all(a["same_functions"] for a in agreed) else "*")
    ratios = sorted(r["overhead"] for r in done if r.get("overhead") and not r["crashed"]
                    and not r.get("failed"))
    if ratios:
        text += "; x%.2f [%.2f-%.2f]" % (statistics.median(ratios), ratios[0], ratios[-1])
    return text


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--out", default=os.path.join("results", "sampler-field"), show_default=True,
              type=click.Path(file_okay=False), help="Folder of the records and the table.")
@click.option("--only", multiple=True, help="Only these benchmarks (repeatable).")
@click.option("--repeats", type=int, default=5, show_default=True,
              help="Rounds of each of the eight named benchmarks (the others: 1).")
@click.option("--samplers", "chosen", default=",".join(LABELS), show_default=True,
              help="Which, comma-separated (py-spy first: the others are compared with it).")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
def main(out, only, repeats, chosen, as_json):
    """Record pyperformance's benchmarks with every sampler; tabulate crashes, agreement and
    overhead."""
    try:
        scripts = benchmark_scripts()
    except ImportError:
        click.echo("error: pyperformance is not installed (pip install pyperformance)", err=True)
        sys.exit(1)
    if only:
        unknown = sorted(set(only) - set(scripts))
        if unknown:
            click.echo("error: not a benchmark that needs only pyperf: %s" % ", ".join(unknown),
                       err=True)
            sys.exit(2)
        scripts = dict((n, scripts[n]) for n in only)
    wanted = [label.strip() for label in chosen.split(",") if label.strip()]
    unknown = sorted(set(wanted) - set(LABELS))
    if unknown:
        click.echo("error: unknown sampler %s (one of: %s)" % (", ".join(unknown),
                                                              ", ".join(LABELS)), err=True)
        sys.exit(2)
    chosen = [entry for entry in SAMPLERS if entry[0] in wanted]
    os.makedirs(out, exist_ok=True)
    runs_path = os.path.join(out, "runs.jsonl")
    entries = []
    with tempfile.TemporaryDirectory(prefix="sampler-field-") as scratch:
        for name in sorted(scripts, key=lambda n: (n not in NAMED, n)):
            loops, problem = calibrate(scripts[name])
            if loops is None:
                click.echo("# %s: does not run here (%s)" % (name, problem), err=True)
                continue
            for number in range(repeats if name in NAMED else 1):
                entry = round_of(name, scripts[name], loops, scratch, number, chosen)
                entries.append(entry)
                with open(runs_path, "a") as records:
                    records.write(json.dumps(entry) + "\n")
                click.echo("# %s round %d: %s" % (name, number, ", ".join(
                    "%s %s" % (r["sampler"], "missing" if "missing" in r else
                               "CRASHED" if r["crashed"] else "FAILED" if r.get("failed")
                               else "x%.2f" % (r["overhead"] or 0))
                    for r in entry["runs"])), err=True)
    text = table(entries)
    with open(os.path.join(out, "table.md"), "w") as written:
        written.write(text)
    click.echo(json.dumps(entries, indent=1) if as_json else text)


if __name__ == "__main__":
    main()
