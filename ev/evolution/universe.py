"""The evolution: evaluate, select, reproduce."""
import time
from operator import attrgetter

from ev.evolution.generation import Generation, GenerationStats

ELITE_FRACTION = 0.01      # the best 1% always survive
CULL_FRACTION = 0.15       # of N: this many die from the band [1%, 50%) ...
REPRIEVE_FRACTION = 0.15   # ... and this many of the worse half survive


class Universe(object):
    def __init__(self, creatures, evaluate_all, rng, next_id=0):
        """``next_id``: the first id a new creature may take (a resumed run's, from its
        store); creatures without an id are named from there."""
        if len(creatures) < 4:
            raise ValueError("a population needs at least 4 creatures, got %d" % len(creatures))
        self.creatures = list(creatures)
        self.population = len(self.creatures)
        self.evaluate_all = evaluate_all
        self.rng = rng
        self.best = None
        self.next_id = next_id
        self.generations_started = 0   # tells a Generation whether its random state is current
        for creature in self.creatures:
            if creature.id is None:
                self.name(creature)
            self.next_id = max(self.next_id, creature.id + 1)

    def name(self, creature, parent=None):
        """Give a new creature its id (and its parent's): the lineage ev.store.sqlite keeps."""
        creature.id = self.next_id
        creature.parent_id = None if parent is None else parent.id
        self.next_id += 1
        return creature

    @classmethod
    def random(cls, creature_class, population, evaluate_all, rng, shape):
        creatures = [creature_class.random(rng, shape) for _ in range(population)]
        return cls(creatures, evaluate_all, rng)

    def run_generation(self):
        """Evaluate the creatures that have no fitness yet, then select and reproduce.
        Returns what happened (ev.evolution.generation.Generation)."""
        self.generations_started += 1
        pending = [c for c in self.creatures if c.fitness is None]
        started = time.perf_counter()
        self.evaluate_all(pending)
        evaluation_seconds = time.perf_counter() - started
        fitnesses = [c.fitness for c in self.creatures]
        stats = GenerationStats(min(fitnesses), sum(fitnesses) / len(fitnesses),
                                max(fitnesses), len(pending), evaluation_seconds)
        self.creatures.sort(key=attrgetter("fitness"))   # stable: ties keep their order
        ranked = self.creatures
        self.best = ranked[0]
        survivors = self._select(ranked)
        children = self._children(survivors)
        self.creatures = survivors + children
        return Generation(stats, pending, ranked, survivors, children, self.next_id, self)

    def _select(self, ranked):
        n = self.population
        elite = max(1, int(n * ELITE_FRACTION))
        half = n // 2
        band = ranked[elite:half]
        worse = ranked[half:]
        dying = set(self.rng.sample(range(len(band)), min(int(n * CULL_FRACTION), len(band))))
        spared = sorted(self.rng.sample(range(len(worse)),
                                        min(int(n * REPRIEVE_FRACTION), len(worse))))
        return (ranked[:elite]
                + [c for i, c in enumerate(band) if i not in dying]
                + [worse[i] for i in spared])

    def _children(self, survivors):
        """Every survivor has one child; when that leaves the population short (odd sizes,
        uneven culls) the best survivors have a second one.

        Two loops, the same draws in the same order as one ``child()`` per parent: PyPy compiles
        a loop for the path it first saw, and each of the twelve mutation paths (operator, list)
        leaves it through a bridge that runs the rest of the iteration.  With the mutations in
        a loop of their own, a bridge holds the rest of one mutation, not also the making of
        the child; the children are made in a second loop that has one path."""
        needed = self.population - len(survivors)
        parents = [survivors[i % len(survivors)] for i in range(needed)]
        mutations = [parent.mutation(self.rng) for parent in parents]
        return [self.name(parent.born(mutation), parent)
                for parent, mutation in zip(parents, mutations)]
