"""Where a generation's flights are computed: in the GA's process, on local worker processes
or on the ranks of an MPI job.

Universe calls ``evaluate_all(pending)`` once per generation.  ``serial`` is the variant's own
evaluate_all, untouched.  The pools (``processes``: concurrent.futures.ProcessPoolExecutor;
``mpi``: mpi4py.futures.MPIPoolExecutor) are another evaluate_all: the pending creatures go out
in chunks of genomes (ev.evolution.chunks), the fitnesses come back as floats and are assigned
in the creatures' order, so the GA, its random draws and its lines are those of a serial run.
The workers are started once per run and kept: a PyPy worker's JIT stays warm.

Faults stop the run (no chunk is re-run elsewhere: a fault is rarer than a wrong answer is
costly, and the store keeps every whole generation for --resume, with any number of workers).
``EvaluationFailed`` carries one line naming the generation, the chunk and the worker:
- a worker that raises: its exception, as one line;
- a worker that dies (kill -9, out of memory, a crash in native code): its pid and signal;
- a worker that hangs: no chunk has come back for HANG_FACTOR x the slowest chunk so far
  (before the first chunk: x the start-up probe's time per creature, the fastest of three,
  x the chunk's size), and at least MIN_TIMEOUT seconds (START_TIMEOUT for the workers'
  start-up: a spawned PyPy imports numpy).  The GA's process waits no longer, stops the
  workers and says so.  Under MPI a hung rank cannot be killed from here: the job is aborted
  once the run's outputs are closed (a rank that dies is MPICH's: mpiexec ends the job).
"""
import os
import sys
import time
from concurrent.futures import FIRST_COMPLETED, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from ev.evolution import chunks

EXECUTORS = ("serial", "processes", "mpi")
START_METHODS = ("fork", "spawn")
CHUNKS_PER_WORKER = 4      # a slow or busy worker then holds up a quarter of its share
HANG_FACTOR = 20.0
MIN_TIMEOUT = 10.0         # seconds
START_TIMEOUT = 120.0      # seconds for every worker to start and build its variant
CLOSE_SECONDS = 5.0        # a worker still there this long after the end of the run is killed
ABORT_SECONDS = 10         # rank 0 still in MPI_Abort this long ends itself (SIGALRM)


class EvaluationFailed(Exception):
    """A worker raised, died or hung: the generation has no fitnesses.  One line."""


class ExecutorUnavailable(Exception):
    """The chosen executor cannot run here (says what to install or how to launch)."""


def serial(evaluate_all):
    """Today's evaluation, in the GA's process (nothing to start or stop)."""
    return SerialEvaluation(evaluate_all)


class SerialEvaluation(object):
    def __init__(self, evaluate_all):
        self.evaluate_all = evaluate_all
        self.workers = []
        self.first_generation = 0

    def start(self):
        return self

    def close(self):
        pass

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


class PoolEvaluation(SerialEvaluation):
    """evaluate_all on a pool of workers (see the module's docstring)."""
    task = staticmethod(chunks.evaluate_chunk)   # ev.studies.scaling.ship sends chunks.nothing
    stopping = "the workers were stopped"

    def __init__(self, spec, count, min_timeout=MIN_TIMEOUT):
        SerialEvaluation.__init__(self, self.evaluate_pending)
        self.spec, self.count, self.min_timeout = spec, count, min_timeout
        self.executor = None
        self.slowest = None            # seconds of the slowest chunk so far
        self.per_creature = None       # the start-up probe's seconds per creature
        self.generation = None
        self.failed = False            # a fault or Ctrl-C: the workers are not to be waited for

    def start(self):
        """Start every worker now (not on the first generation) and check the variant runs
        there: a worker that cannot build it is an error before the evolution starts."""
        from ev.common.rng import Rng
        evaluator = chunks.Evaluator.of(self.spec)
        probe = chunks.pack([evaluator.creature_class.random(Rng(0), evaluator.shape)],
                            self.spec.controller)
        self.executor = self._make_executor()
        self.generation = self.first_generation
        try:
            futures = [self.executor.submit(chunks.hello, probe) for _ in range(self.count)]
            self._submitted()
            replies = self._gather(futures, "start-up", None)
        except BaseException:
            self.failed = True
            self.close()
            raise
        self.workers = [(pid, where) for pid, where, _, _ in replies]
        self.per_creature = max(seconds for _, _, seconds, _ in replies)
        return self

    def evaluate_pending(self, pending):
        try:
            self._evaluate(pending)
        except BaseException:
            self.failed = True
            raise

    def _evaluate(self, pending):
        if not pending:
            self.generation += 1
            return
        genomes = chunks.pack(pending, self.spec.controller)
        length = len(genomes) // len(pending)
        bounds = chunk_bounds(len(pending), self.count * CHUNKS_PER_WORKER)
        self._prepare(len(bounds))
        try:
            futures = [self.executor.submit(self.task, slot,
                                            genomes[first * length:end * length])
                       for slot, (first, end) in enumerate(bounds)]
        except BrokenProcessPool as error:   # a worker died between two generations
            raise EvaluationFailed("generation %d: %s" % (
                self.generation, self._fault(None, None, error)))
        replies = self._gather(futures, "generation %d" % self.generation, bounds)
        for (first, end), (_, seconds, fitnesses) in zip(bounds, replies):
            if len(fitnesses) != end - first:
                raise EvaluationFailed("generation %d: chunk of creatures %d-%d came back with "
                                       "%d fitnesses" % (self.generation, first, end - 1,
                                                         len(fitnesses)))
            for creature, fitness in zip(pending[first:end], fitnesses):
                creature.fitness = fitness
        self.generation += 1

    def _gather(self, futures, what, bounds):
        """The futures' results in order; EvaluationFailed at the first fault, or when no
        future has finished within the timeout."""
        chunk_size = bounds[0][1] - bounds[0][0] if bounds else 1
        index = {future: i for i, future in enumerate(futures)}
        waiting = set(futures)
        while waiting:
            timeout = self.timeout(chunk_size) if bounds else max(START_TIMEOUT,
                                                                   self.min_timeout)
            done, waiting = wait(waiting, timeout=timeout, return_when=FIRST_COMPLETED)
            if not done:
                late = min(index[f] for f in waiting)
                raise EvaluationFailed("%s: %s did not come back within %.0f s (%s); %s" % (
                    what, self._chunk(late, bounds), timeout,
                    self._hung_worker(late) if bounds else "a worker did not start",
                    self.stopping))
            for future in sorted(done, key=index.get):
                error = future.exception()
                if error is not None:
                    raise EvaluationFailed("%s: %s" % (what, self._fault(
                        index[future], bounds, error)))
                if bounds:
                    self.slowest = max(self.slowest or 0.0, future.result()[1])
        return [future.result() for future in futures]

    def timeout(self, chunk_size):
        if self.slowest is not None:
            return max(self.min_timeout, HANG_FACTOR * self.slowest)
        return max(self.min_timeout, HANG_FACTOR * (self.per_creature or 0.0) * chunk_size)

    @staticmethod
    def _chunk(i, bounds):
        if bounds is None:
            return "a worker's start-up"
        return "chunk %d (creatures %d-%d)" % (i, bounds[i][0], bounds[i][1] - 1)

    def _fault(self, i, bounds, error):
        return "%s raised %s" % (self._chunk(i, bounds), one_line(error))

    def _hung_worker(self, i):
        return "hung worker?"

    def _prepare(self, chunk_count):
        pass

    def _submitted(self):
        pass

    def close(self):
        if self.executor is not None:
            executor, self.executor = self.executor, None
            executor.shutdown(wait=True, cancel_futures=True)


def chunk_bounds(count, chunk_count):
    """[(first, end), ...]: ``count`` creatures in at most ``chunk_count`` near-equal runs."""
    chunk_count = max(1, min(count, chunk_count))
    size, extra = divmod(count, chunk_count)
    bounds, first = [], 0
    for i in range(chunk_count):
        end = first + size + (1 if i < extra else 0)
        bounds.append((first, end))
        first = end
    return bounds


def one_line(error):
    text = " ".join(str(error).split())
    return "%s: %s" % (type(error).__name__, text) if text else type(error).__name__


def open_evaluation(executor, workers, spec, serial_evaluate_all, start_method="fork"):
    """The evaluation for ``--executor``/``--workers``: serial, local processes or MPI (not
    started yet: ``with`` it, or call start() and close())."""
    if executor == "serial":
        return serial(serial_evaluate_all)
    if executor == "processes":
        return ProcessEvaluation(spec, workers, start_method)
    if executor == "mpi":
        return MpiEvaluation(spec)
    raise ValueError("unknown executor %r (choose from %s)" % (executor, ", ".join(EXECUTORS)))


class ProcessEvaluation(PoolEvaluation):
    """Local worker processes (concurrent.futures.ProcessPoolExecutor).  ``fork`` (the
    default) starts a worker in milliseconds and works on CPython and PyPy alike; it is safe
    here because the pool is started before the run starts any thread (the store's writer).
    ``spawn`` starts fresh interpreters (slower: each imports ev and builds the variant)."""

    def __init__(self, spec, count, start_method="fork", min_timeout=MIN_TIMEOUT):
        PoolEvaluation.__init__(self, spec, count, min_timeout)
        import multiprocessing
        if start_method not in START_METHODS:
            raise ValueError("unknown start method %r (choose from %s)"
                             % (start_method, ", ".join(START_METHODS)))
        self.context = multiprocessing.get_context(start_method)
        self.started = None
        self.processes = []

    def _make_executor(self):
        self.started = self.context.Array("q", self.count * CHUNKS_PER_WORKER, lock=False)
        executor = ProcessPoolExecutor(self.count, mp_context=self.context,
                                       initializer=chunks.init_worker,
                                       initargs=(self.spec, self.started, os.getpid()))
        # Every worker at the first submit, as under fork, whatever the start method: what
        # this class wants (all started once), and PyPy 7.3.11's stdlib otherwise calls a
        # method it renamed (_adjust_process_count) for spawn and forkserver.
        executor._safe_to_dynamically_spawn_children = False
        return executor

    def start(self):
        """As PoolEvaluation.start; the workers named from the pool's table of processes (a
        quick worker may answer two start-up calls, and another none)."""
        PoolEvaluation.start(self)
        where = self.workers[0][1]
        self.workers = [(process.pid, where) for process in self.processes]
        return self

    def _submitted(self):
        # The pool's own table of its processes (all started at the first submit): what
        # names a dead worker and what Ctrl-C kills (concurrent.futures keeps no public list).
        self.processes = list(getattr(self.executor, "_processes", {}).values())

    def _prepare(self, chunk_count):
        for slot in range(chunk_count):
            self.started[slot] = 0

    def _fault(self, i, bounds, error):
        if not isinstance(error, BrokenProcessPool):
            pid = self.started[i] if bounds else 0
            return "%s raised %s%s" % (self._chunk(i, bounds), one_line(error),
                                       " in worker pid %d" % pid if pid else "")
        dead = self._dead_worker()
        if dead is None:
            return "a worker died (%s)" % one_line(error)
        pid, how = dead
        slots = [s for s in range(len(bounds or ())) if self.started[s] == pid]
        during = ("during %s" % self._chunk(slots[-1], bounds) if slots
                  else "between chunks" if bounds else "while starting")
        return "worker pid %d died (%s) %s; %s" % (pid, how, during, self.stopping)

    def _dead_worker(self):
        """(pid, how) of the worker that died by itself, not by the pool's clean-up."""
        import signal
        deadline = time.monotonic() + 2.0
        while time.monotonic() < deadline:
            for process in self.processes:
                code = process.exitcode
                if code is not None and code not in (0, -signal.SIGTERM):
                    return process.pid, describe_exit(code)
            time.sleep(0.05)
        return None

    def _hung_worker(self, i):
        pid = self.started[i]
        if pid:
            return "worker pid %d has it: hung or stopped" % pid
        return "no worker took it: all are busy or hung"

    def close(self):
        """After a fault or Ctrl-C, kill the workers; else let them exit, and kill any that
        has not within CLOSE_SECONDS (a worker hung between generations)."""
        if self.executor is None:
            return
        if not self.failed:
            self.executor.shutdown(wait=False, cancel_futures=True)
            deadline = time.monotonic() + CLOSE_SECONDS
            for process in self.processes:
                process.join(max(0.0, deadline - time.monotonic()))
        self.kill()
        PoolEvaluation.close(self)

    def kill(self):
        """Stop every worker at once (a fault or Ctrl-C: their work is not wanted)."""
        import signal
        for process in self.processes:
            if process.exitcode is None:
                try:
                    os.kill(process.pid, signal.SIGKILL)
                except OSError:
                    pass


def describe_exit(code):
    import signal
    if code < 0:
        try:
            return "killed by %s" % signal.Signals(-code).name
        except ValueError:
            return "killed by signal %d" % -code
    return "exit status %d" % code


class MpiEvaluation(PoolEvaluation):
    """The ranks of an MPI job (mpi4py.futures.MPIPoolExecutor), launched as
    ``mpiexec -n K python -m mpi4py.futures -m ev.main --executor mpi ...``: rank 0 runs the
    GA, the other K-1 ranks are the workers (on whatever hosts mpiexec put them)."""

    stopping = "the MPI job is aborted"

    def __init__(self, spec, min_timeout=MIN_TIMEOUT):
        PoolEvaluation.__init__(self, spec, 0, min_timeout)

    @staticmethod
    def check():
        """The number of worker ranks; ExecutorUnavailable saying what to do otherwise."""
        try:
            from mpi4py import MPI
            from mpi4py.futures import _core
        except ImportError as error:
            raise ExecutorUnavailable(
                "--executor mpi needs mpi4py (%s): ./setup.sh mpi installs MPICH and mpi4py "
                "into the checkout's venvs (a few minutes: mpi4py is compiled); in a venv of "
                "your own, apt-get install mpich libmpich-dev, then pip install mpi4py"
                % one_line(error))
        if getattr(_core, "SharedPool", None) is None:
            raise ExecutorUnavailable(
                "--executor mpi: launch ev under MPI, as mpiexec -n K %s -m mpi4py.futures "
                "-m ev.main ... (rank 0 runs the GA, K-1 ranks evaluate)"
                % os.path.basename(sys.executable))
        workers = MPI.COMM_WORLD.Get_size() - 1
        if workers < 1:
            raise ExecutorUnavailable("--executor mpi: mpiexec -n %d leaves no worker rank "
                                      "(use -n 2 or more)" % (workers + 1))
        return workers

    def _make_executor(self):
        from mpi4py.futures import MPIPoolExecutor
        self.count = self.check()
        executor = MPIPoolExecutor(initializer=chunks.init_worker, initargs=(self.spec,))
        executor.bootup(wait=True)
        return executor

    def _hung_worker(self, i):
        return "hung rank?"

    def close(self):
        """After a fault or Ctrl-C, a rank that hangs cannot be stopped from here and would
        keep mpiexec waiting: abort the whole job (the run's outputs are closed by then)."""
        if self.executor is None:
            return
        if self.failed:
            import signal
            from mpi4py import MPI
            sys.stderr.flush()
            sys.stdout.flush()
            # MPI_Abort asks mpiexec to end the job and waits for it, holding the GIL.  Once,
            # in CI, the job was still there two minutes after it (cause not found); should
            # the answer not come, the kernel ends this rank (SIGALRM's default action: no
            # Python needed) and mpiexec then ends the others, as after any rank's death.
            signal.signal(signal.SIGALRM, signal.SIG_DFL)
            signal.alarm(ABORT_SECONDS)
            MPI.COMM_WORLD.Abort(1)
        PoolEvaluation.close(self)
