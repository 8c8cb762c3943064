"""--resume: continuing a run kept in a store, with what defines the run taken from it."""
import click

from ev.common.rng import Rng
from ev.evolution.universe import Universe
from ev.store.sqlite import Store, StoreError


def open_store_to_resume(path):
    try:
        stored = Store.open(path)
    except StoreError as error:
        raise click.ClickException(str(error))
    return stored


def options_from_store(options, stored):
    """The options with what defines the run taken from the store; a flag given on the
    command line that contradicts the store is a usage error."""
    try:
        run = stored.run()
    except StoreError as error:
        raise click.ClickException(str(error))
    from_store = {"population": run.population, "seed": run.seed,
                  "controller": run.controller, "variant": run.variant,
                  "state_vars": run.shape["state_vars"]}
    for name, value in from_store.items():
        mine = getattr(options, name)
        if name in options.given and mine != value:
            raise click.UsageError("--%s %s contradicts the stored run (%s); leave it out to "
                                   "resume" % (name.replace("_", "-"), mine, value))
    if (options.no_specialized or options.vectorized) and "variant" not in options.given:
        wanted = "numpy" if options.no_specialized else "vectorized"
        if wanted != run.variant:
            raise click.UsageError("--%s contradicts the stored run (creature %s)" % (
                "no-specialized" if options.no_specialized else "vectorized", run.variant))
    return options._replace(no_specialized=False, vectorized=False, **from_store)


def next_generation(stored):
    """The number of the run's first generation: 0, or the one after a store's last."""
    last = stored.last_generation() if stored else None
    return 0 if last is None else last + 1


def resumed_universe(stored, evaluate_all):
    """The population and random state after the last stored generation, and the number of
    the next generation."""
    last = stored.last_generation()
    creatures, rng_state, next_id = stored.population_after(last)
    rng = Rng()
    rng.setstate(rng_state)
    return Universe(creatures, evaluate_all, rng, next_id=next_id), last + 1
