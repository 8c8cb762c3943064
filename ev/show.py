"""python -m ev.show BEST.json [--plot FLIGHT.png]: replay a saved creature in every environment."""
import json
import math
import sys

import click

from ev.fitness import DT, ENVIRONMENTS, fly, settled


FLYABLE_INPUTS = 2  # the setpoint and the altitude


def load_creature(path):
    """A creature saved by ``ev.main --save-best``, as the kind it was saved as."""
    from ev.variants import get_variant
    from ev.creature_base import Shape
    try:
        with open(path) as saved:
            data = json.load(saved)
        shape = Shape(**data["shape"])
        check_flyable(shape, data["matrix"], data["constant"])
        creature_class = get_variant(data.get("kind") or "numpy", shape).creature_class
        return creature_class.from_dict(data)
    except (OSError, ValueError, KeyError, TypeError, OverflowError, RecursionError) as error:
        raise click.ClickException("%s: not a saved creature (%s)" % (path, error))


def check_flyable(shape, matrix, constant):
    """Raise ValueError for a shape or genome no flight can use."""
    if shape.inputs != FLYABLE_INPUTS or shape.outputs < 1 or shape.state_vars < 0:
        raise ValueError("shape %r cannot fly: it needs %d inputs (setpoint, altitude) and "
                         "at least one output" % (tuple(shape), FLYABLE_INPUTS))
    if not all(isinstance(x, (int, float)) and math.isfinite(x)
               for x in list(matrix) + list(constant)):
        raise ValueError("the genome holds values that are not finite numbers")


def plot_flights(flights, path):
    from ev.plots import plt, save
    fig, axes = plt.subplots(1, len(flights), figsize=(3.2 * len(flights), 3.4), squeeze=False)
    for ax, (env, altitudes, fitness) in zip(axes[0], flights):
        times = [DT * (i + 1) for i in range(len(altitudes))]
        ax.plot([0.0] + times, [env.start] + altitudes, label="altitude")
        ax.axhline(env.setpoint, color="tab:red", linestyle="--", label="setpoint")
        ax.set_title("%g -> %g m  (fitness %.1f)" % (env.start, env.setpoint, fitness),
                     fontsize=9)
        ax.set_xlabel("time [s]")
    axes[0][0].set_ylabel("altitude [m]")
    axes[0][0].legend(fontsize=8)
    save(fig, path)


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("best", type=click.Path(exists=True, dir_okay=False))
@click.option("--plot", type=click.Path(dir_okay=False), help="Plot altitude against time (PNG).")
def main(best, plot):
    """Replay a saved creature: its fitness per environment, and optionally a plot."""
    creature = load_creature(best)
    flights = []
    total = 0.0
    for env in ENVIRONMENTS:
        altitudes = []
        try:
            fitness = settled(fly(creature, env, altitudes))
        except ArithmeticError as error:  # e.g. SingularAttitude
            raise click.ClickException("%s: the flight from %g m failed: %s"
                                       % (best, env.start, error))
        total += fitness
        flights.append((env, altitudes, fitness))
        click.echo("%6g -> %6g m, %4.1f s: fitness %10.2f, final altitude %8.3f m"
                   % (env.start, env.setpoint, env.seconds, fitness, altitudes[-1]))
    total = settled(total)
    click.echo("total fitness %.2f" % total)
    failed = not math.isfinite(total)
    if failed:
        click.echo("error: a flight went non-finite (the controller's state overflowed)",
                   err=True)
    if plot:
        try:
            plot_flights(flights, plot)
        except OSError as error:
            raise click.ClickException("cannot write %s: %s" % (plot, error.strerror or error))
        click.echo("plot written to %s" % plot)
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
