"""Plain data records of a run, written as JSON lines: one "run" record, then one per generation.

Data flows one way: ev.cli.main writes these, ev.reporting.report and the plots read them.
"""
import datetime
import json
import math
import os
import platform
import subprocess
import sys
import uuid

RUN = "run"
GENERATION = "generation"
REQUIRED = {
    RUN: ("implementation", "version", "variant", "population", "seed"),
    GENERATION: ("generation", "seconds", "min", "avg", "max"),
}


def interpreter():
    """e.g. {"implementation": "pypy", "version": "3.9.16", "pypy_version": "7.3.11"}"""
    info = {
        "implementation": platform.python_implementation().lower(),
        "version": platform.python_version(),
        "executable": sys.executable,
    }
    if hasattr(sys, "pypy_version_info"):
        info["pypy_version"] = "%d.%d.%d" % tuple(sys.pypy_version_info[:3])
    return info


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def numpy_version():
    try:
        import numpy
    except ImportError:
        return None
    return numpy.__version__


def git_revision():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.decode().strip() or None


def new_run_id():
    return uuid.uuid4().hex[:12]


def run_record(variant, population, seed, generations, shape, argv, controller="state-space",
               gains=None):
    """The run's parameters; ``gains``: the names of a PID genome's numbers, in order."""
    record = {
        "type": RUN,
        "run": new_run_id(),
        "controller": controller,
        "started": datetime.datetime.now().astimezone().isoformat(timespec="seconds"),
        "variant": variant,
        "population": population,
        "seed": seed,
        "generations": generations,
        "shape": dict(shape._asdict()),
        "machine": platform.machine(),
        "node": platform.node(),
        "cpu": cpu_model(),
        "cpu_count": os.cpu_count(),
        "numpy": numpy_version(),
        "git": git_revision(),
        "argv": list(argv),
    }
    if gains:
        record["gains"] = list(gains)
    record.update(interpreter())
    return record


def generation_record(run, generation, seconds, stats, flies=None):
    """One generation; ``flies`` (when the run checks it) says whether its best flies."""
    record = {
        "type": GENERATION,
        "run": run["run"],
        "implementation": run["implementation"],
        "version": run["version"],
        "variant": run["variant"],
        "population": run["population"],
        "generation": generation,
        "seconds": seconds,
        "min": stats.min,
        "avg": stats.avg,
        "max": stats.max,
        "evaluated": stats.evaluated,
        "evaluation_seconds": stats.evaluation_seconds,
    }
    if flies is not None:
        record["flies"] = flies
    return record


def finite_or_none(value):
    """JSON has no Infinity: a fitness that is not finite (every flight failed) is null."""
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value


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
        record = dict((key, finite_or_none(value)) for key, value in record.items())
        self._append((json.dumps(record, sort_keys=True, allow_nan=False) + "\n").encode())

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


NUMBERS = {
    RUN: {"population": int, "seed": int},
    GENERATION: {"generation": int, "seconds": float, "min": float, "avg": float,
                 "max": float},
}
NULLABLE = ("min", "avg", "max")  # a fitness that was not finite


def read_records(path):
    """(records, bad_lines): every line that parses as a JSON object with a known "type" and
    well-typed fields; corrupt, truncated or binary lines are reported, not fatal.  A file
    that cannot be read at all raises OSError."""
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
        record = json.loads(line)
    except ValueError as error:
        return None, "not JSON (%s)" % error
    except RecursionError:
        return None, "not a record (JSON nested too deeply)"
    if not isinstance(record, dict) or record.get("type") not in REQUIRED:
        return None, "not a run or generation record"
    missing = [key for key in REQUIRED[record["type"]] if key not in record]
    if missing:
        return None, "%s record without %s" % (record["type"], ", ".join(missing))
    for key, kind in NUMBERS[record["type"]].items():
        value = record.get(key)
        if value is None and key in NULLABLE:
            record[key] = float("inf")
        elif not is_number(value, kind):
            return None, "%s record: %s is not %s" % (
                record["type"], key, "an integer" if kind is int else "a number")
    return record, None


def is_number(value, kind):
    if isinstance(value, bool):
        return False
    if kind is int:
        return isinstance(value, int)
    return isinstance(value, (int, float))
