"""Small steps between a profile's samples and what renders them: drop the launcher, merge
runs of unnamed frames, name frames for people, scale weights to time."""
import os

from traces import sampling_stacks
from traces.categories import categorize, project_file
from traces.model import NATIVE, PY, location

ENTRY_FILES = (os.path.join("ev", "main.py"), os.path.join("ev", "cli", "main.py"))


def without_launcher(frames):
    """The stack from the innermost frame of the command line (ev/cli/evolve.py) inwards, or else from
    the outermost project frame: the frames outside (runpy, click) only launched the run and
    would otherwise show as ~100% total time."""
    files = [project_file(f) for f in frames]
    entry = [i for i, f in enumerate(files) if f in ENTRY_FILES]
    if entry:
        return frames[entry[-1]:]
    project = next((i for i, f in enumerate(files) if f), None)
    if project is not None:
        return frames[project:]
    start = 0  # start-up or shut-down: no project frame; still drop the launcher's
    while start < len(frames) - 1 and is_launcher(frames[start]):
        start += 1
    return frames[start:]


def launched_samples(profile):
    """(frames, weight) of each sample, the launcher's frames dropped (without_launcher);
    samples with nothing left (the launcher alone) are left out."""
    for frames, weight in profile.samples:
        frames = without_launcher(frames)
        if frames:
            yield frames, weight


def under_function(frames, name):
    """The stack from the outermost Python frame of function ``name`` (``Point.__sub__``, or
    its last part) inwards (what that function spent, callees included), or None when no
    such frame is on it."""
    start = next((i for i, f in enumerate(frames) if f.kind == PY and (
        f.name == name or f.name.endswith("." + name))), None)
    return None if start is None else frames[start:]


def only_under(profile, name):
    """A profile of the samples with a Python frame ``name`` on the stack, each cut to start
    there (its runtime scaled to their share); and that share of the whole profile's weight."""
    samples = [(inside, weight) for inside, weight in
               ((under_function(frames, name), weight) for frames, weight in profile.samples)
               if inside]
    share = sum(w for _, w in samples) / float(profile.total_weight or 1.0)
    seconds = None if profile.runtime_seconds is None else profile.runtime_seconds * share
    return profile.derived(samples, seconds), share


LAUNCHERS = ("runpy", "%sclick%s" % (os.sep, os.sep), "%svmprof%s" % (os.sep, os.sep),
             os.path.join("traces", "record"), "<builtin>/app_main.py")  # PyPy's start


def is_launcher(frame):
    """A frame of what started the program: PyPy's app_main, runpy, click, vmprof's or
    traces.record's main."""
    filename = frame.filename or ""
    return frame.kind == PY and (filename == "<string>"   # traces.record's child starts so
                                 or sampling_stacks.is_boot(filename)   # or so
                                 or any(part in filename for part in LAUNCHERS))


def merged_unnamed(frames):
    """Consecutive unnamed frames of one library (PyPy's runtime calling itself 30 deep) as
    one: they say nothing more than the first of them."""
    kept = []
    for frame in frames:
        if (kept and frame.kind == NATIVE and frame.name.startswith("<")
                and kept[-1].key() == frame.key()):
            continue
        kept.append(frame)
    return kept


def for_people(frames):
    """The stack a person reads: launcher dropped, unnamed runs merged."""
    return merged_unnamed(without_launcher(frames))


def short_path(frame):
    """Project files relative to the project, others by their last two path parts."""
    if not frame.filename:
        return "?"
    if project_file(frame):
        return frame.where
    return os.sep.join(frame.filename.split(os.sep)[-2:])


def display_name(frame):
    """'rates (ev/model/quadcopter.py:115)', 'PyFloat_FromDouble', '<libpypy3.9-c.so>'."""
    if frame.kind == PY:
        return "%s (%s)" % (frame.name, location(short_path(frame), frame.line))
    return frame.label


def seconds_per_weight(profile):
    """Seconds one unit of sample weight stands for: the recorded run time spread over the
    samples (PyPy's samples carry no timestamps), or vmprof's nominal 1 ms period."""
    total = float(profile.total_weight) or 1.0
    if profile.runtime_seconds:
        return profile.runtime_seconds / total
    return 0.001


def library_and_category(frame):
    """Where a frame's code lives and what it is, for an export's ``file`` field."""
    category = categorize(frame)
    if frame.kind == PY:
        return short_path(frame), category
    return frame.library or ("JIT" if frame.kind == "jit" else "?"), category
