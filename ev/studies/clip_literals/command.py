"""``ev bench clip_literals`` (``python -m benchmarks.clip_literals``): the study's command.
It takes no options of its own; each clip is timed by a worker (this command again, with the
hidden ``--worker KIND GENERATIONS``) whose answer comes in a file (ev.common.result_file)."""
import sys

import click

from ev.common import result_file
from ev.studies.clip_literals.cases import GENERATIONS, KINDS, ROUNDS, measure


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--worker", type=(click.Choice(KINDS), int), default=None, hidden=True)
def main(worker):
    """The literal clip against ev's computed one: seconds per evaluation, and the ratio."""
    if worker:
        result_file.answer(measure(*worker))
        return
    results = {}
    for kind in KINDS:
        try:
            results[kind] = result_file.ask([sys.executable, "-m", "ev.studies.clip_literals",
                                             "--worker", kind, GENERATIONS]).result
        except result_file.ChildFailed as error:
            sys.exit("the %s clip's worker failed: %s" % (kind, error))
        print("%-9s clip: %.4f s per evaluation of 250 evolved creatures (median of %d)"
              % (kind, results[kind], ROUNDS - 1))
    print("literal / computed: %.1fx  (%s)" % (results["literal"] / results["computed"],
                                               sys.version.split("\n")[-1]))
