"""python -m ev.reporting.history RUN.db [--json] [--plot F.png]: the story of a stored run -- what ran
where, best and average fitness per generation, and the lineage of the best creature back to
generation 0, with the mutation that made each ancestor.

The ``--json`` document's format history ("format": "ev-history", "version"; ``HISTORY.load``
reads every version):

    1 - {"format", "version", "store", "run" (the run record), "generations", "best",
        "lineage"}.  Before it had a name (ev at commit 6b10243 and earlier) the same
        object without "format" and "version".
"""
import math

import click

from ev.common import atomic
from ev.common.formats import object_format
from ev.store.sqlite import Store, StoreError


HISTORY = object_format("ev-history", "lineage")


def history(store):
    """The run as plain data (its run: an ev.store.records.RunRecord; ``to_json`` makes it JSON)."""
    generations = store.generations()
    best = store.best_id() if generations else None   # killed before its first generation
    lineage = [{"id": row["id"], "born": row["born"], "culled": row["culled"],
                "operator": row["operator"], "fitness": row["fitness"],
                "parent": row["parent"]} for row in store.lineage(best)] if generations else []
    return {"store": store.path, "run": store.run(), "generations": generations,
            "best": best, "lineage": lineage}


def to_json(data):
    return HISTORY.dumps(dict(data, run=data["run"].to_json()), indent=1)


def render(data):
    run = data["run"]
    lines = ["%s: %s run, seed %s, population %s, %s controller, %s creature" % (
        data["store"], run.implementation, run.seed, run.population, run.controller,
        run.variant),
        "started %s on %s (%s, %s cores), %s %s%s" % (
            known(run.started), known(run.node), known(run.cpu), known(run.cpu_count),
            run.implementation, run.version, ", git %s" % run.git if run.git else ""), "",
        "%10s %12s %12s %8s" % ("generation", "best", "average", "seconds")]
    for g in data["generations"]:
        lines.append("%10d %12s %12s %8.3f" % (g["generation"], number(g["min"]),
                                               number(g["avg"]), g["seconds"]))
    if data["best"] is None:
        return "\n".join(lines + ["(no finished generation yet)"])
    lines += ["", "How the best creature (id %d) came to be, newest first:" % data["best"],
              "%10s %8s %12s  %s" % ("creature", "born", "fitness", "made by")]
    for row in data["lineage"]:
        lines.append("%10d %8d %12s  %s" % (
            row["id"], row["born"], number(row["fitness"]),
            row["operator"] or "the random first generation"))
    return "\n".join(lines)


def known(value):
    return "?" if value is None else value


def number(value):
    return "failed" if value is None else "%.2f" % value


def plot(data, path):
    from ev.reporting.plots import plt, save
    gens = data["generations"]
    fig, ax = plt.subplots(figsize=(8, 4.5))
    xs = [g["generation"] for g in gens]
    for key, label in (("min", "best"), ("avg", "average")):
        ax.plot(xs, [g[key] if g[key] is not None else math.nan for g in gens], label=label)
    ax.set_yscale("log")
    ax.set_xlabel("generation")
    ax.set_ylabel("fitness (lower is better, log)")
    run = data["run"]
    ax.set_title("%s: seed %s, population %s, %s" % (data["store"], run.seed,
                                                     run.population, run.variant))
    ax.grid(True, which="both", alpha=0.3)
    ax.legend()
    save(fig, path)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("store_path", metavar="STORE", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the history as JSON.")
@click.option("--plot", "plot_path", type=click.Path(dir_okay=False),
              help="Plot best and average fitness per generation (PNG).")
def main(store_path, as_json, plot_path):
    """Tell the story of a run kept with ev.cli.evolve --store."""
    try:
        store = Store.open_for_reading(store_path)
        data = history(store)
    except StoreError as error:
        raise click.ClickException(str(error))
    click.echo(to_json(data) if as_json else render(data))
    if plot_path:
        try:
            plot(data, plot_path)
        except OSError as error:
            raise click.ClickException(atomic.describe(error))
        click.echo("plot written to %s" % plot_path, err=as_json)


if __name__ == "__main__":
    main()
