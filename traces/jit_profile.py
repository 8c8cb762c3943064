"""The JIT log recorded with a PyPy profile, and what it did to the profile's samples.

traces.record writes the JIT log's path into the profile's description; ev matrix --profile
keeps CELL.jitlog beside CELL.prof.  The reader (traces.profile_reader) asks here for a
StackCorrector (traces.jit_attribution) and keeps the Attribution on the profile, so that the
reports say how many samples the log named, corrected or left uncertain.
"""
import collections
import os

from traces.errors import InputError
from traces.jit_attribution import JitMap, StackCorrector
from traces.jitlog_reader import read_jitlog
from traces.model import JIT, PY
from traces.project import read_meta
from traces.source_calls import can_call


def jit_log_for(profile_path, given=None):
    """The JIT log recorded with a profile: ``given``, else the one traces.record wrote in the
    profile's description, else PROFILE's name with .jitlog for .prof (ev matrix --profile);
    None when there is none."""
    if given:
        return given
    meta = read_meta(profile_path) or {}
    if meta.get("jit_log") and os.path.exists(meta["jit_log"]):
        return meta["jit_log"]
    stem = profile_path[:-len(".prof")] if profile_path.endswith(".prof") else profile_path
    beside = stem + ".jitlog"
    return beside if os.path.exists(beside) else None


class Attribution(object):
    """What the JIT log did to a profile's samples, for the reports: the log, whether it
    located machine code, and the counts of StackCorrector."""

    def __init__(self, log_path, corrector=None, why_not=None):
        self.log_path = log_path
        self.corrector = corrector
        self.why_not = why_not       # a sentence when the log could not be used
        self.missing = None          # frames still missing after the correction (below)

    def check_against_source(self, samples):
        """Count the corrected samples that still have one of the program's functions directly
        above a function its source never mentions (traces.source_calls): a frame is missing
        there (an inlined function the stack does not show).  A callee outside the program
        counts only across JIT code, and only with a source file: PyPy implements some
        built-ins in Python under other names (``print`` is ``print_``, in ``<builtin>/...``),
        and frozen code runs from anywhere (importlib's ``cb``, a weakref callback the GC
        calls), which the caller's source cannot mention."""
        pairs, count, weight = collections.Counter(), 0, 0.0
        for frames, sample_weight in samples:
            python = [i for i, f in enumerate(frames) if f.kind == PY]
            for outer, inner in zip(python, python[1:]):
                caller, callee = frames[outer], frames[inner]
                if caller.name.startswith("<") or caller.where is None or (
                        callee.where is None and (
                            (callee.filename or "<").startswith("<") or not any(
                                f.kind == JIT for f in frames[outer + 1:inner]))):
                    continue
                if not can_call(caller, callee):
                    pairs[(caller.name, callee.name)] += 1
                    count, weight = count + 1, weight + sample_weight
                    break
        self.missing = {"samples": count, "weight": weight,
                        "pairs": [[a, b, n] for (a, b), n in pairs.most_common(3)]}

    def to_json(self):
        return {"jit_log": self.log_path, "why_not": self.why_not, "missing": self.missing,
                "counts": self.corrector.counts.to_json() if self.corrector else None,
                "jit_summary": self.corrector.jit_map.log.summary if self.corrector else None,
                "loops_ran": sum(1 for t in self.corrector.jit_map.log.traces
                                 if t.kind == "loop" and (t.iterations or 0) > 1000)
                if self.corrector else None}


def attribution_for(profile_path, state, given=None):
    """An Attribution for a PyPy profile (its corrector None, and why, when no usable JIT log
    with code addresses was recorded with it)."""
    path = jit_log_for(profile_path, given)
    if path is None:
        return Attribution(None, why_not="no JIT log recorded with the profile (record both "
                                         "with python -m traces.record)")
    recorded = (read_meta(profile_path) or {}).get("jit_log_bytes")
    if not given and recorded is not None and os.path.getsize(path) != recorded:
        return Attribution(path, why_not="the JIT log %s changed after this profile was "
                                         "recorded (another run wrote it)" % path)
    try:
        log = read_jitlog(path)
    except InputError as error:
        if given:
            raise
        return Attribution(path, why_not="the JIT log cannot be read (%s)" % error)
    if not log.has_addresses:
        return Attribution(path, why_not="the JIT log has no code addresses (record with "
                                         "PYPYLOG=...,jit-backend-addr, as traces.record does)")
    return Attribution(path, StackCorrector(JitMap(log), state.registrations))
