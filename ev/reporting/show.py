"""python -m ev.reporting.show BEST.json|RUN.db [--json] [--random-environments N] [--seed S] [--plot F.png]:
replay a saved creature, measure its step responses, and say whether it flies.

The ``--json`` document's format history ("format": "ev-flight-check", "version";
``FLIGHT_CHECK.load`` reads every version):

    1 - {"format", "version", "environments", "flies", "total_fitness", "gains"}.  Before it
        had a name (ev at commit 6b10243 and earlier) the same object without the first two.
"""
import math
import sys

import click

from ev.common import atomic
from ev.common.formats import object_format
from ev.model.fitness import ENVIRONMENTS
from ev.model.replay import assess, random_environments
from ev.common.rng import Rng
from ev.model import controllers
from ev.store.creature_files import NotACreature, load_creature
from ev.store.sqlite import StoreError, best_creature, is_store
from ev.model.step_response import flies


FLIGHT_CHECK = object_format("ev-flight-check", "environments")


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("best", type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the figures as JSON.")
@click.option("--random-environments", "unseen", type=click.IntRange(min=0, max=10000),
              default=0, help="Also fly N random steps it never trained on (start 0-500 m, "
                              "step +-0.5-10 m, 4 s).")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Seed of the random environments.")
@click.option("--plot", type=click.Path(dir_okay=False),
              help="Plot altitude, setpoint, the +-2% band and the motor command (PNG).")
def main(best, as_json, unseen, seed, plot):
    """Replay a saved creature: per environment its fitness, rise time, settling time,
    overshoot and steady-state error, and one verdict, flies: yes or no."""
    try:
        creature = best_creature(best) if is_store(best) else load_creature(best)
    except (NotACreature, StoreError) as error:
        raise click.ClickException(str(error))
    envs = list(ENVIRONMENTS) + random_environments(Rng(seed), unseen)
    try:
        assessed = assess(creature, envs)
    except ArithmeticError as error:  # e.g. SingularAttitude
        raise click.ClickException("%s: a flight failed: %s" % (best, error))
    rows = [row(flight, info) for flight, info in assessed]
    verdict = all(info is not None and flies(info) for _, info in assessed)
    total = sum(r["fitness"] if r["fitness"] is not None else math.inf
                for r in rows[:len(ENVIRONMENTS)])
    gains = controllers.of(creature).named_genome(creature)   # None: a matrix
    if as_json:
        click.echo(FLIGHT_CHECK.dumps({"environments": rows, "flies": verdict,
                                       "total_fitness": total if math.isfinite(total) else None,
                                       "gains": gains}, indent=1))
    else:
        click.echo(render(rows, total, gains, verdict, unseen))
    failed = not math.isfinite(total)
    if failed:
        click.echo("error: a flight went non-finite (the controller's state overflowed)",
                   err=True)
    if plot:
        write_plot(assessed, plot, verdict, unseen)
        click.echo("plot written to %s" % plot, err=as_json)
    sys.exit(1 if failed else 0)


def row(flight, info):
    env = flight.env
    finite = math.isfinite(flight.fitness)
    return {"start": env.start, "setpoint": env.setpoint, "seconds": env.seconds,
            "fitness": flight.fitness if finite else None,
            "rise_time": info.rise_time if info else None,
            "settling_time": info.settling_time if info else None,
            "overshoot": info.overshoot if info else None,
            "steady_state_error": info.steady_state_error if info else None,
            "settled": bool(info and info.settled)}


def render(rows, total, gains, verdict, unseen):
    def fmt(value, pattern):
        return "-" if value is None else pattern % value
    lines = []
    if gains:
        lines.append("PID gains: " + ", ".join("%s = %.6g" % kv for kv in gains.items()))
    lines.append("%9s %9s %5s %10s %7s %8s %9s %8s  %s" % (
        "start", "setpoint", "s", "fitness", "rise s", "settle s", "overshoot", "error",
        "settled"))
    for index, r in enumerate(rows):
        if index == len(ENVIRONMENTS):
            lines.append("-- %d random environments it never trained on --" % unseen)
        lines.append("%9.3f %9.3f %5.1f %10s %7s %8s %9s %8s  %s" % (
            r["start"], r["setpoint"], r["seconds"], fmt(r["fitness"], "%.2f"),
            fmt(r["rise_time"], "%.2f"), fmt(r["settling_time"], "%.2f"),
            fmt(r["overshoot"] and 100 * r["overshoot"], "%.1f%%"),
            fmt(r["steady_state_error"] and 100 * r["steady_state_error"], "%.2f%%"),
            "yes" if r["settled"] else "no"))
    lines.append("total fitness %.2f (the five training environments)" % total)
    lines.append("flies: %s (overshoot <= 10%%, settled into +-2%% within 85%% of the flight, "
                 "error at the end <= 2%%, in %s)" % (
                     "yes" if verdict else "no",
                     "every environment" if unseen else "the five training environments"))
    return "\n".join(lines)


def write_plot(assessed, path, verdict, unseen):
    from ev.reporting.flight_plots import plot_flights
    title = "flies: %s (%d training + %d unseen environments)" % (
        "yes" if verdict else "no", len(ENVIRONMENTS), unseen)
    try:
        plot_flights(assessed, path, title)
    except OSError as error:
        raise click.ClickException(atomic.describe(error))


if __name__ == "__main__":
    main()
