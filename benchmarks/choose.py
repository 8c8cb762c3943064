"""Which interpreters a cross-interpreter benchmark measures: ``--python PATH`` (repeatable)
or ``--interpreters LIST`` (ev.pythons.names: host, all, a path, or a name that runs in a
Debian root), with ``--rounds``.  Shared by benchmarks.limits and benchmarks.sweep, so that
both offer the same options, accept the same words and refuse the same mistakes in one line."""
import click

from ev.pythons import names


def rounds_and_interpreters(rounds):
    """The options ``--rounds`` (``rounds`` by default), ``--python`` and ``--interpreters``
    of a cross-interpreter benchmark's click command (its function takes ``rounds``,
    ``pythons`` and ``interpreters``; chosen_interpreters reads the last two)."""
    options = [
        click.option("--rounds", type=click.IntRange(min=1), default=rounds, show_default=True,
                     help="Rounds: each a fresh process per interpreter, in rotating order; "
                          "a figure is the median over rounds with its repeat range (a range "
                          "needs two rounds at least)."),
        click.option("--python", "pythons", multiple=True,
                     help="A path to an interpreter to measure (repeatable; labelled cpython "
                          "or pypy; replaces --interpreters)."),
        click.option("--interpreters", default="host", show_default=True,
                     help="Interpreters to measure: " + names.help_text())]

    def decorate(command):
        for option in reversed(options):
            command = option(command)
        return command
    return decorate


def chosen_interpreters(pythons, interpreters):
    """(label, implementation, Interpreter) per interpreter to measure, in the order given.
    ``--python PATH`` keeps the short labels "cpython"/"pypy", and so does the default
    ``host``; other ``--interpreters`` names carry their version ("cpython3.14-jit"), so that
    several CPythons can sit in one table.  A wrong name or path is a usage error (exit 2); an
    interpreter whose Debian root is not provisioned is one line saying what to run (exit 1)."""
    try:
        if pythons:
            chosen = [names.from_path(python) for python in pythons]
        else:
            chosen = names.parse(interpreters)
    except names.InterpreterError as error:
        raise click.BadParameter(str(error), param_hint="--python" if pythons
                                 else "--interpreters")
    # A study measures the host venvs that exist (the set-up may have found no PyPy).
    chosen = [i for i in chosen if i.where != "host" or i.python is not None]
    if not chosen:
        raise click.ClickException("host: the set-up's venvs (.venv/cpython, .venv/pypy) do "
                                   "not exist; run the set-up or give paths")
    missing = [i.missing() for i in chosen if i.missing()]
    if missing:
        raise click.ClickException(missing[0])
    found = []
    for interpreter in chosen:
        implementation = interpreter.implementation
        label = implementation if pythons or interpreters == "host" else interpreter.label
        found.append((label, implementation, interpreter))
    return found
