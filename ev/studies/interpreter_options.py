"""What the studies' commands share: the options of a cross-interpreter study (``--rounds``,
``--python PATH`` repeatable, or ``--interpreters LIST``), so that every such study offers the
same options, accepts the same words and refuses the same mistakes in one line.  Which
interpreters the words mean is ev's one interpreter model (ev.pythons.names.measured)."""
import click

from ev.pythons import names


def rounds_and_interpreters(rounds):
    """The options ``--rounds`` (``rounds`` by default), ``--python`` and ``--interpreters``
    of a cross-interpreter study's click command (its function takes ``rounds``,
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
    """(label, implementation, Interpreter) per interpreter to measure (ev.pythons.names.
    measured).  A wrong name or path is a usage error (exit 2); an interpreter that cannot run
    here is one line saying what to run (exit 1)."""
    try:
        return names.measured(pythons, interpreters)
    except names.InterpreterError as error:
        raise click.BadParameter(str(error), param_hint="--python" if pythons
                                 else "--interpreters")
    except names.MissingInterpreter as error:
        raise click.ClickException(str(error))
