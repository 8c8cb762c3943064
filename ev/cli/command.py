"""``ev``: one command for everything ev does, each task a subcommand (``ev evolve``, ``ev
matrix``, ``ev report``...) with the same help options (-h, --help).

Each subcommand is the module's own click command (``ev evolve`` is ``python -m ev.main``,
``ev report`` is ``python -m ev.reporting.report``), imported only when it runs: ``ev --help``
and ``ev evolve`` do not pay for matplotlib or the trace readers.  The studies (ev.studies)
run as ``ev bench NAME``; ``ev bench --list`` says what each answers."""
import importlib
import importlib.util
import sys

import click

from ev import __version__

# name: (module, its click command, the line ``ev --help`` shows)
SUBCOMMANDS = (
    ("evolve", "ev.cli.evolve", "main",
     "Evolve a quadcopter controller and time every generation (python -m ev.main)."),
    ("matrix", "ev.cli.matrix", "main",
     "Every interpreter x variant in rounds, then the report (./run_all.sh calls it)."),
    ("report", "ev.reporting.report", "main",
     "The table and plots of a matrix run's results folder."),
    ("fly-report", "ev.reporting.fly_report", "main",
     "Time to a flying PID controller per cell (a --task fly results folder)."),
    ("show", "ev.reporting.show", "main",
     "How a saved creature (or a store's best) flies: step responses, validation."),
    ("history", "ev.reporting.history", "main",
     "The story of a stored run (ev evolve --store): generations, best, lineage."),
    ("variants", "ev.cli.variants", "command",
     "Whether this interpreter can run each variant, and why not."),
    ("profile", "traces.profile", "main",
     "Where the time went in a vmprof profile (ev evolve --profile)."),
    ("jitlog", "traces.jitlog", "main",
     "What PyPy's JIT made of the hot loops (ev evolve --jit-log)."),
    ("summary", "ev.cli.trace_summary", "main",
     "One table across a matrix run's recordings (ev matrix --profile)."),
    ("bench", "ev.studies.bench", "command",
     "The studies: ev bench --list says what each answers; ev bench NAME runs one."),
    ("pythons", "ev.pythons.__main__", None,
     "Other Pythons from Debian's archive: add, list, remove, which (python -m ev.pythons)."),
)
# attribute None: an argparse program, whose arguments pass through as they are.


def present(module):
    """Whether this ev has the module (ev.pythons' provisioning is optional)."""
    try:
        return importlib.util.find_spec(module) is not None
    except ImportError:
        return False


def passthrough(name, module):
    """``ev NAME ARGS``: ``python -m MODULE ARGS`` for a module with an argparse main(argv)."""
    @click.command(name=name, add_help_option=False,
                   context_settings={"ignore_unknown_options": True})
    @click.argument("args", nargs=-1, type=click.UNPROCESSED)
    def command(args):
        sys.exit(importlib.import_module(module).main(list(args)))
    return command


class LazyGroup(click.Group):
    """A group whose subcommands are imported when one is asked for."""

    def list_commands(self, ctx):
        return [name for name, module, _, _ in SUBCOMMANDS if present(module)]

    def get_command(self, ctx, name):
        for known, module, attribute, _ in SUBCOMMANDS:
            if known == name and present(module):
                if attribute is None:
                    return passthrough(name, module)
                return getattr(importlib.import_module(module), attribute)
        return None

    def format_commands(self, ctx, formatter):
        """The list from the table, without importing every command for its help line."""
        rows = [(name, summary) for name, module, _, summary in SUBCOMMANDS
                if present(module)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]},
             epilog="'ev COMMAND --help' says more.  'ev bench --list': the studies.")
@click.version_option(__version__, "--version", prog_name="ev")
def ev():
    """ev: evolve a quadcopter controller, and measure where Python's time goes on CPython
    and PyPy."""


def main():
    ev(prog_name="ev")


if __name__ == "__main__":
    main()
