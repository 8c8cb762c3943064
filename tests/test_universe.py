import pytest

from ev.model.fitness import evaluate_each
from ev.common.rng import Rng
from ev.evolution.universe import Universe
from specialized.creature import SpecializedCreature


def cheap_scores(creatures):
    """A stand-in fitness (no flight) so selection can be tested over many generations."""
    for c in creatures:
        c.fitness = sum(abs(x - 0.3) for x in c.matrix_values + c.constant_values)


@pytest.mark.parametrize("population", [4, 5, 7, 100, 501])
def test_population_stays_constant(population):
    universe = Universe.random(SpecializedCreature, population, cheap_scores, Rng(1),
                               SpecializedCreature.random(Rng(0)).shape)
    for _ in range(15):
        universe.run_generation()
        assert len(universe.creatures) == population
        assert len(set(map(id, universe.creatures))) == population


def test_best_fitness_never_gets_worse_and_only_children_are_evaluated():
    universe = Universe.random(SpecializedCreature, 100, cheap_scores, Rng(2),
                               SpecializedCreature.random(Rng(0)).shape)
    first = universe.run_generation().stats
    assert first.evaluated == 100
    best = first.min
    for _ in range(30):
        stats = universe.run_generation().stats
        assert stats.evaluated == 50
        assert stats.min <= best
        assert stats.min <= stats.avg <= stats.max
        best = stats.min
    assert best < first.min


def test_same_seed_same_evolution():
    def run(seed):
        universe = Universe.random(SpecializedCreature, 20, evaluate_each, Rng(seed),
                                   SpecializedCreature.random(Rng(0)).shape)
        stats = [universe.run_generation().stats for _ in range(3)]
        return [(s.min, s.avg, s.max, s.evaluated) for s in stats]   # not the timing
    assert run(4) == run(4)
    assert run(4) != run(5)


def test_too_small_a_population_is_refused():
    with pytest.raises(ValueError):
        Universe([SpecializedCreature.random(Rng(0)) for _ in range(3)], cheap_scores, Rng(0))


def test_rng_sample_is_distinct_and_in_range():
    rng = Rng(3)
    for n in range(1, 30):
        for k in range(n + 1):
            picked = rng.sample(range(n), k)
            assert len(set(picked)) == k and all(0 <= i < n for i in picked)


@pytest.mark.parametrize("controller", ["state-space", "pid"])
def test_children_are_what_one_child_per_parent_would_make(controller):
    """_children draws every mutation first, then makes the creatures (for PyPy's JIT): the
    same genomes, operators and draws as calling child() parent after parent."""
    from ev.model.pid import PID_SHAPE, pid_creature_class
    from specialized import creature_class_for
    cls = (SpecializedCreature if controller == "state-space"
           else pid_creature_class(creature_class_for(PID_SHAPE)))
    survivors = [cls.random(Rng(seed)) for seed in range(40)]
    universe = Universe(survivors, cheap_scores, Rng(7))
    universe.population = 90   # 50 children: some parents have two
    made = universe._children(survivors)
    rng = Rng(7)
    expected = [survivors[i % 40].child(rng) for i in range(50)]
    assert [c.to_dict() for c in made] == [c.to_dict() for c in expected]
    assert [c.operator for c in made] == [c.operator for c in expected]
    assert [c.parent_id for c in made] == [survivors[i % 40].id for i in range(50)]
    assert universe.rng.random() == rng.random()


def test_a_generation_is_what_happened():
    """run_generation returns the value the store and the records write: the creatures it
    evaluated, the culled and the survivors (together, the ranked population), the children,
    the random state and next id after it."""
    universe = Universe.random(SpecializedCreature, 30, cheap_scores, Rng(5),
                               SpecializedCreature.random(Rng(0)).shape)
    for number in range(6):
        pending = [c for c in universe.creatures if c.fitness is None]
        before = list(universe.creatures)
        happened = universe.run_generation()
        assert happened.evaluated == pending and happened.stats.evaluated == len(pending)
        assert len(pending) == (30 if number == 0 else len(happened.children))
        ranked = sorted(before, key=lambda c: c.fitness)
        assert happened.best is ranked[0] is universe.best
        assert sorted(map(id, happened.survivors + happened.culled)) == sorted(map(id, ranked))
        assert happened.culled == [c for c in ranked if c in happened.culled]   # best first
        assert happened.population == universe.creatures
        assert all(c.fitness is None and c.parent_id is not None for c in happened.children)
        newest = max(c.id for c in before + happened.children)
        assert happened.next_id == universe.next_id == newest + 1
        assert happened.rng_state == universe.rng.getstate()
    universe.run_generation()
    with pytest.raises(RuntimeError, match="random state"):
        happened.rng_state      # gone, not wrong


def test_a_universe_resumes_from_its_next_id():
    creatures = [SpecializedCreature.random(Rng(seed)) for seed in range(4)]
    for index, creature in enumerate(creatures):
        creature.id = index
    universe = Universe(creatures, cheap_scores, Rng(0), next_id=9)
    assert universe.next_id == 9
    assert min(c.id for c in universe.run_generation().children) == 9
