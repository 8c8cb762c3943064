"""Whose code a profile frame is: the project's (the folders given, the recorded program's by
default), the standard library, an installed package, numpy, or native code.

traces.record writes the project's folders beside the profile (PROFILE.meta.json), so that the
readers show a user's functions as "project code"; a profile without that file is ev's own
(ev.main --profile) unless the reader is given --project.  A relative file name in a profile is
the script named on the recording's command line, relative to where it ran: the program's own.
"""
import json
import os

from traces.errors import InputError

CHECKOUT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
EV_PACKAGES = tuple(os.path.join(CHECKOUT, p) for p in ("ev", "specialized", "traces"))
META_SUFFIX = ".meta.json"


class Project(object):
    def __init__(self, roots):
        self.roots = tuple(os.path.abspath(r).rstrip(os.sep) for r in roots)

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
        frame.category = categorize_unplaced(frame, frame.where is not None)
        return frame

    @classmethod
    def for_profile(cls, path):
        """The project written beside the profile by traces.record, else ev's packages."""
        meta = read_meta(path)
        return cls(meta["project"]) if meta and meta.get("project") else EV

    def to_json(self):
        return list(self.roots)


EV = Project(EV_PACKAGES)


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
    if not isinstance(found, dict):
        raise InputError(path, "not a recording description written by traces.record")
    return found
