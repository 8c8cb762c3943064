"""A run kept in SQLite: its parameters, every creature ever born, every generation, and the
random source's state -- enough to resume exactly where it stopped, and to tell how the best
controller came to be.

One transaction per generation, in WAL mode: a process killed at any moment (kill -9) loses at
most the generation in progress.  While a run writes a store it holds an exclusive lock on it
(flock on the file), so a second run on the same store stops with one line instead of
interleaving its generations.  Schema (version 1):

    meta(key TEXT PRIMARY KEY, value TEXT)
        schema_version, run (the run record as JSON: seed, population, controller, variant,
        shape, interpreter, machine, started)
    creatures(id INTEGER PRIMARY KEY, genome TEXT, fitness REAL, parent INTEGER,
              operator TEXT, born INTEGER, culled INTEGER)
        genome: the creature as JSON (ev.saved reads it); fitness NULL until evaluated, or
        when not finite; born: the first generation that evaluated it; culled: the generation
        whose selection removed it
    generations(generation INTEGER PRIMARY KEY, seconds REAL, min REAL, avg REAL, max REAL,
                evaluated INTEGER, best INTEGER, population TEXT, rng_state TEXT,
                next_id INTEGER)
        population: the ids of the creatures after that generation's reproduction, in order;
        rng_state: the random source's state after it (JSON); best: the id of its best
"""
import fcntl
import json
import math
import os
import sqlite3
from urllib.parse import quote

SCHEMA_VERSION = 1
TABLES = ("meta", "creatures", "generations")
SCHEMA = (
    "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    "CREATE TABLE creatures (id INTEGER PRIMARY KEY, genome TEXT NOT NULL, fitness REAL, "
    "parent INTEGER, operator TEXT, born INTEGER NOT NULL, culled INTEGER)",
    "CREATE TABLE generations (generation INTEGER PRIMARY KEY, seconds REAL NOT NULL, "
    "min REAL, avg REAL, max REAL, evaluated INTEGER NOT NULL, best INTEGER NOT NULL, "
    "population TEXT NOT NULL, rng_state TEXT NOT NULL, next_id INTEGER NOT NULL)",
)


class StoreError(Exception):
    """A store that cannot be used; the message is one line naming the file."""


def finite(value):
    return value if value is not None and math.isfinite(value) else None


class Store(object):
    def __init__(self, path, connection, lock_file):
        self.path = path
        self.db = connection
        self._lock_file = lock_file
        self._stored = set()      # ids of the creatures already in the store

    @classmethod
    def create(cls, path, run):
        """A new store for ``run`` (the run record); refuses an existing file."""
        if os.path.exists(path):
            raise StoreError("%s already exists: resume it with --resume, or choose another "
                             "--store" % path)
        # Built beside, then renamed into place: a store on disk always has its schema and
        # its run, even when the process is killed while making it.
        building = "%s.%d.building" % (path, os.getpid())
        connection = sqlite3.connect(building)
        try:
            with connection:
                for statement in SCHEMA:
                    connection.execute(statement)
                connection.executemany("INSERT INTO meta VALUES (?, ?)", [
                    ("schema_version", str(SCHEMA_VERSION)), ("run", json.dumps(run))])
        finally:
            connection.close()
        os.replace(building, path)
        return cls.open(path)

    @classmethod
    def open(cls, path):
        """Open to write (resume); holds the store's lock until closed."""
        if not os.path.isfile(path):
            raise StoreError("%s: no such store" % path)
        lock_file = lock(path)
        try:
            connection = sqlite3.connect(path)
            connection.execute("PRAGMA journal_mode=WAL")
            connection.execute("PRAGMA synchronous=NORMAL")
        except sqlite3.DatabaseError as error:
            lock_file.close()
            raise StoreError("%s: not an ev store (%s)" % (path, error))
        store = cls(path, connection, lock_file)
        try:
            store.check()
        except StoreError:
            store.close()
            raise
        return store

    @classmethod
    def open_for_reading(cls, path):
        """Read-only and without the lock: a live run's store can be read while it grows."""
        try:
            connection = sqlite3.connect("file:%s?mode=ro" % quote(os.path.abspath(path)),
                                         uri=True)
        except sqlite3.DatabaseError as error:
            raise StoreError("%s: not an ev store (%s)" % (path, error))
        store = cls(path, connection, None)
        store.check()
        return store

    def check(self):
        """Raise StoreError unless this is a store of a version this code reads."""
        try:
            tables = set(row[0] for row in self.db.execute(
                "SELECT name FROM sqlite_master WHERE type = 'table'"))
            if not set(TABLES) <= tables:
                raise StoreError("%s: not an ev store (no %s table)"
                                 % (self.path, ", ".join(sorted(set(TABLES) - tables))))
            version = self.meta("schema_version")
        except sqlite3.DatabaseError as error:
            raise StoreError("%s: not an ev store, or damaged (%s)" % (self.path, error))
        if version != str(SCHEMA_VERSION):
            raise StoreError("%s: store schema version %s; this ev reads version %d"
                             % (self.path, version, SCHEMA_VERSION))

    def meta(self, key):
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        if row is None:
            raise StoreError("%s: not an ev store (no %s)" % (self.path, key))
        return row[0]

    def run(self):
        return json.loads(self.meta("run"))

    def close(self):
        self.db.close()
        if self._lock_file is not None:
            self._lock_file.close()

    # Writing, once per generation
    def write_generation(self, universe, generation, seconds, stats):
        """Commit one generation: the creatures it evaluated (their fitness), the ones its
        selection culled, the children it made, its statistics and the random state."""
        ranked = universe.ranked
        born_now = [c for c in ranked if c.id not in self._stored]
        alive = set(c.id for c in universe.creatures)
        children = [c for c in universe.creatures if c.id not in self._stored
                    and c.fitness is None]
        rows = [self._row(c, generation) for c in born_now] + [
            self._row(c, generation + 1) for c in children]
        with self.db:
            self.db.executemany("INSERT INTO creatures VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            self.db.executemany("UPDATE creatures SET fitness = ? WHERE id = ?", [
                (finite(c.fitness), c.id) for c in ranked if c.id in self._stored])
            self.db.executemany("UPDATE creatures SET culled = ? WHERE id = ?", [
                (generation, c.id) for c in ranked if c.id not in alive])
            self.db.execute(
                "INSERT INTO generations VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (generation, seconds, finite(stats.min), finite(stats.avg), finite(stats.max),
                 stats.evaluated, universe.best.id,
                 json.dumps([c.id for c in universe.creatures]),
                 json.dumps(universe.rng.getstate()), universe.next_id))
        self._stored.update(row[0] for row in rows)

    def _row(self, creature, born):
        return (creature.id, json.dumps(creature.genome()), finite(creature.fitness),
                creature.parent_id, creature.operator, born, None)

    # Reading
    def last_generation(self):
        row = self.db.execute("SELECT MAX(generation) FROM generations").fetchone()
        return row[0]

    def generations(self):
        return [dict(zip(("generation", "seconds", "min", "avg", "max", "evaluated", "best"),
                         row)) for row in self.db.execute(
            "SELECT generation, seconds, min, avg, max, evaluated, best FROM generations "
            "ORDER BY generation")]

    def creature_row(self, creature_id):
        row = self.db.execute("SELECT id, genome, fitness, parent, operator, born, culled "
                              "FROM creatures WHERE id = ?", (creature_id,)).fetchone()
        if row is None:
            raise StoreError("%s: creature %s is missing (a damaged store)"
                             % (self.path, creature_id))
        return dict(zip(("id", "genome", "fitness", "parent", "operator", "born", "culled"),
                        row))

    def creature(self, creature_id, after_generation=None):
        """The stored creature, its fitness as the evolution knew it after
        ``after_generation`` (None: not yet evaluated; inf: every flight failed)."""
        from ev.saved import creature_from_dict
        row = self.creature_row(creature_id)
        creature = creature_from_dict(json.loads(row["genome"]))
        if after_generation is None:
            after_generation = self.last_generation()
        if row["born"] <= after_generation:
            creature.fitness = row["fitness"] if row["fitness"] is not None else math.inf
        creature.id, creature.parent_id, creature.operator = (
            row["id"], row["parent"], row["operator"])
        return creature

    def population_after(self, generation):
        """(creatures in order, rng state, next id) after ``generation``'s reproduction."""
        row = self.db.execute("SELECT population, rng_state, next_id FROM generations "
                              "WHERE generation = ?", (generation,)).fetchone()
        if row is None:
            raise StoreError("%s: generation %s is missing" % (self.path, generation))
        creatures = [self.creature(i, generation) for i in json.loads(row[0])]
        self._stored.update(r[0] for r in self.db.execute("SELECT id FROM creatures"))
        return creatures, json.loads(row[1]), row[2]

    def best_id(self):
        row = self.db.execute("SELECT best FROM generations ORDER BY min IS NULL, min, "
                              "generation LIMIT 1").fetchone()
        if row is None:
            raise StoreError("%s: the store holds no finished generation" % self.path)
        return row[0]

    def lineage(self, creature_id):
        """The creature and its ancestors back to generation 0, newest first."""
        chain = []
        while creature_id is not None and len(chain) < 1000000:
            row = self.creature_row(creature_id)
            chain.append(row)
            creature_id = row["parent"]
        return chain


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
