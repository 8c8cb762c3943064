"""The one profile model every capture format is read into, and the interface of its readers.

A recording, whatever made it (vmprof in the program, py-spy or ``perf`` outside it, CPython's
``profiling.sampling``), is read into a ``Profile``: weighted samples of stacks, outermost frame
first, whose ``Frame``s say what they are.  Everything after the reader -- categories, --under,
--lines, the exports, ev's summary of a matrix folder, PyPy's per-function attribution -- works on this model
only, never on a capture format (pyinstrument's capture -> session -> processors -> renderers).

Stable API: fields and functions are only ever added, never renamed or removed.
"""
import collections
from dataclasses import dataclass, field
from typing import List, NamedTuple, Optional

# What a frame is (Frame.kind).
PY = "py"            # a Python function: name (qualified where known), filename, line
NATIVE = "native"    # a native (C) function: name (symbol, or "<library>" unnamed), library
JIT = "jit"          # machine code a JIT made (PyPy's loops and bridges)
GC = "gc"            # the garbage collector running (a sampler that marks it: <GC>)
MARKER = "marker"    # a sampler's own marker, not code (profiling.sampling's <native> ...)
UNKNOWN = "unknown"  # a native address nothing could name

KINDS = (PY, NATIVE, JIT, GC, MARKER, UNKNOWN)


@dataclass(eq=False)
class Frame:
    """One frame of a sampled stack.

    ``name``: a Python function's qualified name (``Point.__sub__``; co_qualname on CPython 3.11+,
    from the source otherwise), a native symbol, or ``<...>`` when unnamed.  ``line``: the line
    the Python function starts at (its ``def``), None when not known -- never 0.  ``library``:
    the shared object a native frame is in (``libpython3.11.so.1.0``).  The readers fill
    ``at_line`` (the line the sample was at, when the recording has it); a profile's project
    fills ``category`` and ``where`` (see traces.project.Project.place).  Frames are compared
    by ``key()``, so that one function is one function whichever sample it came from."""
    kind: str
    name: str
    filename: Optional[str] = None
    line: Optional[int] = None
    library: Optional[str] = None
    category: Optional[str] = None   # set by traces.project.Project.place
    where: Optional[str] = None      # the file relative to its project, for project code
    at_line: Optional[int] = None    # the line the sample was at (when the recording has it)

    @property
    def label(self):
        """The frame named for a person, without its project-relative path."""
        if self.kind == PY:
            return "%s (%s)" % (self.name, location(self.filename, self.line))
        if self.kind == NATIVE and self.library and self.name.startswith("<"):
            return "<%s>" % self.library
        return self.name

    def key(self):
        """Identity of the function (not of the line a sample was at)."""
        return (self.kind, self.name, self.filename, self.line, self.library)


def location(filename, line):
    """'file.py:12', or 'file.py' when the line is not known."""
    return "%s:%s" % (filename, line) if line else "%s" % filename


class Sample(NamedTuple):
    """One sample: its frames, outermost first, and its weight (samples, or a time)."""
    frames: List[Frame]
    weight: float


@dataclass(eq=False)
class Profile:
    """A recording read into the model.

    ``samples``: [Sample]; ``times``: each sample's time in seconds from the start, when the
    format has it (else None).  ``sampler``: what recorded it ("vmprof", "py-spy", "perf",
    "profiling.sampling").  ``cut_short``: the recording stopped before it was finished (its
    whole samples are read, and the reports say so).  ``notes``: what this recording cannot
    see, one sentence each (native frames, a cut stack, ...), said by every report."""
    path: str
    interpreter: str                  # "cpython" or "pypy"
    samples: list                     # [Sample] (or (frames, weight) pairs)
    runtime_seconds: Optional[float]
    has_maps: bool = False            # a memory map named the native addresses' libraries
    folded_weight: float = 0.0        # see traces.eval_frames
    project: object = None            # traces.project.Project: whose code is whose
    cut_weight: float = 0.0           # samples cut at the recorder's depth limit
    cut_samples: int = 0              # how many
    has_lines: bool = False           # the frames carry at_line
    reused: list = field(default_factory=list)   # [([names], weight)] of shared code addresses
    sampler: str = "vmprof"
    cut_short: bool = False
    runtime_named: Optional[float] = None   # PyPy: unnamed libpypy samples named by their
                                            # callers (traces.runtime_names)
    notes: list = field(default_factory=list)
    times: Optional[list] = None
    native: bool = True               # native frames were recorded
    jit: object = None                # PyPy: traces.jit_attribution.Attribution
    sample_count: Optional[int] = None   # samples taken, when weights are not one per sample

    COPIED = ("has_maps", "folded_weight", "project", "cut_weight", "cut_samples",
              "has_lines", "reused", "sampler", "cut_short", "notes", "native", "jit")

    @property
    def samples_taken(self):
        """How many samples the recording took (a collapsed line can stand for several)."""
        return self.sample_count if self.sample_count is not None else len(self.samples)

    def derived(self, samples, runtime_seconds):
        """A profile of other samples from the same recording (timestamps are dropped)."""
        kept = Profile(self.path, self.interpreter, samples, runtime_seconds)
        for name in self.COPIED:
            setattr(kept, name, getattr(self, name))
        if self.sample_count is not None:   # in proportion to the weight kept
            kept.sample_count = int(round(self.sample_count * kept.total_weight
                                          / (self.total_weight or 1.0)))
        return kept

    @property
    def total_weight(self):
        return sum(w for _, w in self.samples)


class Reader:
    """The interface of a capture format's reader.  A reader is registered with ``register``;
    traces.profile_reader.read_profile asks each, in order, whether a file is its format
    (``sniff``: from the file's first bytes) and reads it with the first that says yes.

    ``read(path, project)`` returns a Profile whose frames are placed by ``project`` (a
    traces.project.Project, whose code is "project code"), or raises
    traces.errors.InputError (one line) for a file it cannot use.  A cut-short file gives its
    whole samples with ``cut_short`` set, not an error."""
    format = "?"           # the format's name, as the reports say it

    def sniff(self, head):
        """True when ``head`` (the file's first 4,096 bytes) starts like this format."""
        raise NotImplementedError

    def read(self, path, project):
        raise NotImplementedError


READERS = collections.OrderedDict()


def register(reader):
    """Add a reader (an instance of a Reader subclass); the last registered for a format wins."""
    READERS[reader.format] = reader
    return reader
