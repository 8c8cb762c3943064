"""The batches the contenders evaluate: the creatures of a real run, with ev's own fitness.

A seeded run of the GA (specialized creatures, ev's Python evaluation) is recorded generation
by generation: each generation's batch is the creatures it evaluated (all of them in the
first, the new children afterwards), with the fitness ev gave them, which every contender
must reproduce bit for bit.  Stored as JSON (floats round-trip exactly through repr).
"""
import json

from ev.atomic import write_text
from ev.creature_base import DEFAULT_SHAPE
from ev.fitness import evaluate_each
from ev.rng import Rng
from ev.universe import Universe
from specialized import creature_class_for


def record_batches(population, generations, seed):
    """[{"matrices": [[...], ...], "constants": [[...], ...], "fitness": [...]}, ...]"""
    batches = []

    def evaluate_and_record(creatures):
        evaluate_each(creatures)
        batches.append({"matrices": [c.matrix_values for c in creatures],
                        "constants": [c.constant_values for c in creatures],
                        "fitness": [c.fitness for c in creatures]})

    universe = Universe.random(creature_class_for(DEFAULT_SHAPE), population,
                               evaluate_and_record, Rng(seed), DEFAULT_SHAPE)
    for _ in range(generations):
        universe.run_generation()
    return batches


def save(batches, path):
    write_text(path, json.dumps({"shape": list(DEFAULT_SHAPE), "batches": batches}))


def load(path):
    with open(path) as saved:
        return json.load(saved)["batches"]


def creature_count(batches):
    return sum(len(batch["fitness"]) for batch in batches)
