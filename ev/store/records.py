"""A run's records, written as JSON lines: one run record, one per generation, then an end
record that says why the run ended and where its steady state began.

Data flows one way: ev.cli.evolve writes these; the runner (ev.runner.ends), the report
(ev.reporting.load and what reads its Runs) and the studies read them, as these records:
``RunRecord``, ``GenerationRecord`` and ``EndRecord`` are frozen values, read by their
attributes, from the writer to the renderer (a list in one is a tuple, an object a read-only
mapping: no reader changes what another reads).  ``to_json`` and ``from_json`` are the only
places that know how they look on disk, and ``from_json`` reads every format below (what an
older file lacks gets the value it meant then).

Format history ("format" in each record; none before format 2):

    3 - the end record (type "end"): why the run ended (budget, flew, never-flew,
        interrupted, failed), its exit status, and its steady state's first generation
        and median, so that no reader parses the run's printed lines for them; the run
        record's "profile_from" (a recorded run: the first generation its profile holds)
    2 - the "format" key (ev after the layers of issue 23); nothing else changed
    1 - no "format" key.  Over its life it gained keys that older files lack:
        "run" ids on both records (2026-11-23; before, a generation belonged to the run
        record above it), "evaluation_seconds" (2026-11-23), "controller" and "flies"
        (2026-11-23; before, every run was "state-space"), "gains" (2026-11-23; a PID run
        without them evolved kp, ki, kd and hover, ev.model.controllers).
"""
import dataclasses
import datetime
import json
import math
import os
import types
import uuid
from typing import Optional

from ev.common.stats import median, steady_start
from ev.model import controllers
from ev.store.provenance import interpreter, machine  # noqa: F401 (interpreter: the studies)

FORMAT = 3
FORMATS = (1, 2, 3)
RUN = "run"
GENERATION = "generation"
END = "end"

# Why a run ended (EndRecord.reason).
BUDGET = "budget"            # its generations or its seconds were spent
FLEW = "flew"                # --until-flies: a generation's best flies
NEVER_FLEW = "never-flew"    # --until-flies: the budget was spent first
INTERRUPTED = "interrupted"  # Ctrl-C, SIGTERM or SIGHUP (the exit status says which)
FAILED = "failed"            # an error stopped it (``message`` says which)
REASONS = (BUDGET, FLEW, NEVER_FLEW, INTERRUPTED, FAILED)


class BadRecord(ValueError):
    """A line that is not a record this ev reads (the message says why)."""


def finite_or_none(value):
    """JSON has no Infinity: a fitness that is not finite (every flight failed) is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


def is_number(value, kind):
    if isinstance(value, bool):
        return False
    if kind is int:
        return isinstance(value, int)
    return isinstance(value, (int, float))


def frozen(value):
    """A JSON value that no reader can change: lists as tuples, objects as read-only mappings."""
    if isinstance(value, (list, tuple)):
        return tuple(frozen(item) for item in value)
    if isinstance(value, (dict, types.MappingProxyType)):
        return types.MappingProxyType(dict((key, frozen(item)) for key, item in value.items()))
    return value


def thawed(value):
    """A frozen value as JSON's again (tuples as lists, mappings as dicts), for writing."""
    if isinstance(value, tuple):
        return [thawed(item) for item in value]
    if isinstance(value, (dict, types.MappingProxyType)):
        return dict((key, thawed(item)) for key, item in value.items())
    return value


class Record(object):
    """What the three records share: their JSON keys are their fields (plus ``extra``, the
    keys this ev does not know, kept as they were), required ones first.  A record is a
    frozen value (``frozen``): a reader that wants another makes it with
    ``dataclasses.replace``."""
    TYPE = None
    REQUIRED = ()
    NUMBERS = {}       # key: int or float, checked on reading
    TEXTS = ("run",)   # keys that are strings when present (the run id: a reader's key)
    NULLABLE = ()      # numbers that may be null on disk: not finite (read back as inf)
    OMITTED = ()       # keys left out of the JSON when None (as the older files did)

    @classmethod
    def from_json(cls, data):
        """The record a decoded JSON object holds, of any format; BadRecord when it is not
        one (the message says why)."""
        if not isinstance(data, dict) or data.get("type") != cls.TYPE:
            raise BadRecord("not a %s record" % cls.TYPE)
        version = data.get("format", 1)
        if version not in FORMATS:
            raise BadRecord("%s record of format %r; this ev reads formats %s"
                            % (cls.TYPE, version, ", ".join(map(str, FORMATS))))
        missing = [key for key in cls.REQUIRED if key not in data]
        if missing:
            raise BadRecord("%s record without %s" % (cls.TYPE, ", ".join(missing)))
        values = dict(data)
        for key, kind in cls.NUMBERS.items():
            value = values.get(key)
            if value is None and key in cls.NULLABLE:
                values[key] = math.inf
            elif (value is not None or key in cls.REQUIRED) and not is_number(value, kind):
                raise BadRecord("%s record: %s is not %s" % (
                    cls.TYPE, key, "an integer" if kind is int else "a number"))
        for key in cls.TEXTS:
            if values.get(key) is not None and not isinstance(values[key], str):
                raise BadRecord("%s record: %s is not a string" % (cls.TYPE, key))
        names = set(field.name for field in dataclasses.fields(cls)) - {"extra", "format"}
        known = dict((key, values.pop(key)) for key in list(values) if key in names)
        for key in ("type", "format"):
            values.pop(key, None)
        return cls(extra=values, format=version, **known)

    def __post_init__(self):
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if isinstance(value, (list, dict)):
                object.__setattr__(self, field.name, frozen(value))

    def to_dict(self):
        """The record as its JSON object, before JSON: a fitness that was not finite is inf."""
        data = {"type": self.TYPE, "format": self.format}
        for field in dataclasses.fields(self):
            value = getattr(self, field.name)
            if field.name in ("extra", "format") or (value is None and field.name in self.OMITTED):
                continue
            data[field.name] = thawed(value)
        data.update(thawed(self.extra))
        return data

    def to_json(self):
        """The record as it is written: JSON's values only (not finite: null)."""
        return dict((key, finite_or_none(value)) for key, value in self.to_dict().items())


@dataclasses.dataclass(frozen=True)
class RunRecord(Record):
    """A run's parameters, and where and with what it ran."""
    implementation: str
    version: str            # the interpreter's Python version
    variant: str
    population: int
    seed: int
    run: Optional[str] = None                   # format 1 before run ids: none
    controller: str = controllers.DEFAULT       # format 1 before the PID: state-space
    gains: Optional[list] = None                # a PID genome's numbers, their names in order
    generations: Optional[int] = None           # planned; None: until stopped
    shape: Optional[dict] = None
    started: Optional[str] = None
    machine: Optional[str] = None
    node: Optional[str] = None
    cpu: Optional[str] = None
    cpu_count: Optional[int] = None
    numpy: Optional[str] = None
    git: Optional[str] = None
    argv: Optional[list] = None
    executable: Optional[str] = None
    pypy_version: Optional[str] = None
    profile_from: Optional[int] = None          # a recorded run: its profile's first generation
    extra: dict = dataclasses.field(default_factory=dict)
    format: int = FORMAT                        # the format it was read from

    TYPE = RUN
    REQUIRED = ("implementation", "version", "variant", "population", "seed")
    NUMBERS = {"population": int, "seed": int}
    TEXTS = ("run", "implementation", "version", "variant", "controller")
    OMITTED = ("run", "gains", "pypy_version", "profile_from")

    @classmethod
    def new(cls, variant, population, seed, generations, shape, argv,
            controller=controllers.DEFAULT, profile_from=None):
        """The record of a run starting now, here (``profile_from``: recorded from that
        generation on, or None: not recorded)."""
        fields = dict(interpreter(), **machine())
        fields.update(controllers.get(controller).run_fields())
        return cls(variant=variant, population=population, seed=seed,
                   generations=generations, shape=dict(shape._asdict()), argv=list(argv),
                   run=uuid.uuid4().hex[:12], controller=controller, profile_from=profile_from,
                   started=datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
                   **fields)


@dataclasses.dataclass(frozen=True)
class GenerationRecord(Record):
    """One generation of a run: its time and fitness (inf: every flight failed)."""
    generation: int
    seconds: float
    min: float
    avg: float
    max: float
    run: Optional[str] = None                   # format 1 before run ids: none
    implementation: Optional[str] = None        # the run's, so that a line reads alone
    version: Optional[str] = None
    variant: Optional[str] = None
    population: Optional[int] = None
    evaluated: Optional[int] = None
    evaluation_seconds: Optional[float] = None  # format 1 before 2026-11-23: none
    flies: Optional[bool] = None                # whether its best flies, when the run checks
    extra: dict = dataclasses.field(default_factory=dict)
    format: int = FORMAT                        # the format it was read from

    TYPE = GENERATION
    REQUIRED = ("generation", "seconds", "min", "avg", "max")
    NUMBERS = {"generation": int, "seconds": float, "min": float, "avg": float,
               "max": float}
    NULLABLE = ("min", "avg", "max")
    OMITTED = ("run", "implementation", "version", "variant", "population", "evaluated",
               "evaluation_seconds", "flies")

    @classmethod
    def of(cls, run, number, seconds, generation, flies=None):
        """The record of ``generation`` (ev.evolution.generation.Generation), the ``number``-th
        of ``run`` (a RunRecord), which took ``seconds``."""
        stats = generation.stats
        return cls(generation=number, seconds=seconds, min=stats.min, avg=stats.avg,
                   max=stats.max, run=run.run, implementation=run.implementation,
                   version=run.version, variant=run.variant, population=run.population,
                   evaluated=stats.evaluated, evaluation_seconds=stats.evaluation_seconds,
                   flies=flies)


@dataclasses.dataclass(frozen=True)
class EndRecord(Record):
    """How a run ended, written last by the run itself: a reader learns why it stopped and
    where its steady state began from this record, never from the run's printed lines.
    A run killed with SIGKILL writes none: its file ends at its last generation."""
    reason: str                  # one of REASONS
    exit: int                    # the run's exit status
    generations: int             # generations this process ran
    seconds: float               # their evolution seconds, summed
    run: Optional[str] = None
    steady_first: Optional[int] = None      # its first steady-state generation (None: none ran)
    steady_median: Optional[float] = None   # median seconds per steady-state generation
    flew: Optional[int] = None              # with --until-flies: the generation that flew
    message: Optional[str] = None           # with "failed": why, in one line
    parts: Optional[int] = None             # a round in parts: how many ends joined_end joined
    extra: dict = dataclasses.field(default_factory=dict)
    format: int = FORMAT

    TYPE = END
    REQUIRED = ("reason", "exit", "generations", "seconds")
    NUMBERS = {"exit": int, "generations": int, "seconds": float}
    TEXTS = ("run", "reason")
    OMITTED = ("steady_first", "steady_median", "flew", "message", "parts")

    @classmethod
    def of(cls, run, first, seconds, reason, status, flew=None, message=None):
        """The end of ``run`` (a RunRecord) whose generations ``first``, ``first + 1``, ...
        took ``seconds``; its steady state by ev.common.stats.steady_start, the report's rule."""
        start = steady_start(seconds)
        return cls(reason=reason, exit=status, generations=len(seconds),
                   seconds=sum(seconds), run=run.run,
                   steady_first=first + start if seconds else None,
                   steady_median=median(seconds[start:]), flew=flew, message=message)


TYPES = {RUN: RunRecord, GENERATION: GenerationRecord, END: EndRecord}


def joined_end(ends, generations):
    """The end of a run written in parts -- one warm process's slices appended to one file
    (a round whose cells ran in alternating parts, ev.runner.plan.parts), each part with
    its run record and end record under the same run id -- as one EndRecord: the parts'
    generations and seconds summed, the steady state from the first part's, its median
    over ``generations`` (the run's GenerationRecords) from there, ``parts`` their number;
    the reason and exit status the last part's."""
    if len(ends) == 1:
        return ends[0]
    first = next((e.steady_first for e in ends if e.steady_first is not None), None)
    steady = [g.seconds for g in generations if first is not None and g.generation >= first]
    return dataclasses.replace(
        ends[-1], generations=sum(e.generations for e in ends),
        seconds=sum(e.seconds for e in ends), steady_first=first,
        steady_median=median(steady), parts=len(ends))


def from_json(data):
    """The RunRecord, GenerationRecord or EndRecord of a decoded JSON object; BadRecord
    otherwise."""
    if not isinstance(data, dict) or data.get("type") not in TYPES:
        raise BadRecord("not a run, generation or end record")
    return TYPES[data["type"]].from_json(data)


class RecordWriter(object):
    """Appends one JSON line per record, each written whole or not at all, so that an
    interrupted or failing run keeps every finished generation and nothing half-written.
    A file whose last line was cut (a killed run) gets a fresh line first."""

    def __init__(self, path):
        self.path = path
        self._fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o666)
        if not ends_with_newline(path):
            self._append(b"\n")

    def write(self, record):
        """``record``: a Record (or the dict of one)."""
        data = record.to_json() if isinstance(record, Record) else dict(
            (key, finite_or_none(value)) for key, value in record.items())
        self._append((json.dumps(data, sort_keys=True, allow_nan=False) + "\n").encode())

    def _append(self, data):
        size = os.fstat(self._fd).st_size
        try:
            while data:
                data = data[os.write(self._fd, data):]
        except OSError as error:
            try:
                os.ftruncate(self._fd, size)
            except OSError:
                pass
            raise OSError(error.errno, error.strerror, self.path)

    def close(self):
        os.close(self._fd)


def ends_with_newline(path):
    """True for an empty file or one whose last byte is a newline."""
    with open(path, "rb") as existing:
        existing.seek(0, os.SEEK_END)
        if existing.tell() == 0:
            return True
        existing.seek(-1, os.SEEK_END)
        return existing.read(1) == b"\n"


class BadLine(object):
    def __init__(self, path, lineno, reason):
        self.path, self.lineno, self.reason = path, lineno, reason

    def __str__(self):
        return "%s:%d: %s" % (self.path, self.lineno, self.reason)


def read_records(path):
    """(records, bad_lines): every line that is a record of a format this ev reads, as its
    RunRecord, GenerationRecord or EndRecord (old files' missing keys filled in as
    from_json reads them); corrupt, truncated or binary lines are reported, not fatal.
    A file that cannot be read at all raises OSError."""
    records, bad = [], []
    with open(path, "rb") as lines:
        for lineno, raw in enumerate(lines, 1):
            record, problem = parse_line(raw)
            if problem:
                bad.append(BadLine(path, lineno, problem))
            elif record is not None:
                records.append(record)
    return records, bad


def parse_line(raw):
    """(record, None), (None, problem), or (None, None) for a blank line."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, "not text (binary data)"
    if not line.strip():
        return None, None
    try:
        return from_json(json.loads(line)), None
    except BadRecord as problem:
        return None, str(problem)
    except RecursionError:      # in the parser, or freezing what it made
        return None, "not a record (JSON nested too deeply)"
    except ValueError as error:
        return None, "not JSON (%s)" % error
