"""python -m ev.main: evolve a quadcopter altitude controller, one line per generation."""
import collections
import contextlib
import json
import os
import signal
import sys
import time

import click

from ev import atomic, capacity, profiling, records
from ev.creature_base import DEFAULT_SHAPE
from ev.pid import PID_SHAPE, pid_creature_class
from ev.replay import flies_everywhere
from ev.rng import Rng
from ev.timing import steady_median
from ev.universe import Universe
from ev.variants import VARIANT_NAMES, get_variant

CONTROLLERS = ("state-space", "pid")
LINE = ("Generation {n:3d}: min = {s.min:8.2f} avg = {s.avg:8.2f} max = {s.max:8.2f}  "
        "[population = {population}]  [{secs:.2f} secs]")


OUTPUTS = ("results", "save_best", "profile", "jit_log")


class Terminated(KeyboardInterrupt):
    """SIGTERM or SIGHUP, handled as Ctrl-C is: finished work is kept, the exit status
    (128 + the signal's number) says why."""

    def __init__(self, signum):
        KeyboardInterrupt.__init__(self, signum)
        self.signum = signum


def stop_on_signal(signum, frame):
    raise Terminated(signum)


def exit_status(stop):
    return 128 + stop.signum if isinstance(stop, Terminated) else 130


def stop_message(stop):
    if isinstance(stop, Terminated):
        return "Terminated (%s)." % profiling.signal_name(stop.signum)
    return "Interrupted."


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
    if not os.access(folder, os.W_OK) or (os.path.exists(path) and not os.access(path, os.W_OK)):
        raise click.BadParameter("%s is not writable" % path)
    return path


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-n", "--population", type=click.IntRange(min=4), default=500, show_default=True,
              help="Creatures per generation.")
@click.option("-g", "--generations", type=click.IntRange(min=1), default=None,
              help="Generations to run [default: until Ctrl-C]; with --until-flies, the "
                   "budget.")
@click.option("--creature", "variant", type=click.Choice(VARIANT_NAMES), default=None,
              help="How run_step is computed [default: specialized].")
@click.option("--no-specialized", is_flag=True,
              help="Use the numpy Creature (the article's spelling of --creature numpy).")
@click.option("--vectorized", is_flag=True, help="Same as --creature vectorized.")
@click.option("--controller", type=click.Choice(CONTROLLERS), default="state-space",
              show_default=True,
              help="What evolves: the article's state-space matrix, or PID gains (Kp, Ki, Kd, "
                   "hover command) compiled into that same form.")
@click.option("--state-vars", type=click.IntRange(min=0, max=63), default=None,
              help="State variables of the state-space controller [default: 1; a PID has 2].")
@click.option("--until-flies", is_flag=True,
              help="Stop at the first generation whose best creature flies (see ev.show); "
                   "exit 1 if it never does within -g generations.")
@click.option("--seed", type=int, default=None,
              help="Seed of the run's random source: same seed, same fitness lines.")
@click.option("--results", type=click.Path(), callback=check_writable,
              help="Append one JSON line per generation (after a first record on the run).")
@click.option("--save-best", type=click.Path(), callback=check_writable,
              help="Write the best creature as JSON (also on Ctrl-C).")
@click.option("--profile", type=click.Path(), callback=check_writable,
              help="Record a vmprof profile of the evolution (read it with traces.profile).")
@click.option("--jit-log", type=click.Path(), callback=check_writable,
              help="PyPy only: write the JIT's log (read it with traces.jitlog).")
def main(**options):
    """Evolve the controller of a simulated quadcopter and time every generation."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop_on_signal)
    try:
        status = start(Options(**options))
    except KeyboardInterrupt as stop:  # during start-up; the evolution handles its own
        click.echo("\n" + stop_message(stop), err=True)
        status = exit_status(stop)
    if profiling.in_child():
        profiling.exit_child(status)
    sys.exit(status)


Options = collections.namedtuple(
    "Options", "population generations variant no_specialized vectorized controller "
               "state_vars until_flies seed results save_best profile jit_log")


def start(options):
    """Check the options, start the recorded child or set up the evolution and run it;
    return the exit status."""
    variant = choose_variant(options.variant, options.no_specialized, options.vectorized)
    check_distinct_outputs(results=options.results, save_best=options.save_best,
                           profile=options.profile, jit_log=options.jit_log)
    if options.jit_log and not profiling.is_pypy():
        raise click.UsageError("--jit-log: CPython has no JIT to log (run this with pypy3)")
    shape = choose_shape(options.controller, options.state_vars)
    problem = capacity.population_too_large(options.population, shape)
    if problem:
        raise click.BadParameter(problem, param_hint="--population")
    if (options.profile or options.jit_log) and not profiling.in_child():
        return profiling.run_recorded_child(sys.argv[1:], options.jit_log)
    seed = options.seed
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big")
    try:
        chosen = get_variant(variant, shape)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--state-vars")
    creature_class, description = controller_class(options.controller, chosen)
    universe = Universe.random(creature_class, options.population, chosen.evaluate_all,
                               Rng(seed), shape)
    run = records.run_record(variant, options.population, seed, options.generations, shape,
                             sys.argv, controller=options.controller)
    click.echo("# %s %s, %s, seed %d" % (run["implementation"], run["version"], description,
                                         seed))
    try:
        writer = records.RecordWriter(options.results) if options.results else None
        if writer:
            writer.write(run)
    except OSError as error:
        click.echo("error: %s" % atomic.describe(error), err=True)
        return 1
    goal = FliesGoal() if options.until_flies else None
    return run_until_done(universe, options.generations, run, writer, options.save_best,
                          options.profile, goal)


def choose_shape(controller, state_vars):
    if controller == "pid":
        if state_vars not in (None, PID_SHAPE.state_vars):
            raise click.UsageError("--state-vars %d: a PID controller has %d (the integral "
                                   "and the previous altitude)"
                                   % (state_vars, PID_SHAPE.state_vars))
        return PID_SHAPE
    return DEFAULT_SHAPE._replace(state_vars=1 if state_vars is None else state_vars)


def controller_class(controller, chosen):
    """(creature class, description) of what evolves, computed the way ``chosen`` computes."""
    if controller == "pid":
        return (pid_creature_class(chosen.creature_class),
                "PID gains flown as the state-space form, %s" % chosen.description)
    return chosen.creature_class, chosen.description


class FliesGoal(object):
    """--until-flies: reached when a generation's best creature flies in every training
    environment (ev.step_response.flies).  Checked once per generation, outside the timing."""

    def __init__(self):
        self.generation = None
        self.wall_seconds = None

    def reached(self, universe, generation, wall_seconds):
        if universe.best is None or not flies_everywhere(universe.best):
            return False
        self.generation, self.wall_seconds = generation, wall_seconds
        return True


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


def run_until_done(universe, generations, run, writer, save_best, profile, goal=None):
    """Evolve (recording a profile if asked) until the generations are done or the goal is
    reached, then finish; return the exit status."""
    seconds = []
    recording = (profiling.vmprof_recording(profile, click.echo) if profile
                 else contextlib.nullcontext())
    try:
        with recording:
            evolve(universe, generations, run, writer, seconds, goal)
    except KeyboardInterrupt as stop:
        return finish(universe, seconds, save_best, writer, stopped="\n" + stop_message(stop),
                      status=exit_status(stop))
    except ArithmeticError as error:  # e.g. SingularAttitude: a flight the model cannot fly
        return finish(universe, seconds, save_best, writer, stopped="error: %s" % error,
                      status=1)
    except OSError as error:  # the results file or the profile could not be written
        return finish(universe, seconds, save_best, writer,
                      stopped="error: %s" % atomic.describe(error), status=1)
    status = finish(universe, seconds, save_best, writer)
    return status or (goal_status(goal, seconds) if goal else 0)


def goal_status(goal, seconds):
    if goal.generation is None:
        click.echo("# did not fly within %d generations (%.2f s)" % (len(seconds),
                                                                   sum(seconds)))
        return 1
    click.echo("# flies: generation %d's best, after %d generations, %.2f s of evolution "
               "(%.2f s wall clock)" % (goal.generation, goal.generation + 1,
                                        sum(seconds), goal.wall_seconds))
    return 0


def choose_variant(variant, no_specialized, vectorized):
    flags = [name for name, given in (("numpy", no_specialized),
                                      ("vectorized", vectorized)) if given]
    if variant:
        flags.append(variant)
    if len(set(flags)) > 1:
        raise click.UsageError("choose one of --creature, --no-specialized, --vectorized")
    return flags[0] if flags else "specialized"


def evolve(universe, generations, run, writer, seconds, goal=None):
    generation = 0
    began = time.perf_counter()
    while generations is None or generation < generations:
        start = time.perf_counter()
        stats = universe.run_generation()
        elapsed = time.perf_counter() - start
        seconds.append(elapsed)
        flew = goal is not None and goal.reached(universe, generation,
                                                 time.perf_counter() - began)
        if writer:  # recorded before printed: whatever a user saw is kept
            writer.write(records.generation_record(run, generation, elapsed, stats,
                                                   flies=flew if goal else None))
        click.echo(LINE.format(n=generation, s=stats, population=universe.population,
                               secs=elapsed))
        if flew:
            return
        generation += 1


def finish(universe, seconds, save_best, writer, stopped=None, status=0):
    """Close the records, print the summary, save the best creature; return the exit status.
    When the run was ``stopped`` (the message says why), everything goes to stderr.
    A second Ctrl-C waits until all this is done."""
    with atomic.signals_deferred():
        return finish_now(universe, seconds, save_best, writer, stopped, status)


def finish_now(universe, seconds, save_best, writer, stopped, status):
    if writer:
        writer.close()
    if stopped:
        click.echo(stopped, err=True)
    if seconds:
        click.echo("# %d generations, median %.3f secs/generation (excluding the first)"
                   % (len(seconds), steady_median(seconds)), err=bool(stopped))
    if save_best and universe.best is not None:
        best = universe.best.to_dict()
        best["fitness"] = records.finite_or_none(best["fitness"])
        text = json.dumps(best, indent=1, allow_nan=False) + "\n"
        try:
            atomic.write_text(save_best, text)
        except OSError as error:
            click.echo("error: %s (the previous file, if any, is untouched)"
                       % atomic.describe(error), err=True)
            return status or 1
        click.echo("# best creature (fitness %.2f) saved to %s"
                   % (universe.best.fitness, save_best), err=bool(stopped))
    return status


if __name__ == "__main__":
    main()
