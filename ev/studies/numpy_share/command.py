"""``ev bench numpy_share`` (``python -m benchmarks.numpy_share``): the study's command."""
import json
import statistics
import sys

import click

from ev.common import result_file
from ev.studies.calls.cases import CALL_ONLY, NUMPY_GLUE, NUMPY_SETUP, STEP
from ev.studies.numpy_share.cases import calls_per_generation, per_call, seconds_per_generation


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-n", "--population", type=click.IntRange(min=4), default=200, show_default=True)
@click.option("-g", "--generations", type=click.IntRange(min=2), default=3, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--generations-only", is_flag=True,
              help="Only the seeded generations (what ev.pythons.native_share records with "
                   "perf: it is given their window in the answer file it names).")
def main(population, generations, seed, generations_only):
    """numpy's share of a numpy-cell generation by timing (one JSON line)."""
    s_per_gen, times, window = seconds_per_generation(population, generations, seed)
    if generations_only:
        if result_file.asked():
            result_file.answer({"window": list(window)})
        print(json.dumps({"python": sys.version.split()[0], "s_per_gen": round(s_per_gen, 4)}))
        return
    calls = calls_per_generation(population, generations, seed)
    whole = per_call(STEP, NUMPY_SETUP)
    glue = per_call(CALL_ONLY, NUMPY_SETUP + "; " + NUMPY_GLUE)
    timed_calls = statistics.median(calls[1:])
    share = 100.0 * timed_calls * (whole - glue) / s_per_gen
    print(json.dumps({"python": sys.version.split()[0], "s_per_gen": round(s_per_gen, 4),
                      "generation_seconds": [round(t, 4) for t in times],
                      "run_step_calls_per_gen": timed_calls,
                      "run_step_whole_us": round(whole * 1e6, 3),
                      "run_step_glue_us": round(glue * 1e6, 3),
                      "numpy_statements_share_pct": round(share, 1),
                      "run_step_share_pct": round(100.0 * timed_calls * whole / s_per_gen, 1)}))

