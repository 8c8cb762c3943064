"""What one generation did, as a value: ``Universe.run_generation`` returns it, and the
records and the store write it (they recompute nothing the GA already knew).

The creatures in it are the universe's own objects, not copies: the children get their
fitness when the next generation evaluates them.  And the random state after it is read from
the universe's random source when asked, which is free for a run that keeps no store (a copy
of the Mersenne Twister's 625 words took 24 us on CPython and 66 us on PyPy, on a shared
2-core machine: 3% of the GA's 0.8 ms in a CPython generation of the c cell at population
500) and right until the next generation starts; after that, asking is an error, not a wrong
state.  So whoever keeps something of a generation (ev.store.sqlite packs its rows at once)
takes it before the next one runs."""
from collections import namedtuple

# evaluation_seconds: the time spent in evaluate_all, the rest of a generation is the GA's.
GenerationStats = namedtuple("GenerationStats", "min avg max evaluated evaluation_seconds")


class Generation(object):
    """stats: min/avg/max fitness over the population and the evaluation's count and time;
    evaluated: the creatures this generation gave a fitness (all of them in a first
    generation, then the previous one's children), in the population's order;
    ranked: the population evaluated, best first; survivors + children: the population the
    next generation starts from, in order (children not yet evaluated); next_id: the id the
    next new creature gets.  Derived: best, culled, population, rng_state."""
    __slots__ = ("stats", "evaluated", "ranked", "survivors", "children", "next_id",
                 "_universe", "_number")

    def __init__(self, stats, evaluated, ranked, survivors, children, next_id, universe):
        self.stats, self.evaluated, self.ranked = stats, evaluated, ranked
        self.survivors, self.children, self.next_id = survivors, children, next_id
        self._universe, self._number = universe, universe.generations_started

    @property
    def best(self):
        return self.ranked[0]

    @property
    def culled(self):
        """The creatures the selection removed, best first."""
        alive = set(map(id, self.survivors))
        return [c for c in self.ranked if id(c) not in alive]

    @property
    def population(self):
        """The creatures after this generation's reproduction, in order."""
        return self.survivors + self.children

    @property
    def rng_state(self):
        """The random source's state after this generation (ev.common.rng.Rng.getstate)."""
        if self._universe.generations_started != self._number:
            raise RuntimeError("the random state after a generation is gone once the next "
                               "one has started: take it before")
        return self._universe.rng.getstate()
