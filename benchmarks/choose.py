"""Which interpreters a cross-interpreter benchmark measures: ``--python PATH`` (repeatable)
or ``--interpreters LIST`` (ev.pythons.names: host, all, a path, or a name that runs in a
Debian root).  Shared by benchmarks.limits and benchmarks.sweep, so that both accept the same
words and refuse the same mistakes in one line."""
import click

from ev.pythons import names


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
