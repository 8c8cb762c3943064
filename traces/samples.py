"""Plain data of a profile: named frames and weighted samples, whatever recorded them."""

PY, NATIVE, JIT, UNKNOWN = "py", "native", "jit", "unknown"


class Frame(object):
    __slots__ = ("kind", "name", "filename", "line", "library")

    def __init__(self, kind, name, filename=None, line=None, library=None):
        self.kind, self.name, self.filename, self.line, self.library = (
            kind, name, filename, line, library)

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

    @property
    def total_weight(self):
        return sum(w for _, w in self.samples)
