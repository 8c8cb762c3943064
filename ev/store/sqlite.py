"""A run kept in SQLite: its parameters, every creature ever born, every generation, and the
random source's state -- enough to resume exactly where it stopped, and to tell how the best
controller came to be.

One transaction per generation, in WAL mode: a process killed at any moment (kill -9) loses at
most the generation in progress.  While a run writes a store it holds an exclusive lock on it
(flock on the file), so a second run on the same store stops with one line instead of
interleaving its generations; readers (ev.reporting.history, ev.reporting.show) may read a
live run.  At close the run leaves its store in rollback-journal mode, which reads anywhere,
a read-only folder included (ev.store.read_only).  A generation (the value
ev.evolution.generation.Generation, packed by ``generation_rows``) writes two rows, whatever
the population: its creatures and everything else travel as packed arrays (id lists:
little-endian 64-bit integers; numbers: little-endian doubles), which keeps storing cheap
next to a generation of PyPy's JIT-compiled evolution (the per-row cost of sqlite3's
bindings was most of it).  Schema (version 1):

    meta(key TEXT PRIMARY KEY, value TEXT)
        schema_version, run (the run record as JSON, ev.store.records.RunRecord: seed,
        population, controller, variant, shape, interpreter, machine, started)
    creatures(generation INTEGER PRIMARY KEY, first_id INTEGER, last_id INTEGER, ids BLOB,
              fitness BLOB, parents BLOB, operators TEXT, genomes BLOB)
        the creatures a generation evaluated (for generation 0, the random first
        population; later, the children the previous generation made): their ids (first_id
        to last_id), fitness (inf: every flight failed), parents (-1: none), the mutation
        that made each (one per line, empty for the first generation), and genomes -- the
        numbers that define each creature, one after another: the PID gains (in the order
        of the run's "gains"), or the matrix (row-major) then the constant; what they mean
        (controller, gains, shape, creature kind) is in meta's run
    generations(generation INTEGER PRIMARY KEY, seconds REAL, min REAL, avg REAL, max REAL,
                evaluated INTEGER, best INTEGER, population BLOB, rng_state BLOB,
                next_id INTEGER, culled BLOB, children BLOB, children_parents BLOB,
                children_operators TEXT, children_genomes BLOB)
        culled: the ids its selection removed; population: the ids of the creatures after
        its reproduction, in order; children: those of them it made, not yet evaluated,
        with their parents, operators and genomes; rng_state: the Mersenne Twister's state
        after it (its version, then its 625 words); best: the id of its best creature;
        min/avg/max NULL when not finite
"""
import fcntl
import json
import math
import os
import sqlite3

from ev.store.codec import (creature_from_values, pack_creatures, pack_ids,
                            pack_rng_state, unpack_creatures, unpack_ids, unpack_rng_state)
from ev.store import read_only
from ev.store.errors import StoreError
from ev.store.records import RunRecord

SCHEMA_VERSION = 1
TABLES = ("meta", "creatures", "generations")
SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE creatures (generation INTEGER PRIMARY KEY, first_id INTEGER NOT NULL, "
    "last_id INTEGER NOT NULL, ids BLOB NOT NULL, fitness BLOB NOT NULL, "
    "parents BLOB NOT NULL, operators TEXT NOT NULL, genomes BLOB NOT NULL)",
    "CREATE TABLE generations (generation INTEGER PRIMARY KEY, seconds REAL NOT NULL, "
    "min REAL, avg REAL, max REAL, evaluated INTEGER NOT NULL, best INTEGER NOT NULL, "
    "population BLOB NOT NULL, rng_state BLOB NOT NULL, next_id INTEGER NOT NULL, "
    "culled BLOB NOT NULL, children BLOB NOT NULL, children_parents BLOB NOT NULL, "
    "children_operators TEXT NOT NULL, children_genomes BLOB NOT NULL)",
)


def finite(value):
    return value if value is not None and math.isfinite(value) else None


class Store(object):
    def __init__(self, path, connection, lock_file):
        self.path = path
        self.db = connection
        self._lock_file = lock_file
        self._run = None

    @classmethod
    def create(cls, path, run):
        """A new store for ``run`` (the run record); refuses an existing file."""
        if os.path.exists(path):
            raise StoreError("%s already exists: resume it with --resume, or choose another "
                             "--store" % path)
        # Built beside, then renamed into place: a store on disk always has its schema and
        # its run, even when the process is killed while making it.
        building = "%s.%d.building" % (path, os.getpid())
        try:
            connection = sqlite3.connect(building)
            try:
                with connection:
                    for statement in SCHEMA:
                        connection.execute(statement)
                    connection.executemany("INSERT INTO meta VALUES (?, ?)", [
                        ("schema_version", str(SCHEMA_VERSION)),
                        ("run", json.dumps(run.to_json()))])
            finally:
                connection.close()
            os.replace(building, path)
        except (sqlite3.Error, OSError) as error:
            for leftover in (building, building + "-journal"):
                if os.path.exists(leftover):
                    os.remove(leftover)
            raise StoreError("%s: cannot create the store (%s)"
                             % (path, getattr(error, "strerror", None) or error))
        return cls.open(path)

    @classmethod
    def open(cls, path):
        """Open to write (resume); holds the store's lock until closed."""
        if not os.path.isfile(path):
            raise StoreError("%s: no such store" % path)
        lock_file = lock(path)
        try:
            # BEGIN/COMMIT are ours; ev.store.writer commits from its own thread.
            connection = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
            # fetchall(): an unread row keeps a statement open, and on PyPy (whose cursors
            # are not freed at once) an open statement makes every later commit fail.
            connection.execute("PRAGMA journal_mode=WAL").fetchall()
            connection.execute("PRAGMA synchronous=NORMAL").fetchall()
        except sqlite3.DatabaseError as error:
            lock_file.close()
            raise StoreError("%s: not an ev store (%s)" % (path, error))
        return read_only.verified(cls(path, connection, lock_file))

    @classmethod
    def open_for_reading(cls, path):
        """Read-only and without the lock: a live run's store can be read while it grows, and
        a finished one wherever it lies (ev.store.read_only)."""
        return read_only.open_store(cls, path)

    def check(self):
        """Raise StoreError unless this is a store of a version this code reads."""
        try:
            tables = set(row[0] for row in self.rows(
                "SELECT name FROM sqlite_master WHERE type = 'table'"))
            if not set(TABLES) <= tables:
                raise StoreError("%s: not an ev store (no %s table)"
                                 % (self.path, ", ".join(sorted(set(TABLES) - tables))))
            version = self.meta("schema_version")
        except sqlite3.OperationalError as error:
            raise StoreError("%s: cannot be read now (%s)" % (self.path, error)) from error
        except sqlite3.DatabaseError as error:
            raise StoreError("%s: not an ev store, or damaged (%s)" % (self.path, error))
        if version != str(SCHEMA_VERSION):
            raise StoreError("%s: store schema version %s; this ev reads version %d"
                             % (self.path, version, SCHEMA_VERSION))

    def meta(self, key):
        row = self.one("SELECT value FROM meta WHERE key = ?", (key,))
        if row is None:
            raise StoreError("%s: not an ev store (no %s)" % (self.path, key))
        return row[0]

    def run(self):
        """The run record (ev.store.records.RunRecord) the store was made for."""
        if self._run is None:
            try:
                self._run = RunRecord.from_json(json.loads(self.meta("run")))
            except ValueError as error:   # BadRecord, or not JSON
                raise StoreError("%s: not an ev store (its run record: %s)" % (self.path, error))
        return self._run

    def rows(self, sql, args=()):
        """Every row of a query, the statement finished (see open)."""
        cursor = self.db.execute(sql, args)
        try:
            return cursor.fetchall()
        finally:
            cursor.close()

    def one(self, sql, args=()):
        found = self.rows(sql, args)
        return found[0] if found else None

    def close(self):
        """Close; a store this process wrote is left in rollback-journal mode, which readers
        read with no file of their own (ev.store.read_only)."""
        if self._lock_file is not None:
            read_only.leave_wal_mode(self.db)
        self.db.close()
        if self._lock_file is not None:
            self._lock_file.close()

    # Writing, once per generation (the rows: ``generation_rows``)
    def commit(self, creature_row, generation_row):
        """Write one generation's rows in one transaction."""
        cursor = self.db.cursor()
        try:
            cursor.execute("BEGIN")
            for table, row in (("creatures", creature_row), ("generations", generation_row)):
                cursor.execute("INSERT INTO %s VALUES (%s)" % (table, ", ".join("?" * len(row))),
                               row)
            cursor.execute("COMMIT")
        except BaseException:
            if self.db.in_transaction:
                self.db.rollback()
            raise
        finally:
            cursor.close()

    # Reading
    def last_generation(self):
        return self.one("SELECT MAX(generation) FROM generations")[0]

    def generations(self):
        return [dict(zip(("generation", "seconds", "min", "avg", "max", "evaluated", "best"),
                         row)) for row in self.rows(
            "SELECT generation, seconds, min, avg, max, evaluated, best FROM generations "
            "ORDER BY generation")]

    def creature_row(self, creature_id):
        """{id, born, fitness, parent, operator, genome values} of an evaluated creature."""
        batch = self.one("SELECT generation, ids, fitness, parents, operators, genomes "
                         "FROM creatures WHERE first_id <= ? AND last_id >= ?",
                         (creature_id, creature_id))
        if batch is not None:
            for row in unpack_creatures(*batch[1:]):
                if row["id"] == creature_id:
                    row["born"] = batch[0]
                    row["fitness"] = finite(row["fitness"])
                    return row
        raise StoreError("%s: creature %s is missing (a damaged store)"
                         % (self.path, creature_id))

    def creature(self, creature_id):
        """An evaluated creature (inf fitness: every flight failed)."""
        row = self.creature_row(creature_id)
        creature = self._creature(row)
        creature.fitness = row["fitness"] if row["fitness"] is not None else math.inf
        return creature

    def _creature(self, row):
        """The creature a row of ``unpack_creatures`` describes, not yet evaluated."""
        creature = creature_from_values(self.run(), row["genome"])
        creature.id, creature.parent_id, creature.operator = (
            row["id"], row["parent"], row["operator"])
        return creature

    def population_after(self, generation):
        """(creatures in order, rng state, next id) after ``generation``'s reproduction;
        its children come back unevaluated, as they were."""
        row = self.one("SELECT population, rng_state, next_id, children, children_parents, "
                       "children_operators, children_genomes FROM generations "
                       "WHERE generation = ?", (generation,))
        if row is None:
            raise StoreError("%s: generation %s is missing" % (self.path, generation))
        population, rng_state, next_id, ids, parents, operators, genomes = row
        unborn = dict((child["id"], self._creature(child)) for child in
                      unpack_creatures(ids, None, parents, operators, genomes))
        creatures = [unborn[i] if i in unborn else self.creature(i)
                     for i in unpack_ids(population)]
        return creatures, unpack_rng_state(rng_state), next_id

    def culled_in(self, creature_id, born):
        """The generation whose selection removed the creature, or None (still alive)."""
        for generation, culled in self.rows("SELECT generation, culled FROM generations "
                                            "WHERE generation >= ? ORDER BY generation",
                                            (born,)):
            if creature_id in unpack_ids(culled):
                return generation
        return None

    def best_id(self):
        row = self.one("SELECT best FROM generations ORDER BY min IS NULL, min, "
                       "generation LIMIT 1")
        if row is None:
            raise StoreError("%s: the store holds no finished generation" % self.path)
        return row[0]

    def lineage(self, creature_id):
        """The creature and its ancestors back to generation 0, newest first, each with the
        generation that culled it."""
        chain = []
        while creature_id is not None and len(chain) < 1000000:
            row = self.creature_row(creature_id)
            row["culled"] = self.culled_in(creature_id, row["born"])
            chain.append(row)
            creature_id = row["parent"]
        return chain


def generation_rows(number, seconds, generation):
    """What the ``number``-th generation (ev.evolution.generation.Generation, which took
    ``seconds``) adds to the store, packed now (its children get their fitness in the next
    generation): the creatures it evaluated, and its own row -- statistics, the creatures its
    selection culled, the population and children it made, the random state."""
    stats, evaluated = generation.stats, generation.evaluated
    ids = [c.id for c in evaluated]
    creature_row = (number, min(ids), max(ids)) + pack_creatures(evaluated)
    generation_row = (
        number, seconds, finite(stats.min), finite(stats.avg), finite(stats.max),
        stats.evaluated, generation.best.id, pack_ids([c.id for c in generation.population]),
        pack_rng_state(generation.rng_state), generation.next_id,
        pack_ids([c.id for c in generation.culled])
    ) + pack_creatures(generation.children, with_fitness=False)
    return creature_row, generation_row


SQLITE_MAGIC = b"SQLite format 3\0"


def is_store(path):
    """Does the file start like an SQLite database (a store, or a foreign one)?"""
    try:
        with open(path, "rb") as candidate:
            return candidate.read(len(SQLITE_MAGIC)) == SQLITE_MAGIC
    except OSError:
        return False


def best_creature(path):
    """The best creature a store holds; StoreError (one line) when there is none."""
    store = Store.open_for_reading(path)
    try:
        return store.creature(store.best_id())
    finally:
        store.close()


def lock(path):
    """An exclusive lock on the store for this process's lifetime (released on any exit)."""
    try:
        lock_file = open(path, "ab")
    except OSError as error:
        raise StoreError("%s: cannot open (%s)" % (path, error.strerror or error))
    try:
        fcntl.flock(lock_file.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        lock_file.close()
        raise StoreError("%s is being written by another run (it holds the store's lock)"
                         % path)
    return lock_file
