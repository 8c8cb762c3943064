"""The JSON files and documents ev writes, each named and versioned (pyperf's ``_bench.py`` is
the model): ``{"format": NAME, "version": N, ...}`` at the top, a format history beside the
writer, and one reader that takes every version in that history and refuses any other in one
line (``UnknownFormat``; the commands print it and exit 1).

A ``Format`` is the name, the version written today, and how a file written before the
format had a name reads (``unversioned``: the document as it was then -> the document of
version 1).  The run records (JSON lines, ev.store.records) keep their own per-line format.
"""
import dataclasses
import json
from typing import Callable, Optional


class UnknownFormat(ValueError):
    """A file this ev cannot read as the format it expects; str() is one line."""


@dataclasses.dataclass(frozen=True)
class Format(object):
    name: str                   # "ev-matrix", "ev-report", ...
    version: int                # the version this ev writes
    unversioned: Optional[Callable] = None   # a document from before the name -> version 1
    noun: Optional[str] = None      # what a user calls one; default "an NAME file"

    @property
    def versions(self):
        return tuple(range(1, self.version + 1))

    def stamp(self, data):
        """``data`` (a dict) as this format writes it: its name and version first."""
        return dict([("format", self.name), ("version", self.version)] + [
            (key, value) for key, value in data.items() if key not in ("format", "version")])

    def read(self, data, source="the file"):
        """The document ``data`` (decoded JSON) as this ev reads it: any version in the
        history, a document from before the format had a name when ``unversioned`` says how;
        UnknownFormat otherwise."""
        if isinstance(data, dict) and data.get("format") == self.name:
            version = data.get("version")
            if version not in self.versions or isinstance(version, bool):
                raise UnknownFormat("%s: %s version %r; this ev reads versions %s" % (
                    source, self.name, version, ", ".join(map(str, self.versions))))
            return data
        if self.unversioned is not None and not (isinstance(data, dict) and "format" in data):
            found = self.unversioned(data)
            if found is not None:
                return dict(self.stamp(found), version=1)
        raise UnknownFormat("%s: not %s (%s)" % (source, self.noun or "an %s file" % self.name,
                                                 _what_it_holds(data)))

    def load(self, path):
        """The document in the file at ``path``; OSError when it cannot be read,
        UnknownFormat when it is not this format (or not JSON)."""
        with open(path) as source:
            try:
                data = json.load(source)
            except ValueError as error:
                raise UnknownFormat("%s: not readable as JSON (%s)" % (path, error))
        return self.read(data, path)

    def dumps(self, data, **options):
        """``data`` stamped, as JSON text (``options``: json.dumps's, e.g. indent)."""
        return json.dumps(self.stamp(data), **options)


def _what_it_holds(data):
    """A few words on a document that is not the one expected."""
    if isinstance(data, dict):
        return "its \"format\" is %r" % (data.get("format"),)
    return "it holds %s, not a JSON object" % (
        "an array" if isinstance(data, list) else "null, a number or a string")


def rows_format(name, version=1):
    """The format of a report's ``--json`` document, {"rows": [...]} (version 1 on); a
    document from before the format had a name was the bare list of rows."""
    return Format(name, version, unversioned=lambda data: {"rows": data}
                  if isinstance(data, list) else None)


def object_format(name, key):
    """The format of a ``--json`` document that was already an object with ``key`` before it
    had a name (version 1 added only "format" and "version")."""
    return Format(name, 1, unversioned=lambda data: data
                  if isinstance(data, dict) and key in data else None)
