"""Committing a run's generations to its store in the background.

A commit is short beside a generation (docs/store.md has what it costs), and sqlite releases
the GIL while it works, so on the machine's second core it overlaps the next generation
instead of adding to it.  The rows are taken on
the evolution's thread (``ev.store.sqlite.generation_rows``); the queue holds one generation, so the
store is never more than one generation behind, and a kill -9 loses at most the generation
being computed and the one being committed.  An error in the writer (a full disk) is raised
in the evolution's thread at its next generation, or when the store is closed.
"""
import queue
import signal
import threading

from ev.common.atomic import DEFERRED_SIGNALS, signals_deferred
from ev.store.sqlite import generation_rows

STOP = None


class StoreWriter(object):
    def __init__(self, store):
        self.store = store
        self.error = None
        self._queue = queue.Queue(maxsize=1)
        self._thread = threading.Thread(target=self._commit_all, name="ev-store-writer",
                                        daemon=True)
        self._thread.start()

    def write_generation(self, number, seconds, generation):
        """Queue the ``number``-th generation (ev.evolution.generation.Generation)."""
        self._raise_error()
        rows = generation_rows(number, seconds, generation)
        with signals_deferred():   # Ctrl-C inside Queue.put would leave its lock taken
            self._queue.put(rows)

    def close(self):
        """Commit what is queued, stop the writer, close the store; raise its error, if any."""
        self._queue.put(STOP)
        self._thread.join()
        self.store.close()
        self._raise_error()

    def _commit_all(self):
        # Signals are for the evolution's thread (see write_generation).
        if hasattr(signal, "pthread_sigmask"):
            signal.pthread_sigmask(signal.SIG_BLOCK, DEFERRED_SIGNALS)
        while True:
            rows = self._queue.get()
            if rows is STOP:
                return
            if self.error is None:
                try:
                    self.store.commit(*rows)
                except Exception as error:  # reported in the evolution's thread
                    self.error = error

    def _raise_error(self):
        if self.error is not None:
            error, self.error = self.error, None
            raise error
