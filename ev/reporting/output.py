"""What both reports (ev.reporting.report, ev.reporting.fly_report) share on the way out:
number formatting, warnings about skipped lines, and writing the markdown whole."""
import click

from ev.common import atomic
from ev.common.formats import UnknownFormat
from ev.reporting.load import load_folder

MAX_WARNINGS = 20  # problems listed one by one; the rest are counted


def fmt(value, pattern, scale=1):
    return "-" if value is None else pattern % (value * scale)


def plural(count, noun):
    """'1 generation', '3 generations'."""
    return "%s %s%s" % (count, noun, "" if str(count) == "1" else "s")


def warn(problems, limit=MAX_WARNINGS):
    for problem in problems[:limit]:
        click.echo("warning: %s (skipped)" % problem, err=True)
    if len(problems) > limit:
        click.echo("warning: ... and %d more" % (len(problems) - limit), err=True)


def read_folder(path):
    """The results folder at ``path`` (ev.reporting.load), or one line and exit 1 when its
    matrix.json is of a version this ev does not know."""
    try:
        return load_folder(path)
    except UnknownFormat as error:
        raise click.ClickException(str(error))


def problem_lines(problems, limit=MAX_WARNINGS):
    """The markdown list of what was skipped while reading (empty when nothing was)."""
    if not problems:
        return []
    lines = ["", "Lines skipped while reading:", ""] + ["- %s" % p for p in problems[:limit]]
    if len(problems) > limit:
        lines.append("- ... and %d more" % (len(problems) - limit))
    return lines


def draw(plots):
    """Draw ``plots`` (an iterable of the paths each plot wrote, or None for a plot with
    nothing to show) before the markdown that links them: the report links only files that
    exist.  A write error is one line; without matplotlib (a measured interpreter may lack
    it: plots are the host CPython's job) the report is written without plots, said once."""
    try:
        return [written for written in plots if written]
    except OSError as error:
        raise click.ClickException(atomic.describe(error))
    except ImportError as error:
        click.echo("warning: no plots drawn: %s (run the report with the host CPython, which "
                   "has matplotlib, or pass --no-plots)" % error, err=True)
        return []


# How the reports of ev begin (ev.reporting.table, ev.reporting.fly_report): a file of that
# name that begins otherwise is the user's, and is left alone.
REPORT_BEGINNINGS = ("Population ", "Headline (", "# Time to a flying PID controller")


def check_replaceable(path):
    """Before anything is drawn: a report may replace an earlier report of ev's, never a
    file of the user's that happens to have its name (ev report run on a folder of theirs)."""
    try:
        with open(path, errors="replace") as earlier:
            first = earlier.readline()
    except FileNotFoundError:
        return
    except OSError:
        first = ""
    if not first.startswith(REPORT_BEGINNINGS):
        raise click.ClickException(
            "%s exists and is not a report of ev's: not replaced (move it, or report a copy "
            "of the folder)" % path)


def write_report(path, text, written=()):
    """Write the markdown ``text`` to ``path`` and say what was written (the plots in
    ``written`` were drawn before); a write error is one line."""
    try:
        atomic.write_text(path, text)
    except OSError as error:
        raise click.ClickException(atomic.describe(error))
    click.echo("report written to %s" % path)
    for plot in written:
        click.echo("plot written to %s" % plot)
