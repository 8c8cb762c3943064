"""Reading a results folder (the first stage of a report: load -> cells -> processors -> renderers).

A folder written by ``ev matrix`` (see docs/matrix.md, "The results folder") has ``matrix.json``,
which lists every cell-round's file, round and position, the interpreters and the machine; a
folder from before it holds ``<cell>.jsonl`` files (one round) and maybe ``not_run.txt``.
Both read into the same thing: a ``Folder`` of runs (``Run``), one per cell-round.
"""
import collections
import dataclasses
import glob
import os
import re
from typing import Optional, Tuple

from ev.store import matrix_json
from ev.store.records import (EndRecord, GenerationRecord, RunRecord, joined_end,
                              read_records)

LIMIT = "c"   # the variant every other is measured against: the same evaluation in C
ROUND_FILE = re.compile(r"^(?P<cell>.+)\.r(?P<round>\d+)\.jsonl$")


@dataclasses.dataclass(frozen=True)
class Run(object):
    """One cell-round: its records (the run record, its generation records by generation
    number, its end record or None: ev.store.records' frozen records, as read_records gives
    them) and where matrix.json places it (an older folder: round 1, no position)."""
    name: str                       # the cell's name
    record: RunRecord
    generations: Tuple[GenerationRecord, ...]
    end: Optional[EndRecord]        # the end record (a round in parts: its parts' joined)
    file: str                       # the records file's name in the folder
    round: int = 1
    position: Optional[int] = None  # its place in the round's order
    exit: Optional[int] = None      # the process's exit status, as matrix.json says
    warm: bool = False              # a slice of a warm process
    warmup: bool = False            # a warm process's first slice


class Folder(object):
    """What a results folder holds: ``runs`` (Run, one per cell-round), ``matrix``
    (matrix.json's content, or None for an older folder), ``skipped`` ((cell, why) pairs)
    and ``problems`` (what could not be read)."""

    def __init__(self, path, runs, matrix, skipped, problems):
        self.path, self.runs, self.matrix = path, runs, matrix
        self.skipped, self.problems = skipped, problems

    @property
    def task(self):
        return (self.matrix or {}).get("task")

    def listed(self, key):
        """matrix.json's list under ``key`` (interpreters, cells, runs), its entries that are
        objects only; [] for an older folder."""
        return entries(self.matrix or {}, key)


def entries(matrix, key):
    found = matrix.get(key)
    return [e for e in found if isinstance(e, dict)] if isinstance(found, list) else []


def load_folder(folder):
    """The Folder at ``folder``: by matrix.json when it is there and readable, else by the
    ``*.jsonl`` files found (an older folder, or one whose matrix.json is damaged)."""
    problems = []
    matrix = read_matrix(folder, problems)
    if matrix is not None:
        runs = runs_of_matrix(folder, matrix, problems)
        skipped = [(str(c.get("cell", "?")), str(c.get("why") or "not run"))
                   for c in entries(matrix, "cells") if c.get("status") == "not run"]
    else:
        runs = runs_of_files(folder, sorted(glob.glob(os.path.join(folder, "*.jsonl"))),
                             problems)
        skipped = not_run(folder)
    return Folder(folder, named_apart(runs), matrix, skipped, problems)


def read_matrix(folder, problems):
    """matrix.json as a dict, or None when there is none; a damaged one is a problem and
    the folder is read by its files instead; one of a version this ev does not know raises
    UnknownFormat (ev.store.matrix_json)."""
    path = os.path.join(folder, matrix_json.NAME)
    if not os.path.exists(path):
        return None
    try:
        return matrix_json.read(path)
    except OSError as error:
        problems.append("%s: not readable (%s); reading the *.jsonl files instead"
                        % (path, error.strerror or error))
    except matrix_json.NotAMatrix as error:
        problems.append("%s; reading the *.jsonl files instead" % error)
    return None


def runs_of_matrix(folder, matrix, problems):
    """One run per cell-round that matrix.json lists, named, numbered and placed as it says."""
    runs = []
    for entry in matrix["runs"]:
        if not isinstance(entry, dict) or not isinstance(entry.get("file"), str) or \
                not isinstance(entry.get("round", 1), int) or not isinstance(
                    entry.get("cell", ""), str):
            problems.append("matrix.json: a run entry without a file name, a round number or "
                            "a cell name (%.80r)" % (entry,))
            continue
        path = os.path.join(folder, os.path.basename(entry["file"]))
        runs.extend(dataclasses.replace(
            run, name=entry.get("cell") or run.name, round=entry.get("round", 1),
            position=entry.get("position"), exit=entry.get("exit"),
            warm=entry.get("warm") is True, warmup=entry.get("warmup") is True)
            for run in read_file(path, problems))
    return runs


def runs_of_files(folder, paths, problems):
    """Runs of the files found; ``<cell>.r<k>.jsonl`` is round k of <cell>, any other file
    is round 1 with the cell named by its run record."""
    runs = []
    for path in paths:
        match = ROUND_FILE.match(os.path.basename(path))
        runs.extend(dataclasses.replace(run, name=match.group("cell"),
                                        round=int(match.group("round"))) if match else run
                    for run in read_file(path, problems))
    return runs


def read_file(path, problems):
    """The Runs of one records file (round 1 of the cell its run record names, until
    matrix.json or the file's name says otherwise): a generation or end record belongs to
    the run whose id it carries (records written before run ids existed: to the run record
    above it); a run's end record (None when it wrote none) is its ``end``.  A run record
    whose id the file has already met continues that run: a warm process's round in parts,
    whose ends join into one (ev.store.records.joined_end)."""
    try:
        records, bad = read_records(path)
    except OSError as error:
        problems.append("%s: cannot read (%s)" % (path, error.strerror or error))
        return []
    problems.extend(str(b) for b in bad)
    found, by_id, current = [], {}, None     # found: (run record, generations, ends)
    for record in records:
        if isinstance(record, RunRecord) and record.run is not None and record.run in by_id:
            current = by_id[record.run]         # a part of a round (ev.runner.plan.parts)
            continue
        if isinstance(record, RunRecord):
            current = (record, [], [])
            found.append(current)
            by_id[record.run] = current
            continue
        owner = by_id.get(record.run) if record.run is not None else current
        if owner is None:
            problems.append("%s: %s record of no run record in the file (run %s)"
                            % (path, record.TYPE,
                               "unknown" if record.run is None else record.run))
        else:
            owner[2 if isinstance(record, EndRecord) else 1].append(record)
    return [run_of(record, generations, ends, os.path.basename(path))
            for record, generations, ends in found]


def run_of(record, generations, ends, file):
    """The Run of a run record and the generation and end records that belong to it."""
    generations = sorted(generations, key=lambda g: g.generation)
    return Run(name=cell_name(record), record=record, generations=tuple(generations),
               end=joined_end(ends, generations) if ends else None, file=file)


def cell_name(run):
    """implementation-variant, as run_all.sh named its files; the C cell of an older folder
    is plain "c" (its interpreter only runs the GA)."""
    if run.variant == LIMIT:
        return LIMIT
    return "%s-%s" % (run.implementation, run.variant)


def named_apart(runs):
    """The runs, several runs of one cell in one round (two runs appending to one file, a
    killed run and its re-run) renamed as what they are: each run its own cell, named by file
    and run id."""
    counts = collections.Counter((r.name, r.round) for r in runs)
    return [dataclasses.replace(run, name="%s [%s run %s]" % (
        run.name, run.file, "?" if run.record.run is None else run.record.run))
        if counts[(run.name, run.round)] > 1 else run for run in runs]


def not_run(folder):
    """(cell, reason) pairs of an older folder's not_run.txt (``cell: reason`` lines)."""
    path = os.path.join(folder, "not_run.txt")
    if not os.path.exists(path):
        return []
    with open(path, errors="replace") as lines:
        return [tuple(part.strip() for part in line.split(":", 1))
                for line in lines if ":" in line]


def group_cells(runs):
    """{cell name: [its runs, by round]}, cells in the order they first appear."""
    cells = collections.OrderedDict()
    for run in runs:
        cells.setdefault(run.name, []).append(run)
    for rounds in cells.values():
        rounds.sort(key=lambda r: r.round)
    return cells
