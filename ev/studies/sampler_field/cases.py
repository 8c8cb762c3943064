"""The cases of the sampler_field study: pyperformance's benchmarks that need only pyperf, the
samplers and their options, a benchmark's loops calibrated, and one round (a plain run, then
a recording by each sampler, each a process of its own with a time limit)."""
import glob
import json
import os
import re
import signal
import subprocess
import sys
import time

from ev.pythons.interpreters import ROOT
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
                             universal_newlines=True, cwd=ROOT, start_new_session=True)
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
    meta = {}
    if os.path.exists(path + ".meta.json"):   # what traces.record wrote beside the profile
        with open(path + ".meta.json") as written:
            meta = json.load(written)
    # crashed: the program hung (no code), died of a signal (traces.record exits 128 + it), or
    # ended without an exit status under a sampler outside it (the description says None);
    # failed: the sampler did not record it.  Its messages (said) are kept for people only.
    crashed = code is None or code > 128 or ("program_exit" in meta and
                                             meta["program_exit"] is None)
    entry = {"sampler": label, "exit": code, "wall": wall, "said": said, "crashed": crashed,
             "failed": code != 0 and not crashed}
    if meta:   # the seconds the program ran under the sampler (perf converts its recording
        entry["run_seconds"] = meta.get("seconds")   # afterwards: the wall time includes it)
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
