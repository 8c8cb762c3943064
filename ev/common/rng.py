"""One seeded random source that gives the same stream on CPython and PyPy.

Python guarantees only ``random.random()`` (and seeding) to be stable across versions; the
derived helpers (randrange, sample, gauss) have changed between releases, and numpy's streams
change between numpy versions (the two interpreters get different numpy).  So every draw the
evolution makes is built here from ``random()`` alone.
"""
import math
import random


class Rng(object):
    def __init__(self, seed=None):
        self._random = random.Random(seed)

    def getstate(self):
        """The state as plain data (JSON): the Mersenne Twister's, the same on every Python."""
        version, internal, gauss_next = self._random.getstate()
        return [version, list(internal), gauss_next]

    def setstate(self, state):
        version, internal, gauss_next = state
        self._random.setstate((version, tuple(internal), gauss_next))

    def random(self):
        """Uniform in [0, 1)."""
        return self._random.random()

    def uniform(self, low, high):
        """Uniform in [low, high)."""
        return low + (high - low) * self._random.random()

    def below(self, n):
        """A uniform integer in [0, n)."""
        if n <= 0:
            raise ValueError("below(n) needs n > 0, got %r" % (n,))
        return min(int(self._random.random() * n), n - 1)

    def normal(self, mean, sigma):
        """Box-Muller: one normal variate from two uniforms."""
        u1 = 1.0 - self._random.random()          # in (0, 1]: log is finite
        u2 = self._random.random()
        return mean + sigma * math.sqrt(-2.0 * math.log(u1)) * math.cos(2.0 * math.pi * u2)

    def sample(self, items, k):
        """k distinct items, in draw order (a partial Fisher-Yates shuffle of a copy)."""
        pool = list(items)
        if not 0 <= k <= len(pool):
            raise ValueError("cannot sample %d of %d items" % (k, len(pool)))
        for i in range(k):
            j = i + self.below(len(pool) - i)
            pool[i], pool[j] = pool[j], pool[i]
        return pool[:k]
