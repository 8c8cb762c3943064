"""Before a matrix run: the Debian roots its interpreters need, made when missing.

Options are checked first (nothing is provisioned for a run that would be refused); then every
interpreter named from ev.pythons' catalogue whose root is missing or stale is provisioned
(debootstrap, venvs, ev: minutes the first time, ~0.5 s once ready), and the time it took is
printed, so a user sees where the minutes went before the first cell starts."""
import time

import click


def provision_missing(text, say=click.echo):
    """Provision the roots ``--interpreters text`` needs; return the seconds spent (0.0 when
    every root was ready).  Raises click.ClickException (one line) when provisioning fails."""
    try:
        from ev.pythons import names, provision
    except ImportError:           # an ev without ev.pythons' provisioning: nothing to make
        return 0.0
    wanted = []
    for token in (text or "").split(","):
        try:       # the matrix checked the list; names only ev.pythons provides matter here
            wanted.extend(i for i in names.expand(token.strip()) if i.suite)
        except names.InterpreterError:
            continue
    if not wanted:
        return 0.0
    started = time.monotonic()
    try:
        spent = provision.ensure(wanted, say=say)
    except (provision.ProvisionError, OSError) as error:
        raise click.ClickException("provisioning failed: %s" % error)
    total = time.monotonic() - started
    suites = sorted({i.suite for i in wanted})
    if spent:
        say("=== Debian roots: provisioned %s in %.0f s" % (", ".join(
            "%s (%.0f s)" % (suite, seconds) for suite, seconds in sorted(spent.items())), total))
    else:
        say("=== Debian roots: %s ready (%.1f s)" % (", ".join(suites), total))
    return total
