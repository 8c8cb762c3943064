"""``ev variants [NAME...]`` (``python -m ev.cli.variants NAME``): can this interpreter run
the variant NAME?  "NAME runs here", or why not (no numba, no C build); exit 1 when one
cannot.  The matrix run asks each interpreter this before it runs a cell, and reports the
answer of a cell that cannot run.  (A module apart from the registry: run as __main__, the
registry would be a second copy that plugins do not register into.)"""
import platform
import subprocess
import sys

import click

from ev.backends.registry import VARIANT_NAMES, VariantUnavailable, get_variant


def why_not(name):
    """None when the variant can run here, else the reason (one line)."""
    from ev.model.creature_base import DEFAULT_SHAPE
    try:
        get_variant(name, DEFAULT_SHAPE)
    except VariantUnavailable as error:
        return str(error)
    return None


def ask(argv, variant, env=None, cwd=None):
    """Why the interpreter of ``argv`` (its command, e.g. [python]) cannot run ``variant``,
    asked of that interpreter itself (``-m ev.cli.variants``), or None when it can.  An
    interpreter that cannot even answer (no ev, not a Python) cannot run it either."""
    try:
        done = subprocess.run(list(argv) + ["-m", "ev.cli.variants", variant], env=env,
                              cwd=cwd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, universal_newlines=True, timeout=300)
    except (OSError, subprocess.TimeoutExpired) as error:
        return str(error).strip().splitlines()[0]
    if done.returncode == 0:
        return None
    said = done.stdout.strip().splitlines()
    return said[-1] if said else "ev.cli.variants exited with status %d" % done.returncode


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
    matrix run reports such a cell as not run)."""
    if len(argv) != 1 or argv[0] not in VARIANT_NAMES:
        print("usage: python -m ev.cli.variants {%s}" % ",".join(VARIANT_NAMES), file=sys.stderr)
        return 2
    return answer(argv)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
