"""``ev bench NAME [ITS OPTIONS]``: run a study (ev.studies); ``ev bench --list``: what each
answers, its docs page and the time a run of it took (docs/studies.md, where measurements
live).  A study runs as a child process of its own (``python -m MODULE``), with its own
options: ``ev bench NAME --help`` shows them (a study built on pyperf's Runner keeps
pyperf's)."""
import os
import re
import subprocess
import sys

import click

from ev.pythons.interpreters import ROOT
from ev.runner.signals import Stops, exit_status
from ev.studies import BY_NAME, STUDIES

TIMES = "docs/studies.md"
TIME_ROW = re.compile(r"^\| `(?P<name>[a-z_]+)` \| (?P<time>[^|]+?) \|")


def measured_times(path=os.path.join(ROOT, TIMES)):
    """{study: the time a run took, as docs/studies.md says it}; {} without that page."""
    try:
        with open(path) as page:
            return dict((match.group("name"), match.group("time"))
                        for match in map(TIME_ROW.match, page) if match)
    except OSError:
        return {}


def listing():
    times = measured_times()
    lines = ["Each study's question, its docs page, and the time a run took (%s):" % TIMES, ""]
    for study in STUDIES:
        took = times.get(study.name, "-").strip()
        lines += ["%s: %s" % (study.name, study.question),
                  "    %s; a run took: %s" % (study.docs, took)]
    return "\n".join(lines)


@click.command(context_settings={"help_option_names": ["-h", "--help"],
                                 "ignore_unknown_options": True},
               add_help_option=False)
@click.option("--list", "show_list", is_flag=True, help="What each study answers.")
@click.argument("name", required=False)
@click.argument("args", nargs=-1, type=click.UNPROCESSED)
def command(show_list, name, args):
    """Run the study NAME with its own options (ev bench NAME --help), or --list them."""
    if show_list or name in (None, "-h", "--help"):
        click.echo(listing() if show_list else click.get_current_context().get_help() +
                   "\n\nStudies: " + ", ".join(BY_NAME))
        return
    study = BY_NAME.get(name)
    if study is None:
        raise click.UsageError("unknown study %r (ev bench --list: %s)" % (
            name, ", ".join(BY_NAME)))
    env = dict(os.environ, PYTHONPATH=os.pathsep.join(
        [ROOT] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    sys.exit(run_study([sys.executable, "-m", study.module] + list(args), env))


def run_study(argv, env):
    """Run a study's process, its output on this terminal; Ctrl-C, SIGTERM and SIGHUP are
    passed to it once (ev.runner.signals: it runs in a session of its own, so it hears them
    from here only and stops cleanly).  Its exit status; 128 + the signal when one stopped
    it (130 for Ctrl-C, whatever the study then exited with)."""
    with Stops() as stops:
        child = subprocess.Popen(argv, env=env, stdin=subprocess.DEVNULL,
                                 start_new_session=True)
        stops.child = child
        try:
            status = exit_status(child.wait())
        finally:
            if child.poll() is None:     # this process itself failed: leave no orphan
                child.kill()
                child.wait()
    return stops.exit_status() if stops.stopped else status
