"""Whose code a profile frame is: the project's (the folders given, the recorded program's by
default), the standard library, an installed package, numpy, or native code.

traces.record writes the project's folders beside the profile (PROFILE.meta.json), so that the
readers show a user's functions as "project code"; a profile without that file is ev's own
(ev.main --profile) unless the reader is given --project.  A relative file name in a profile is
the script named on the recording's command line, relative to where it ran: the program's own.

The description's format history ("format": "traces-recording", "version"; ``read_meta``
reads each, and refuses another version in one line):

    1 - "format" and "version" (before, 2026-12 and earlier, the same object without them:
        read as version 1); "program_exit" (traces.record: the program's exit status)
"""
import json
import os

from traces.errors import InputError

CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EV_PACKAGES = tuple(os.path.join(CHECKOUT, p) for p in ("ev", "specialized", "traces"))
META_SUFFIX = ".meta.json"
META_FORMAT = "traces-recording"
META_VERSIONS = (1,)


class Project(object):
    """``roots``: the folders of the program's own code; ``extra``: categories of its own
    (traces.categories.Extra) that its caller passes in, e.g. ev's compiled evaluation."""

    def __init__(self, roots, extra=()):
        self.roots = tuple(os.path.abspath(r).rstrip(os.sep) for r in roots)
        self.extra = tuple(extra)

    def with_extra(self, extra):
        """This project with ``extra`` categories added (one of each name)."""
        names = set(e.name for e in self.extra)
        return Project(self.roots, self.extra + tuple(e for e in extra if e.name not in names))

    def relative(self, filename):
        """The file as people name it (relative to the folder holding its project folder),
        or None when it is not the project's."""
        if not filename or filename.startswith("<"):
            return None
        if not os.path.isabs(filename):
            return filename
        for root in self.roots:
            if filename.startswith(root + os.sep):
                return os.path.relpath(filename, os.path.dirname(root))
        return None

    def place(self, frame):
        """Set ``frame.where`` and ``frame.category``; return the frame."""
        from traces.categories import categorize_unplaced
        if frame.kind == "py":
            frame.where = self.relative(frame.filename)
        frame.category = categorize_unplaced(frame, frame.where is not None, self.extra)
        return frame

    @classmethod
    def for_profile(cls, path):
        """The project written beside the profile by its recorder (its folders, else ev's
        packages; and the categories its recorder passed in)."""
        meta = read_meta(path) or {}
        roots = meta["project"] if meta.get("project") else EV.roots
        return cls(roots, extra_categories(path, meta))

    def to_json(self):
        return list(self.roots)


EV = Project(EV_PACKAGES)


def extra_categories(path, meta):
    """The categories a recording's description adds (``"categories"``: traces.categories.
    Extra in JSON), checked."""
    from traces.categories import Extra
    found = meta.get("categories") or []
    try:
        if not isinstance(found, list):
            raise ValueError("not a list")
        return tuple(Extra.from_json(entry) for entry in found)
    except ValueError as error:
        raise InputError(meta_path(path), "bad categories: %s" % error)


def meta_path(profile_path):
    return profile_path + META_SUFFIX


def read_meta(profile_path):
    """The recording's description traces.record wrote beside the profile, or None."""
    path = meta_path(profile_path)
    if not os.path.exists(path):
        return None
    try:
        with open(path) as meta:
            found = json.load(meta)
    except (OSError, ValueError) as error:
        raise InputError(path, "unreadable recording description (%s)" % error)
    if not isinstance(found, dict) or found.get("format", META_FORMAT) != META_FORMAT:
        raise InputError(path, "not a recording description written by traces.record")
    if found.get("version", 1) not in META_VERSIONS:
        raise InputError(path, "a recording description of version %r; this traces reads "
                               "versions %s" % (found.get("version"),
                                                ", ".join(map(str, META_VERSIONS))))
    return found


def meta_text(meta):
    """The recording's description as its file holds it: format and version first."""
    return json.dumps(dict([("format", META_FORMAT), ("version", META_VERSIONS[-1])]
                           + list(meta.items())), indent=1)
