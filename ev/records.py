"""Plain data records of a run, written as JSON lines: one "run" record, then one per generation.

Data flows one way: ev.main writes these, ev.report and the plots read them.
"""
import datetime
import json
import os
import platform
import subprocess
import sys

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


def run_record(variant, population, seed, generations, shape, argv):
    record = {
        "type": RUN,
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
    record.update(interpreter())
    return record


def generation_record(run, generation, seconds, stats):
    return {
        "type": GENERATION,
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
    }


class RecordWriter(object):
    """Appends one JSON line per record and flushes it, so an interrupted run keeps every
    finished generation."""

    def __init__(self, path):
        self._file = open(path, "a")

    def write(self, record):
        self._file.write(json.dumps(record, sort_keys=True) + "\n")
        self._file.flush()

    def close(self):
        self._file.close()


class BadLine(object):
    def __init__(self, path, lineno, reason):
        self.path, self.lineno, self.reason = path, lineno, reason

    def __str__(self):
        return "%s:%d: %s" % (self.path, self.lineno, self.reason)


def read_records(path):
    """(records, bad_lines): every line that parses as a JSON object with a known "type";
    corrupt or truncated lines are reported, not fatal."""
    records, bad = [], []
    with open(path) as lines:
        for lineno, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except ValueError as error:
                bad.append(BadLine(path, lineno, "not JSON (%s)" % error))
                continue
            if not isinstance(record, dict) or record.get("type") not in REQUIRED:
                bad.append(BadLine(path, lineno, "not a run or generation record"))
                continue
            missing = [key for key in REQUIRED[record["type"]] if key not in record]
            if missing:
                bad.append(BadLine(path, lineno, "%s record without %s"
                                   % (record["type"], ", ".join(missing))))
                continue
            records.append(record)
    return records, bad
