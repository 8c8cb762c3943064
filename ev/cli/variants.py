"""``ev variants [NAME...]`` (``python -m ev.cli.variants NAME``): can this interpreter run
the variant NAME?  "NAME runs here", or why not (no numba, no C build); exit 1 when one
cannot.  The matrix run asks each interpreter this before it runs a cell, and reports the
answer of a cell that cannot run (asked through a file it names: ev.common.result_file, never
read from what the child printed).  (A module apart from the registry: run as __main__, the
registry would be a second copy that plugins do not register into.)"""
import os
import platform
import sys

import click

from ev.backends.registry import VARIANT_NAMES, VariantUnavailable, get_variant
from ev.common import result_file


def why_not(name):
    """None when the variant can run here, else the reason (one line)."""
    from ev.model.creature_base import DEFAULT_SHAPE
    try:
        get_variant(name, DEFAULT_SHAPE)
    except VariantUnavailable as error:
        return str(error)
    return None


def ask(argv, variant, env=None, cwd=None, folder=None, seen_as=None):
    """Why the interpreter of ``argv`` (its command, e.g. [python]) cannot run ``variant``,
    asked of that interpreter itself (``-m ev.cli.variants``, answering in a file:
    ev.common.result_file; ``folder`` and ``seen_as`` as its ``ask`` takes them, for an
    interpreter in a Debian root), or None when it can.  An interpreter that cannot even
    answer (no ev, not a Python) cannot run it either: the reason is why."""
    try:
        found = result_file.ask(list(argv) + ["-m", "ev.cli.variants", variant], env,
                                cwd=cwd, folder=folder, seen_as=seen_as, timeout=300).result
    except result_file.ChildFailed as error:
        return str(error)
    if not isinstance(found, dict) or found.get("variant") != variant:
        return "ev.cli.variants answered something else than whether %s runs (%.80r)" % (
            variant, found)
    return found.get("why")


def answer(names):
    """Print one line per variant; return 0 when every one can run here, else 1."""
    status = 0
    here = "%s %s" % (platform.python_implementation(), platform.python_version())
    for name in names:
        why = why_not(name)
        if why is None:
            print("%s runs here (%s)" % (name, here))
        else:
            print("%s cannot run here (%s): %s" % (name, here, why) if len(names) > 1 else why)
            status = 1
    return status


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("names", metavar="[NAME]...", nargs=-1,
                type=click.Choice(VARIANT_NAMES))
def command(names):
    """Say whether this interpreter can run each variant (all of them when none is named):
    "NAME runs here", or why not.  Exit 1 when one cannot."""
    sys.exit(answer(list(names) or list(VARIANT_NAMES)))


def main(argv):
    """python -m ev.cli.variants NAME: exit 0 when the variant can run here, else say why (the
    matrix run reports such a cell as not run); asked through a result file (``ask``), write
    the answer there and exit 0."""
    if len(argv) != 1 or argv[0] not in VARIANT_NAMES:
        print("usage: python -m ev.cli.variants {%s}" % ",".join(VARIANT_NAMES), file=sys.stderr)
        return 2
    if os.environ.get(result_file.VARIABLE):      # asked by ``ask``: the answer is the data
        result_file.answer({"variant": argv[0], "why": why_not(argv[0])})
        return 0
    return answer(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
