"""Read collapsed stacks (py-spy's ``record --format raw``) into the profile model.

One line per distinct stack: ``frame;frame;...;frame COUNT``, outermost first.  py-spy names a
frame ``function (file.py:LINE)`` (LINE: where the frame was; the function qualified, as
CPython 3.11's co_qualname or py-spy's own reading of ``self`` gives it), a native one (with
``--native``) ``symbol (source.c:LINE)`` or ``symbol (library)``, an unnamed native one
``0xADDRESS (library)``.  A file cut short (the recorder killed while writing) gives its whole
lines, and says so.
"""
import os
import re

from traces.errors import InputError
from traces import sampling_stacks
from traces.model import GC, NATIVE, PY, UNKNOWN, Frame, Profile, Reader, register
from traces.project import Project, read_meta
from traces.source_names import def_line, first_line, name_from_source

FRAME = re.compile(r"^(?P<name>.*?) \((?P<where>[^()]*)\)$")
AT_LINE = re.compile(r"^(?P<file>.*):(?P<line>\d+)$")
LINE = re.compile(rb"^[^\x00]*\S \d+$")
PARTIAL_LINE = re.compile(rb"^([^\x00\n;]+ \([^\x00\n;]*\);){2,}[^\x00\n]*$")  # frame (where);..
NATIVE_SOURCE = (".c", ".h", ".cc", ".cpp", ".cxx", ".hpp", ".rs", ".pyx", ".S", ".s")
PYTHON_SOURCE = (".py", ".pyw")
PERF, PERF_HEADER = "perf", b"# perf collapsed stacks"   # traces.perf_stacks writes it
STDLIB, STDLIB_HEADER = sampling_stacks.NAME, b"# profiling.sampling collapsed stacks"
UNREAD_SAID = 1.0   # percent of samples a sampler could not read, from which a report says it
MARKS = {sampling_stacks.GC_MARK: GC}  # profiling.sampling's pseudo-frame: the collector running


def parse_frame(text):
    """A Frame from one py-spy frame name (its ``at_line`` set for Python frames)."""
    if text in MARKS:
        return Frame(MARKS[text], text)
    match = FRAME.match(text)
    if not match:
        return Frame(UNKNOWN, text)
    name, where = match.group("name"), match.group("where")
    if where.endswith(PYTHON_SOURCE) or (where.startswith("<") and where.endswith(">")):
        return Frame(PY, name, where, def_line(where, name))   # perf's: no line numbers
    at = AT_LINE.match(where)
    if at and (at.group("file").endswith(PYTHON_SOURCE) or at.group("file").startswith("<")):
        filename, at_line = at.group("file"), int(at.group("line"))
        frame = Frame(PY, name, filename, first_line(filename, name, at_line))
        frame.at_line = at_line
        return frame
    if at and at.group("file").endswith(NATIVE_SOURCE):
        return Frame(NATIVE, name, filename=at.group("file"))
    library = os.path.basename(where)
    if name.startswith("0x") or name == "[unknown]":
        return Frame(NATIVE, "<%s>" % library, library=library)
    return Frame(NATIVE, name, library=library)


def without_process_start(frames):
    """py-spy's stacks start in the C start-up code (``0x... (libc.so.6)``): drop the unnamed
    native frames before the first named one."""
    start = 0
    while start < len(frames) - 1 and frames[start].kind == NATIVE \
            and frames[start].name.startswith("<"):
        start += 1
    return frames[start:]


def is_recorder_start(frames):
    """A sample of traces.record's child outside the program: importing itself, runpy
    finding and compiling the program (it imports pkgutil, and that typing), writing the
    exit status: the recorder's time, not the program's.  The program runs inside runpy's
    ``_run_code`` (a script and -m alike)."""
    boot = next((i for i, f in enumerate(frames) if f.kind == PY and (
        f.filename == "<string>" or sampling_stacks.is_boot(f.filename))), None)
    if boot is None:
        return False
    # (profiling.sampling runs the start-up script itself through runpy: its runner is above)
    runner = next((i for i, f in enumerate(frames)
                   if i > boot and f.kind == PY and f.name in PROGRAM_RUNNERS), None)
    # runpy itself innermost (the program's code not yet running, or done) counts too
    return runner is None or not any(f.kind == PY for f in frames[runner + 1:])


PROGRAM_RUNNERS = ("_run_code",)
ATTACH_FILE = os.path.join("traces", "attach.py")


def is_attach_wait(frames):
    """A sample of the process waiting for the sampler it attached to start or stop
    (traces.attach): the recorder's time, not the program's."""
    return any(f.kind == PY and (f.filename or "").endswith(ATTACH_FILE) for f in frames)


class CollapsedReader(Reader):
    format = "collapsed stacks"
    sampler = "py-spy"

    def sniff(self, head):
        """A whole line among the first ones is ``frame (where);... COUNT`` (py-spy may
        begin with a stack it could not read: `` COUNT`` alone)."""
        lines = head.split(b"\n")[:-1]
        if not lines:   # a first stack longer than the head (deep native stacks): its start
            return bool(PARTIAL_LINE.match(head) or (LINE.match(head) and b" (" in head))
        return any(LINE.match(line) and b" (" in line for line in lines[:20])

    def stack_and_weight(self, line):
        """(frame names, weight) of one line, or None when it is not one."""
        stack, _, count = line.rpartition(b" ")
        if not count.isdigit() or not stack:
            return None
        return stack.decode("utf-8", "replace").split(";"), float(count)

    parse_frame = staticmethod(parse_frame)

    def read(self, path, project=None):
        meta = read_meta(path) or {}
        project = project or Project.for_profile(path)
        try:
            with open(path, "rb") as raw:
                data = raw.read()
        except OSError as error:
            raise InputError(path, error.strerror or str(error))
        lines = data.split(b"\n")
        cut_short = not data.endswith(b"\n")
        if cut_short:
            lines = lines[:-1]       # the last line is not whole
        sampler = (PERF if data.startswith(PERF_HEADER) else
                   STDLIB if data.startswith(STDLIB_HEADER) else self.sampler)
        unread = next((float(m.group(1)) for m in map(sampling_stacks.UNREAD_LINE.match,
                                                       lines[:3]) if m), None)
        cache, samples, count, empty = {}, [], 0, 0
        recorded_here = meta.get("recorded_by") == "traces.record"
        for number, line in enumerate(lines, 1):
            if not line or line.startswith(b"#"):
                continue
            if line.startswith(b" ") and line.strip().isdigit():
                empty += int(line.strip())   # py-spy saw no frame (the interpreter starting)
                continue
            parsed = self.stack_and_weight(line)
            if parsed is None:
                raise InputError(path, "line %d is not 'frame;frame;... COUNT' (not %s, or "
                                       "damaged)" % (number, self.format))
            frames = [self.frame_of(text, cache, project) for text in parsed[0]]
            if (recorded_here and is_recorder_start(frames)) or is_attach_wait(frames):
                continue
            samples.append((without_process_start(frames), parsed[1]))
            count += 1 if sampler == "austin" else int(parsed[1])
        if not samples:
            raise InputError(path, "collapsed stacks without samples%s" % (
                " (cut short)" if cut_short else ""))
        profile = Profile(path, meta.get("interpreter", "cpython").lower(), samples,
                          meta.get("seconds"), sampler=sampler, cut_short=cut_short,
                          has_lines=sampler != PERF, native=bool(meta.get("native", True)),
                          sample_count=count)
        profile.project = project
        if empty > 0.01 * (count + empty):
            profile.notes.append("%d samples (%.1f%%) had no frame at all (py-spy could not "
                                 "read a stack): left out" % (empty, 100.0 * empty
                                                             / (count + empty)))
        if unread and unread >= UNREAD_SAID:
            profile.notes.append("%s could not read %.1f%% of the samples it took (left out: "
                                 "the shares are of the samples it read)" % (sampler, unread))
        if profile.runtime_seconds is None and meta.get("rate"):
            profile.runtime_seconds = count / float(meta["rate"])
        return profile

    def frame_of(self, text, cache, project):
        """The placed Frame of one frame name (one object per distinct name and line)."""
        frame = cache.get(text)
        if frame is None:
            frame = cache[text] = project.place(self.parse_frame(text))
        return frame


class AustinReader(CollapsedReader):
    """austin's text output: ``# austin: 3.7.0`` and other ``#`` lines, then one line per
    sample, ``P<pid>;T<interpreter>:<thread>;file:function:line;... MICROSECONDS`` (wall
    time since the thread's previous sample).  Python frames only."""
    format = "austin samples"
    sampler = "austin"

    def sniff(self, head):
        return head.startswith(b"# austin:")

    def stack_and_weight(self, line):
        parsed = CollapsedReader.stack_and_weight(self, line)
        if parsed is None:
            return None
        names = [n for n in parsed[0] if not AUSTIN_PROCESS.match(n)]
        return names, parsed[1] / 1e6

    @staticmethod
    def parse_frame(text):
        """A frame of ``file:function:line``.  austin 3.7 on CPython 3.11 names some frames
        by another code object's name (a helper running a C call, ``norm`` calling
        math.sqrt, shows as ``<module>``): where the source puts the line inside the body
        of a function of another name, the frame takes the source's name."""
        filename, _, rest = text.rpartition(":")
        filename, _, name = filename.rpartition(":")
        if not rest.isdigit() or not filename:
            return Frame(UNKNOWN, text)
        at_line = int(rest)
        name = name_from_source(filename, name, at_line)
        frame = Frame(PY, name, filename, first_line(filename, name, at_line))
        frame.at_line = at_line
        return frame


AUSTIN_PROCESS = re.compile(r"^(P\d+|T\d+(:\d+)?)$")
COLLAPSED = register(CollapsedReader())
AUSTIN = register(AustinReader())
