"""matrix.json, the record of a matrix run (written by ev.cli.matrix_file, read here and by
ev.reporting.load): its format and its one reader.

Format history ("format": "ev-matrix", "version"):

    1 - the first: task, population, seed, rounds, started, finished, interpreters, cells
        (cell, interpreter, variant, generations, budget_seconds, status, why), runs (cell,
        round, position, file, command, exit, wall_seconds), recordings, machine (before,
        after).  Older results folders have no matrix.json: their ``*.jsonl`` files are read.
"""
from ev.common.formats import Format, UnknownFormat

NAME = "matrix.json"
MATRIX = Format("ev-matrix", 1)


class NotAMatrix(ValueError):
    """A matrix.json that is damaged or not an ev-matrix file: the folder can still be read by
    its ``*.jsonl`` files (a file of an unknown version is UnknownFormat, not this)."""


def read(path):
    """matrix.json's content as a dict.  OSError when it cannot be read; NotAMatrix when it is
    not JSON or not an ev-matrix file; UnknownFormat (one line) when it is an ev-matrix file of
    a version this ev does not know: reading it by its files would silently lose what the
    newer version added."""
    try:
        data = MATRIX.load(path)
    except UnknownFormat as error:
        if "version" in str(error):
            raise
        raise NotAMatrix(str(error))
    if not isinstance(data.get("runs"), list):
        raise NotAMatrix("%s: an ev-matrix file without its list of runs" % path)
    return data
