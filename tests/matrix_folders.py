"""Results folders in the format of docs/matrix.md, made for the report's tests: the record
shapes are copied from a real ``ev.main --results`` file made once per session, and only the
seconds (and the cell's names) are varied, so that rounds can be made to disagree."""
import json
import os
import platform
import uuid

from conftest import run_module

_REAL = {}
HERE = platform.python_implementation().lower()   # an older folder's cells: "cpython-numpy"


def real_records(folder):
    """(run record, generation record) of a real run: ev.main -n 20 -g 3."""
    if not _REAL:
        path = os.path.join(str(folder), "real-cell.jsonl")
        result = run_module("ev.main", "-n", 20, "-g", 3, "--seed", 42, "--results", path)
        assert result.returncode == 0, result.stderr
        with open(path) as lines:
            records = [json.loads(line) for line in lines]
        os.remove(path)
        _REAL.update(run=records[0], generation=records[1])
    return dict(_REAL["run"]), dict(_REAL["generation"])


INTERPRETERS = {
    "cpython3.11": ("CPython", "3.11.7", "3.11.7", False),
    "cpython3.14": ("CPython", "3.14.10", "3.14.10", False),
    "cpython3.14-jit": ("CPython", "3.14.10", "3.14.10", True),
    "pypy7.3.11": ("PyPy", "7.3.11", "3.9.16", None),
    "pypy8.0": ("PyPy", "8.0.1", "3.11.17", None),
}


def write_round(folder, cell, k, seconds, best=None):
    """DIR/<cell>.r<k>.jsonl: a run record and one generation record per entry of
    ``seconds`` (evaluation: 80% of it), shaped like the real ones."""
    run, generation = real_records(folder)
    label, variant = cell.rsplit("-", 1)
    implementation, version, python, _ = INTERPRETERS[label]
    run.update(run=uuid.uuid4().hex[:12], variant=variant, generations=len(seconds),
               implementation=implementation.lower(), version=python)
    if implementation == "PyPy":
        run["pypy_version"] = version
    best = best or [100.0 - g for g in range(len(seconds))]
    with open(os.path.join(str(folder), "%s.r%d.jsonl" % (cell, k)), "w") as out:
        out.write(json.dumps(run) + "\n")
        for g, (secs, fitness) in enumerate(zip(seconds, best)):
            out.write(json.dumps(dict(generation, run=run["run"], variant=variant,
                                      implementation=run["implementation"], version=python,
                                      generation=g, seconds=secs, evaluation_seconds=0.8 * secs,
                                      min=fitness)) + "\n")


def write_matrix(folder, cells, rounds, machine=None, not_run=()):
    """DIR/<cell>.r<k>.jsonl for every cell and round, in rotating order, and matrix.json.
    ``cells``: {cell: [seconds of round 1, seconds of round 2, ...]}."""
    names = list(cells)
    runs = []
    for k in range(1, rounds + 1):
        turn = (k - 1) % len(names)
        order = names[turn:] + names[:turn]
        for position, cell in enumerate(order):
            write_round(folder, cell, k, cells[cell][k - 1])
            runs.append({"cell": cell, "round": k, "position": position,
                         "file": "%s.r%d.jsonl" % (cell, k), "log": "%s.r%d.log" % (cell, k),
                         "command": ["python", "-m", "ev.main"], "exit": 0,
                         "wall_seconds": sum(cells[cell][k - 1])})
    labels = sorted(set(c.rsplit("-", 1)[0] for c in names) | set(
        c.rsplit("-", 1)[0] for c, _ in not_run), key=list(INTERPRETERS).index)
    matrix = {
        "format": "ev-matrix", "version": 1, "task": "benchmark", "population": 20,
        "seed": 42, "rounds": rounds, "started": "2026-11-29T18:00:00+00:00",
        "finished": "2026-11-29T18:05:00+00:00",
        "interpreters": [{"label": label, "implementation": INTERPRETERS[label][0],
                          "version": INTERPRETERS[label][1],
                          "python_version": INTERPRETERS[label][2], "jit": INTERPRETERS[label][3],
                          "executable": "/usr/bin/python", "root": None} for label in labels],
        "cells": [{"cell": c, "interpreter": c.rsplit("-", 1)[0], "variant": c.rsplit("-", 1)[1],
                   "generations": len(cells[c][0]), "budget_seconds": None, "status": "run",
                   "why": ""} for c in names] +
                 [{"cell": c, "interpreter": c.rsplit("-", 1)[0], "variant": c.rsplit("-", 1)[1],
                   "generations": 0, "budget_seconds": None, "status": "not run", "why": why}
                  for c, why in not_run],
        "runs": runs,
        "machine": machine or {"before": machine_state(0.1), "after": machine_state(1.0)},
    }
    with open(os.path.join(str(folder), "matrix.json"), "w") as out:
        json.dump(matrix, out)
    return matrix


def machine_state(load):
    return {"cpu_model": "Test CPU", "cores": 2, "load_average": [load, load, load],
            "governor": None, "memory_available_bytes": 4 * 10 ** 9,
            "time": "2026-11-29T18:00:00+00:00"}


def steady(median, spread=0.0, count=5, first=None):
    """Seconds of a run: a slower first generation, then ``count`` generations around
    ``median`` (median exactly ``median``; lowest and highest ``spread`` apart)."""
    low, high = median * (1 - spread / 2), median * (1 + spread / 2)
    middle = [median] * (count - 2)
    return [first or 3 * median] + [low] + middle + [high]
