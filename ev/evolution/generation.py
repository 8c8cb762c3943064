"""What one generation did, as a value: ``Universe.run_generation`` returns it, and the
records and the store write it (they recompute nothing the GA already knew).

The creatures in it are the universe's own objects, not copies: the children get their
fitness when the next generation evaluates them, so whoever keeps something of a generation
(ev.store.sqlite packs its rows at once) takes it before the next one runs."""
from collections import namedtuple

# evaluation_seconds: the time spent in evaluate_all, the rest of a generation is the GA's.
GenerationStats = namedtuple("GenerationStats", "min avg max evaluated evaluation_seconds")


class Generation(namedtuple("Generation", "stats evaluated best culled survivors children "
                                          "rng_state next_id")):
    """stats: min/avg/max fitness over the population and the evaluation's count and time;
    evaluated: the creatures this generation gave a fitness (all of them in a first
    generation, then the previous one's children), in the population's order;
    best: the fittest creature; culled: those the selection removed, best first;
    survivors + children: the population the next generation starts from, in order
    (children not yet evaluated); rng_state: the random source's state after the
    generation (ev.common.rng); next_id: the id the next new creature gets."""
    __slots__ = ()

    @property
    def population(self):
        """The creatures after this generation's reproduction, in order."""
        return self.survivors + self.children
