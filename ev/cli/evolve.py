"""python -m ev.main: evolve a quadcopter altitude controller, one line per generation."""
import collections
import contextlib
import os
import signal
import sqlite3
import sys
import time

import click

from ev.common import atomic, capacity
from ev.cli import profiling
from ev.store import records
from ev.model import controllers
from ev.model.replay import flies_and_generalizes
from ev.common.rng import Rng
from ev.store.sqlite import StoreError
from ev.cli.resume import (next_generation, open_store_to_resume, options_from_store,
                           resumed_universe)
from ev.cli import serve, workers
from ev.cli.span import Span, profile_from_problem
from ev.cli.outputs import (RunOutputs, check_distinct_outputs, check_writable,
                            failure_message, finish)
from ev.evolution.executors import EvaluationFailed
from ev.evolution.universe import Universe
from ev.backends.registry import VARIANT_NAMES, VariantUnavailable, get_variant

LINE = ("Generation {n:3d}: min = {s.min:8.2f} avg = {s.avg:8.2f} max = {s.max:8.2f}  "
        "[population = {population}]  [{secs:.2f} secs]")


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


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("-n", "--population", type=click.IntRange(min=4), default=500, show_default=True,
              help="Creatures per generation.")
@click.option("-g", "--generations", type=click.IntRange(min=1), default=None,
              help="Generations to run [default: until Ctrl-C]; with --until-flies, the "
                   "budget.")
@click.option("--seconds", type=click.FloatRange(min=0, min_open=True), default=None,
              help="A time budget: stop after the generation that brings the evolution's "
                   "seconds to this (cheap variants run more generations than dear ones); "
                   "-g still caps.  The matrix run gives each cell one.")
@click.option("--min-generations", type=click.IntRange(min=1), default=1, show_default=True,
              help="With --seconds: never stop before this many generations.")
@click.option("--creature", "variant", type=click.Choice(VARIANT_NAMES), default=None,
              help="How run_step is computed [default: specialized].")
@click.option("--no-specialized", is_flag=True,
              help="Use the numpy Creature (the article's spelling of --creature numpy).")
@click.option("--vectorized", is_flag=True, help="Same as --creature vectorized.")
@click.option("--controller", type=click.Choice(controllers.NAMES), default=controllers.DEFAULT,
              show_default=True,
              help="What evolves: the article's state-space matrix, or a PID (Kp, Ki, Kd and "
                   "an error limit) compiled into that same form.")
@click.option("--state-vars", type=click.IntRange(min=0, max=63), default=None,
              help="State variables of the state-space controller [default: 1; a PID has 2].")
@click.option("--until-flies", is_flag=True,
              help="Stop at the first generation whose best creature flies (see ev.reporting.show) the "
                   "training steps and a validation grid of 0.5-10 m steps; exit 1 if it "
                   "never does within -g generations.")
@click.option("--seed", type=click.IntRange(min=0), default=None,
              help="Seed of the run's random source: same seed, same fitness lines (Python's "
                   "random takes -N for N, so a negative seed is refused, as ev matrix does).")
@click.option("--store", type=click.Path(), callback=check_writable,
              help="Keep the run in a new SQLite file: every creature, every generation, "
                   "the random state (resume it with --resume; read it with ev.reporting.history).")
@click.option("--resume", type=click.Path(dir_okay=False),
              help="Continue the run kept in this store; -g N means N more generations.")
@click.option("--results", type=click.Path(), callback=check_writable,
              help="Append one JSON line per generation (after a first record on the run).")
@click.option("--save-best", type=click.Path(), callback=check_writable,
              help="Write the best creature as JSON (also on Ctrl-C).")
@click.option("--profile", type=click.Path(), callback=check_writable,
              help="Record a profile of the evolution (read it with traces.profile); "
                   "--sampler says what records it.")
@click.option("--sampler", type=click.Choice(profiling.SAMPLERS), default=None,
              help=profiling.sampler_help())
@click.option("--profile-from", type=click.IntRange(min=0), default=0, show_default=True,
              metavar="N",
              help="With --profile: run the generations before N unrecorded and start the "
                   "profile at generation N (e.g. after PyPy's warm-up); the evolution and "
                   "its lines are the same.  N past the run's last generation is refused.")
@click.option("--jit-log", type=click.Path(), callback=check_writable,
              help="PyPy only: write the JIT's log (read it with traces.jitlog).")
@click.option("--serve", is_flag=True, hidden=True,
              help="Stay warm: evolve in slices as ev.runner commands (ev.cli.serve).")
@workers.options
def main(**options):
    """Evolve the controller of a simulated quadcopter and time every generation."""
    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, stop_on_signal)
    context = click.get_current_context()
    given = frozenset(name for name in options if context.get_parameter_source(name)
                      == click.core.ParameterSource.COMMANDLINE)
    try:
        status = start(Options(given=given, **options))
    except KeyboardInterrupt as stop:  # during start-up; the evolution handles its own
        click.echo("\n" + stop_message(stop), err=True)
        status = exit_status(stop)
    if profiling.in_child():
        profiling.exit_child(status)
    sys.exit(status)


Options = collections.namedtuple(
    "Options", "population generations seconds min_generations variant no_specialized "
               "vectorized controller state_vars until_flies seed store resume results "
               "save_best profile sampler profile_from jit_log serve workers executor start_method "
               "given")


def start(options):
    """Check the options, start the recorded child or set up the evolution and run it;
    return the exit status."""
    if options.serve:
        serve.claim_channel()
    check_distinct_outputs(results=options.results, save_best=options.save_best,
                           profile=options.profile, jit_log=options.jit_log,
                           store=options.store, resume=options.resume)
    if options.store and options.resume:
        raise click.UsageError("--store starts a new store, --resume continues one: not both")
    if options.store and os.path.lexists(options.store):
        raise click.UsageError("--store %s: the file exists (continue that run with --resume, "
                               "or choose another file)" % options.store)
    if options.jit_log and not profiling.is_pypy():
        raise click.UsageError("--jit-log: CPython has no JIT to log (run this with pypy3)")
    if options.sampler and not options.profile:
        raise click.UsageError("--sampler goes with --profile")
    stored = None
    if options.resume:
        stored = open_store_to_resume(options.resume)
        options = options_from_store(options, stored)
    problem = profile_from_problem(options.profile, options.profile_from, options.given,
                                   next_generation(stored), options.generations)
    if problem:
        click.echo("error: %s" % problem, err=True)
        return 2
    variant = choose_variant(options.variant, options.no_specialized, options.vectorized)
    shape = choose_shape(options.controller, options.state_vars)
    problem = capacity.population_too_large(options.population, shape)
    if problem:
        raise click.BadParameter(problem, param_hint="--population")
    executor = workers.chosen_executor(options.executor, options.workers,
                                       options.profile or options.jit_log)
    if (options.profile or options.jit_log) and not profiling.in_child():
        sampler = profiling.choose_sampler(options.sampler) if options.profile else None
        if options.profile and sampler is None:
            return 1
        if stored:
            stored.close()   # the child takes the store's lock
        chosen_sampler = ["--sampler", sampler] if sampler and not options.sampler else []
        return profiling.run_recorded_child(own_arguments() + chosen_sampler, options.jit_log)
    seed = options.seed
    if seed is None:
        seed = int.from_bytes(os.urandom(4), "big")
    try:
        chosen = get_variant(variant, shape)
    except ValueError as error:
        raise click.BadParameter(str(error), param_hint="--state-vars")
    except VariantUnavailable as error:
        click.echo("error: --creature %s: %s" % (variant, error), err=True)
        return 1
    creature_class, description = controller_class(options.controller, chosen)
    evaluation = workers.evaluation(executor, options.workers, options.start_method, variant,
                                    options.controller, shape, chosen.evaluate_all)
    run = records.RunRecord.new(variant, options.population, seed, options.generations, shape,
                                sys.argv, controller=options.controller,
                                profile_from=options.profile_from if options.profile else None)
    if stored and stored.last_generation() is not None:
        try:
            universe, first = resumed_universe(stored, evaluation.evaluate_all)
        except StoreError as error:
            raise click.ClickException(str(error))
        click.echo("# %s %s, %s, seed %d, resuming %s at generation %d" % (
            run.implementation, run.version, description, seed, options.resume, first))
    else:
        universe, first = Universe.random(creature_class, options.population,
                                          evaluation.evaluate_all, Rng(seed), shape), 0
        click.echo("# %s %s, %s, seed %d" % (run.implementation, run.version,
                                             description, seed))
    return workers.run_with(evaluation, first, lambda where: run_with_outputs(
        universe, first, options, run, stored, where))


def run_with_outputs(universe, first, options, run, stored, where):
    if options.serve:
        return serve.serve(universe, first, run, evolve)
    try:
        outputs = RunOutputs.open(run, options.results, options.store, stored)
    except OSError as error:
        click.echo("error: %s" % atomic.describe(error), err=True)
        return 1
    except StoreError as error:
        click.echo("error: %s" % error, err=True)
        return 1
    if where:
        click.echo(where, err=True)
    goal = FliesGoal() if options.until_flies else None
    if options.seconds is None and "min_generations" in options.given:
        raise click.UsageError("--min-generations goes with --seconds")
    span = Span(first, options.generations, options.seconds, options.min_generations)
    return run_until_done(universe, span, outputs, options.save_best, options.profile, goal,
                          options.profile_from, options.sampler)


def own_arguments():
    """This command's arguments: after ``ev evolve`` (the group has no options of its own to
    stand between), or after ``python -m ev.main``."""
    return sys.argv[2:] if click.get_current_context().parent else sys.argv[1:]


def choose_shape(controller, state_vars):
    try:
        return controllers.get(controller).shape(state_vars)
    except ValueError as error:
        raise click.UsageError(str(error))


def controller_class(controller, chosen):
    """(creature class, description) of what evolves, computed the way ``chosen`` computes."""
    controller = controllers.get(controller)
    problem = controller.can_fly(chosen.name)
    if problem:
        raise click.UsageError("--controller %s: %s" % (controller.name, problem))
    return (controller.creature_class(chosen.creature_class),
            controller.describe(chosen.description))


class FliesGoal(object):
    """--until-flies: reached when a generation's best creature flies in the training
    environments and on the validation grid (ev.model.replay.flies_and_generalizes).  Checked once
    per generation, outside the timing.  Its wall clock starts when it is made, just before
    the evolution (which may run in two spans, see run_until_done)."""

    def __init__(self):
        self.generation = None
        self.wall_seconds = None
        self.began = time.perf_counter()

    def reached(self, best, generation):
        if not flies_and_generalizes(best):
            return False
        self.generation = generation
        self.wall_seconds = time.perf_counter() - self.began
        return True


def run_until_done(universe, span, outputs, save_best, profile, goal=None, profile_from=0,
                   sampler=None):
    """Evolve until the generations are done or the goal is reached, then finish; return the
    exit status.  With a ``profile``, the generations before ``profile_from`` run unrecorded
    and ``sampler`` records from there on: the run is evolved as two spans, the second inside
    the recording, so the evolution (seed, fitness lines) is the one it would be whole.
    The records end with an end record (ev.store.records.EndRecord): why the run ended."""
    seconds = []

    def ending(reason, status, stopped=None, message=None):
        written = write_end(outputs, span.first, seconds, reason, status, goal, message)
        return finish(universe, seconds, save_best, outputs, stopped=stopped,
                      status=status if written else status or 1)
    try:
        started = evolve_then_record(universe, span.split(profile_from), outputs, seconds,
                                     goal, recording_for(profile, sampler))
    except KeyboardInterrupt as stop:
        return ending(records.INTERRUPTED, exit_status(stop), "\n" + stop_message(stop))
    except (ArithmeticError,  # e.g. SingularAttitude: a flight the model cannot fly
            EvaluationFailed) as error:  # a worker raised, died or hung
        return ending(records.FAILED, 1, "error: %s" % error, str(error))
    except (OSError, sqlite3.Error) as error:  # the records, store or profile failed
        message = failure_message(error)
        return ending(records.FAILED, 1, "error: " + message, message)
    if profile and started is None:
        message = "the run ended before generation %d (--profile-from)" % profile_from
        written = write_end(outputs, span.first, seconds, records.FAILED, 1, goal, message)
        status = finish(universe, seconds, save_best, outputs, status=0 if written else 1)
        click.echo("error: %s: no profile was recorded" % message, err=True)
        return status or 1
    reason = records.BUDGET
    if goal:
        reason = records.FLEW if goal.generation is not None else records.NEVER_FLEW
    written = write_end(outputs, span.first, seconds, reason,
                        int(reason == records.NEVER_FLEW), goal, None)
    status = finish(universe, seconds, save_best, outputs, status=0 if written else 1)
    return status or (goal_status(goal, seconds) if goal else 0)


def write_end(outputs, first, seconds, reason, status, goal, message):
    """Append the run's end record to its records, when it keeps any; False when it could
    not be written (said in one line)."""
    if outputs.writer is None:
        return True
    flew = goal.generation if goal else None
    try:
        outputs.writer.write(records.EndRecord.of(outputs.run, first, seconds, reason, status,
                                                  flew=flew, message=message))
    except OSError as error:
        click.echo("error: %s" % atomic.describe(error), err=True)
        return False
    return True


def recording_for(profile, sampler):
    """``recording(generation)``: the context that records the run from that generation to
    its end with ``sampler`` (nothing without a profile)."""
    if not profile:
        return lambda generation: contextlib.nullcontext()
    return lambda generation: profiling.recording(
        sampler, profile, click.echo, scope=" from generation %d" % generation)


def evolve_then_record(universe, spans, outputs, seconds, goal, recording):
    """Evolve the first span, then the second inside ``recording(its first generation)``;
    return that generation, or None when the second never began (the goal was reached or
    the time budget spent before it)."""
    unrecorded, recorded = spans
    following = evolve(universe, unrecorded, outputs, seconds, goal)
    if following is None or not recorded.continues(following, seconds):
        return None
    with recording(following):
        evolve(universe, recorded, outputs, seconds, goal)
    return following


def goal_status(goal, seconds):
    if goal.generation is None:
        click.echo("# did not fly within %s (%.2f s)" % (generations(len(seconds)),
                                                       sum(seconds)))
        return 1
    click.echo("# flies: generation %d's best, after %s, %.2f s of evolution "
               "(%.2f s wall clock)" % (goal.generation, generations(goal.generation + 1),
                                        sum(seconds), goal.wall_seconds))
    return 0


def generations(count):
    return "1 generation" if count == 1 else "%d generations" % count


def choose_variant(variant, no_specialized, vectorized):
    flags = [name for name, given in (("numpy", no_specialized),
                                      ("vectorized", vectorized)) if given]
    if variant:
        flags.append(variant)
    if len(set(flags)) > 1:
        raise click.UsageError("choose one of --creature, --no-specialized, --vectorized")
    return flags[0] if flags else "specialized"


def evolve(universe, span, outputs, seconds, goal=None):
    """Run the span's generations; return the number of the next one, or None when the
    goal was reached."""
    generation = span.first
    while span.continues(generation, seconds):
        start = time.perf_counter()
        happened = universe.run_generation()
        elapsed = time.perf_counter() - start
        seconds.append(elapsed)
        flew = goal is not None and goal.reached(happened.best, generation)
        # Recorded before printed: whatever a user saw is in the records (the store commits
        # in the background, at most one generation behind).
        outputs.generation(generation, elapsed, happened, flew if goal else None)
        click.echo(LINE.format(n=generation, s=happened.stats, population=universe.population,
                               secs=elapsed))
        if flew:
            return None
        generation += 1
    return generation


if __name__ == "__main__":
    main()
