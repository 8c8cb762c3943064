"""``ev bench numpy_share`` (``python -m benchmarks.numpy_share``): the study's command.

It prints its row for people, as one JSON document of its own format; no program parses it
(ev.pythons.native_share, which runs ``--generations-only`` under perf, gets the window of the
timed generations as an answer in the file it names, ev.common.result_file).  History of
``ev-numpy-share``: 1 - the first (before it, the same keys without "format" and "version");
``--generations-only`` prints "python" and "s_per_gen" alone."""
import sys

import click

from ev.common import result_file
from ev.common.formats import Format
from ev.studies.calls.cases import CALL_ONLY, NUMPY_GLUE, NUMPY_SETUP, STEP
from ev.studies.numpy_share.cases import calls_per_generation, per_call, seconds_per_generation
from ev.studies.numpy_share.model import share_row

NUMPY_SHARE = Format("ev-numpy-share", 1, noun="a numpy_share row (ev bench numpy_share)")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-n", "--population", type=click.IntRange(min=4), default=200, show_default=True)
@click.option("-g", "--generations", type=click.IntRange(min=2), default=3, show_default=True)
@click.option("--seed", type=int, default=42, show_default=True)
@click.option("--generations-only", is_flag=True,
              help="Only the seeded generations (what ev.pythons.native_share records with "
                   "perf: it is given their window in the answer file it names).")
def main(population, generations, seed, generations_only):
    """numpy's share of a numpy-cell generation by timing (one JSON line, for people)."""
    s_per_gen, times, window = seconds_per_generation(population, generations, seed)
    if generations_only:
        if result_file.asked():
            result_file.answer({"window": list(window)})
        print(NUMPY_SHARE.dumps({"python": sys.version.split()[0],
                                 "s_per_gen": round(s_per_gen, 4)}))
        return
    calls = calls_per_generation(population, generations, seed)
    whole = per_call(STEP, NUMPY_SETUP)
    glue = per_call(CALL_ONLY, NUMPY_SETUP + "; " + NUMPY_GLUE)
    print(NUMPY_SHARE.dumps(share_row(s_per_gen, times, calls, whole, glue)))
