"""Where a run's generations go (the JSON-lines records, the store) and how a run ends:
the summary line, the best creature saved, every output closed even when stopped; and the
checks of the output paths, made before anything runs."""
import os
import sqlite3

import click

from ev.common import atomic
from ev.common.stats import median_line
from ev.store import records
from ev.store.creature_files import CREATURE_FILE
from ev.store.sqlite import Store
from ev.store.writer import StoreWriter
from traces.attach import NotRecorded


class RunOutputs(object):
    """Where a run's generations go: the JSON-lines records and the store, each optional."""

    def __init__(self, run, writer, store):
        self.run, self.writer, self.store = run, writer, store

    @classmethod
    def open(cls, run, results, store_path, stored):
        """``run``: the run's ev.store.records.RunRecord."""
        writer = records.RecordWriter(results) if results else None
        if writer:
            writer.write(run)
        store = stored or (Store.create(store_path, run) if store_path else None)
        return cls(run, writer, StoreWriter(store) if store else None)

    def generation(self, number, seconds, generation, flies):
        """Record the ``number``-th generation (ev.evolution.generation.Generation)."""
        if self.store:
            self.store.write_generation(number, seconds, generation)
        if self.writer:
            self.writer.write(records.GenerationRecord.of(self.run, number, seconds, generation,
                                                          flies=flies))

    def close(self):
        """Close the records and the store (committing what is queued)."""
        if self.writer:
            self.writer.close()
        if self.store:
            store, self.store = self.store, None
            store.close()


def finish(universe, seconds, save_best, outputs, stopped=None, status=0):
    """Close the records, print the summary, save the best creature; return the exit status.
    When the run was ``stopped`` (the message says why), everything goes to stderr.
    A second Ctrl-C waits until all this is done."""
    with atomic.signals_deferred():
        return finish_now(universe, seconds, save_best, outputs, stopped, status)


def failure_message(error):
    if isinstance(error, NotRecorded):   # the sampler, not the file, failed
        return "--profile %s: %s" % (error.filename, error)
    if isinstance(error, OSError):
        return atomic.describe(error)
    return "the store failed: %s" % error


def finish_now(universe, seconds, save_best, outputs, stopped, status):
    try:
        outputs.close()
    except (OSError, sqlite3.Error) as error:
        click.echo("error: %s" % failure_message(error), err=True)
        status = status or 1
    if stopped:
        click.echo(stopped, err=True)
    if seconds:
        click.echo(median_line(seconds), err=bool(stopped))
    if save_best and universe.best is not None:
        best = universe.best.to_dict()
        best["fitness"] = records.finite_or_none(best["fitness"])
        text = CREATURE_FILE.dumps(best, indent=1, allow_nan=False) + "\n"
        try:
            atomic.write_text(save_best, text)
        except OSError as error:
            click.echo("error: %s (the previous file, if any, is untouched)"
                       % atomic.describe(error), err=True)
            return status or 1
        click.echo("# best creature (fitness %.2f) saved to %s"
                   % (universe.best.fitness, save_best), err=bool(stopped))
    return status


def check_writable(ctx, param, path):
    """A usage error now, not a traceback after an hour of evolution."""
    if path is None:
        return None
    if not path.strip():
        raise click.BadParameter("an empty path")
    if os.path.isdir(path):
        raise click.BadParameter("%s is a directory" % path)
    folder = os.path.dirname(os.path.abspath(path))
    if not os.path.isdir(folder):
        raise click.BadParameter("folder %s does not exist" % folder)
    try:
        atomic.check_writable(path)
    except OSError as error:
        raise click.BadParameter("%s is not writable: %s" % (path, error.strerror or error))
    return path


def check_distinct_outputs(**paths):
    """Two outputs written to one file would destroy each other (--results X --save-best X)."""
    seen = {}
    for option, path in paths.items():
        if not path:
            continue
        names = [path] + ([path + ".maps"] if option == "profile" else [])
        for name in names:
            real = os.path.realpath(name)
            if real in seen:
                raise click.UsageError("--%s and --%s name the same file (%s)" % (
                    seen[real].replace("_", "-"), option.replace("_", "-"), path))
            seen[real] = option
