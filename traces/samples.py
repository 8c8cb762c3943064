"""Plain data of a profile: named frames and weighted samples, whatever recorded them."""

PY, NATIVE, JIT, UNKNOWN = "py", "native", "jit", "unknown"


class Frame(object):
    __slots__ = ("kind", "name", "filename", "line", "library", "category", "where",
                 "at_line")

    def __init__(self, kind, name, filename=None, line=None, library=None):
        self.kind, self.name, self.filename, self.line, self.library = (
            kind, name, filename, line, library)
        self.category = None   # set by traces.project.Project.place
        self.where = None      # the file relative to its project, for project code
        self.at_line = None    # the line the sample was at (profiles recorded with --lines)

    @property
    def label(self):
        if self.kind == PY:
            return "%s (%s:%s)" % (self.name, self.filename, self.line)
        if self.kind == NATIVE and self.library and self.name.startswith("<"):
            return "<%s>" % self.library
        return self.name

    def key(self):
        return (self.kind, self.name, self.filename, self.line, self.library)


class Profile(object):
    def __init__(self, path, interpreter, samples, runtime_seconds, has_maps):
        self.path = path
        self.interpreter = interpreter        # "cpython" or "pypy"
        self.samples = samples                # [(frames outermost first, weight)]
        self.runtime_seconds = runtime_seconds
        self.has_maps = has_maps
        self.folded_weight = 0.0              # see traces.eval_frames
        self.project = None                   # traces.project.Project: whose code is whose
        self.cut_weight = 0.0                 # samples cut at the recorder's depth limit
        self.cut_samples = 0                  # how many
        self.has_lines = False                # recorded with line numbers
        self.reused = []                      # [[names]] of code addresses several had

    def derived(self, samples, runtime_seconds):
        """A profile of other samples from the same recording."""
        kept = Profile(self.path, self.interpreter, samples, runtime_seconds, self.has_maps)
        for name in ("folded_weight", "project", "cut_weight", "cut_samples", "has_lines",
                     "reused"):
            setattr(kept, name, getattr(self, name))
        return kept

    @property
    def total_weight(self):
        return sum(w for _, w in self.samples)
