"""The batches the contenders evaluate, with ev's own fitness: the creatures of a real run, or
controllers at full thrust.

A seeded run of the GA (specialized creatures, ev's Python evaluation) is recorded generation
by generation: each generation's batch is the creatures it evaluated (all of them in the
first, the new children afterwards), with the fitness ev gave them, which every contender
must reproduce bit for bit.  Stored as JSON (floats round-trip exactly through repr).
"""
import json

from ev.common.atomic import write_text
from ev.model.creature_base import DEFAULT_SHAPE
from ev.model.fitness import evaluate_each
from ev.common.rng import Rng
from ev.evolution.universe import Universe
from specialized import creature_class_for


def record_batches(population, generations, seed):
    """[{"matrices": [[...], ...], "constants": [[...], ...], "fitness": [...]}, ...]"""
    batches = []

    def evaluate_and_record(creatures):
        batches.append(evaluated_batch(creatures))

    universe = Universe.random(creature_class_for(DEFAULT_SHAPE), population,
                               evaluate_and_record, Rng(seed), DEFAULT_SHAPE)
    for _ in range(generations):
        universe.run_generation()
    return batches


def full_thrust_batches(batch_size, count):
    """``count`` batches of ``batch_size`` constant controllers whose command is above 1 (clipped
    to full thrust) at every step: every flight climbs from its start, so PyPy's flight loop
    stays on the path it was compiled for except at the overshoot test (climbing towards a
    setpoint above, then away from it).  The distance to C on these is the loop body's."""
    zeros = [0.0] * (DEFAULT_SHAPE.rows * DEFAULT_SHAPE.cols)
    creature_class = creature_class_for(DEFAULT_SHAPE)
    total = float(batch_size * count)
    return [evaluated_batch([creature_class(zeros, [0.0, 1.5 + (b * batch_size + i) / total],
                                            DEFAULT_SHAPE)
                             for i in range(batch_size)])
            for b in range(count)]


def evaluated_batch(creatures):
    """The creatures' genomes and the fitness ev's own evaluation gives them."""
    evaluate_each(creatures)
    return {"matrices": [c.matrix_values for c in creatures],
            "constants": [c.constant_values for c in creatures],
            "fitness": [c.fitness for c in creatures]}


def save(batches, path):
    write_text(path, json.dumps({"shape": list(DEFAULT_SHAPE), "batches": batches}))


def load(path):
    with open(path) as saved:
        return json.load(saved)["batches"]


def creature_count(batches):
    return sum(len(batch["fitness"]) for batch in batches)
