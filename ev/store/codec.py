"""How a store packs creatures, genomes, ids and the RNG state into SQLite blobs, and back."""
from array import array
import sys

from ev.model import controllers
from ev.store.errors import StoreError


IDS, NUMBERS = "q", "d"   # little-endian 64-bit integers, little-endian doubles


def pack(values, typecode=NUMBERS):
    data = array(typecode, values)
    if sys.byteorder != "little":
        data.byteswap()
    return data.tobytes()


def unpack(blob, typecode=NUMBERS):
    data = array(typecode)
    data.frombytes(blob)
    if sys.byteorder != "little":
        data.byteswap()
    return data.tolist()


def pack_ids(ids):
    return pack(ids, IDS)


def unpack_ids(blob):
    return unpack(blob, IDS)


def pack_creatures(creatures, with_fitness=True):
    """(ids, fitness, parents, operators, genomes) of creatures, packed as the store keeps
    them (fitness left out for creatures not yet evaluated)."""
    packed = (pack_ids([c.id for c in creatures]),
              pack([c.fitness for c in creatures]) if with_fitness else None,
              pack_ids([-1 if c.parent_id is None else c.parent_id for c in creatures]),
              "\n".join(c.operator or "" for c in creatures),
              pack([x for c in creatures for x in controllers.of(c).genome_values(c)]))
    return packed if with_fitness else packed[:1] + packed[2:]


def unpack_creatures(ids, fitness, parents, operators, genomes):
    """[{id, fitness, parent, operator, genome}] from what pack_creatures made (fitness None
    when it was left out)."""
    ids, parents, values = unpack_ids(ids), unpack_ids(parents), unpack(genomes)
    fitness = unpack(fitness) if fitness is not None else [None] * len(ids)
    size = len(values) // len(ids) if ids else 0
    return [{"id": creature_id, "fitness": fitness[index],
             "parent": None if parents[index] < 0 else parents[index],
             "operator": operator or None,
             "genome": values[index * size:(index + 1) * size]}
            for index, (creature_id, operator) in enumerate(zip(ids, operators.split("\n")))]


def pack_rng_state(state):
    """ev.common.rng's state: the twister's version and words (its gauss cache is never used)."""
    version, words, gauss_next = state
    if gauss_next is not None:
        raise ValueError("a random state with a cached gauss value cannot be stored")
    return pack_ids([version] + list(words))


def unpack_rng_state(blob):
    values = unpack_ids(blob)
    return [values[0], values[1:], None]


def creature_from_values(run, values):
    """A creature of the stored run's kind (``run``: its ev.store.records.RunRecord) from its
    genome's numbers."""
    from ev.model.creature_base import Shape
    from ev.store.creature_files import creature_from_dict
    from ev.backends.registry import get_variant
    controller = controllers.get(run.controller)
    shape = Shape(**run.shape)
    problem = controller.stored_genome_problem(run.gains)
    if problem:
        raise StoreError("the store's %s" % problem)
    data = controller.creature_dict(values, shape)
    data["kind"] = get_variant(run.variant, shape).creature_class.kind
    return creature_from_dict(data)
