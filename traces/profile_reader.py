"""Read a vmprof profile (from CPython or PyPy) into plain samples of named frames.

vmprof names Python frames ('py:func:line:file') and, on CPython, most native ones
('n:symbol:0:-').  PyPy leaves native frames unnamed; ev.cli.evolve --profile keeps the recording
process's memory map beside the profile (PROFILE.maps), which lets us name the library of any
native address, and recognise machine code the JIT generated (anonymous executable memory).
"""
import bisect
import collections
import os
import struct

from traces.elf_symbols import ElfSymbols
from traces.errors import InputError
from traces.eval_frames import fold_eval_entry_frames
from traces.project import Project
from traces.source_names import qualified_name, whole_filename
from traces.model import JIT, NATIVE, PY, READERS, UNKNOWN, Frame, Profile, Reader, register
from traces.jit_profile import attribution_for
from traces.runtime_names import RuntimeNamer, cpyext_only_traces
from traces.vmprof_file import DEPTH_LIMIT_WORDS, AssemblerCode, JittedCode, Names, read_state

class MemoryMap(object):
    """Address ranges of /proc/PID/maps: which file (if any) an address belongs to."""

    def __init__(self, ranges):
        self.ranges = sorted(ranges)
        self.starts = [r[0] for r in self.ranges]

    @classmethod
    def load(cls, path):
        ranges = []
        with open(path) as maps:
            for line in maps:
                fields = line.split(None, 5)
                if len(fields) < 5 or "-" not in fields[0]:
                    continue
                start, end = (int(x, 16) for x in fields[0].split("-"))
                name = fields[5].strip() if len(fields) > 5 else ""
                ranges.append((start, end, fields[1], int(fields[2], 16), name))
        return cls(ranges)

    def lookup(self, address):
        """(pathname or '', permissions, offset in the file) of the range holding ``address``,
        or None."""
        i = bisect.bisect_right(self.starts, address) - 1
        if i >= 0:
            start, end, perms, offset, name = self.ranges[i]
            if start <= address < end:
                return name, perms, address - start + offset
        return None


def read_profile(path, maps_path=None, project=None):
    """Read a recording of any format traces knows (vmprof; py-spy's collapsed stacks) into
    the profile model (traces.model); raise InputError (one line) when it cannot be used.
    ``project``: whose code is "project code" (default: what traces.record wrote beside the
    profile, else ev's own packages).  ``maps_path``: a vmprof profile's memory map."""
    if not os.path.exists(path):
        raise InputError(path, "no such file")
    if os.path.getsize(path) == 0:
        raise InputError(path, "empty file (no samples: a program that ends before a "
                               "sampler's first sample leaves an empty recording)")
    try:
        with open(path, "rb") as raw:
            head = raw.read(4096)
    except OSError as error:
        raise InputError(path, error.strerror or str(error))
    for reader in READERS.values():
        if reader.sniff(head):
            if isinstance(reader, VmprofReader):
                return reader.read(path, project, maps_path)
            return reader.read(path, project)
    raise InputError(path, "not a recording traces reads (a vmprof profile, or collapsed "
                           "stacks from py-spy record --format raw)")


class VmprofReader(Reader):
    """vmprof's profiles, CPython's (format 7) and PyPy's (format 6)."""
    format = "vmprof"

    def sniff(self, head):
        return len(head) > HEADER_OFFSET and head[HEADER_OFFSET] == MARKER_HEADER

    def read(self, path, project=None, maps_path=None):
        """The samples as they ran (see traces.eval_frames)."""
        return fold_eval_entry_frames(read_raw_profile(path, maps_path, project))


def read_raw_profile(path, maps_path=None, project=None, jit_log=None):
    """The samples as vmprof recorded them; on PyPy, their JIT code as the JIT log recorded
    with them says (``jit_log``, default: the one beside the profile; traces.jit_attribution)."""
    if not os.path.exists(path):
        raise InputError(path, "no such file")
    if os.path.getsize(path) == 0:
        raise InputError(path, "empty file")
    check_format_readable(path)
    try:
        state, stats = read_state(path)
    except Exception as error:  # the reader fails in many ways on bad input
        raise InputError(path, "not a vmprof profile, or cut short before its first sample "
                               "(%s: %s)" % (type(error).__name__,
                                             str(error)[:80] or "no detail"))
    if not stats.profiles:
        raise InputError(path, "a vmprof profile cut short before its first sample" if (
            state.cut_short or not ends_with_trailer(path)) else "a vmprof profile without samples")
    cut_short = state.cut_short or not ends_with_trailer(path)
    maps_path = maps_path or path + ".maps"
    memory = MemoryMap.load(maps_path) if os.path.exists(maps_path) else None
    project = project or Project.for_profile(path)
    names = Names(state.registrations, registered_when_made=state.interp_name == "pypy")
    resolve = FrameResolver(memory, project)
    jit = attribution_for(path, state, jit_log) if state.interp_name == "pypy" else None
    correct = jit.corrector if jit and jit.corrector else None
    name_runtime = RuntimeNamer(cpyext_only_traces(correct.jit_map.log) if correct else None) \
        if state.interp_name == "pypy" else None
    samples, cut, cut_count, sampled, recorder = [], 0.0, 0, collections.Counter(), 0.0
    for index, entry in enumerate(stats.profiles):
        stack, weight = entry[0], float(entry[1]) if entry[1] else 1.0
        lines = [None] * len(stack)
        if state.profile_lines:  # (address, -line of that frame) pairs
            stack, lines = stack[0::2], [abs(n) for n in stack[1::2]]
        if correct:
            stack = correct.correct(stack, weight)
            lines = [None] * len(stack)
        names_of = [(correct and isinstance(address, AssemblerCode)
                     and correct.name_of_block(address)) or name
                    for address, name in zip(stack, named(names, stack, index))]
        frames = without_jit_twins([resolve(address, name, line) for address, name, line
                                    in zip(stack, names_of, lines)], stack)
        if name_runtime:
            frames = name_runtime(frames, weight)
        for address in set(stack):
            sampled[address] += weight
        if any(is_recorder(frame) for frame in frames):
            recorder += weight   # the recorder stopping, after the program: not its time
            continue
        if is_cut(frames, state.words[index]):
            cut, cut_count = cut + weight, cut_count + 1
        samples.append((frames, weight))
    try:
        runtime = stats.get_runtime_in_microseconds() / 1e6
        kept = sum(w for _, w in samples)
        runtime *= kept / (kept + recorder) if kept else 1.0
    except Exception:
        runtime = None
    if correct:
        jit.check_against_source(samples)
    profile = Profile(path, stats.interp or "unknown", samples, runtime, memory is not None)
    profile.project, profile.cut_weight, profile.has_lines = project, cut, state.profile_lines
    profile.cut_samples = cut_count
    profile.sampler, profile.cut_short = "vmprof", cut_short
    profile.jit = jit
    profile.runtime_named = name_runtime.weight if name_runtime else None
    profile.native = state.interp_name == "pypy" or any(
        frame.kind == NATIVE for frames, _ in samples[:2000] for frame in frames)
    profile.reused = sorted(((names.reused[a], w) for a, w in sampled.items()
                             if a in names.undecided), key=lambda found: -found[1])
    return profile


def named(names, stack, index):
    """The names of a sample's addresses, outermost first, each told its Python caller."""
    found, caller = [], None
    for address in stack:
        name = names.get(address, index, caller)
        found.append(name)
        if name and name.startswith("py:"):
            caller = name
    return found


def without_jit_twins(frames, stack):
    """PyPy's stacks give a function running in JIT code twice: its interpreter frame, then a
    'jitted' entry for the same code.  Keep one (the JIT code itself is the frame below)."""
    kept = []
    for frame, address in zip(frames, stack):
        if (isinstance(address, JittedCode) and kept and kept[-1].kind == PY
                and kept[-1].key() == frame.key()):
            continue
        kept.append(frame)
    return kept


RECORDER_FILE = os.path.join("traces", "recording.py")


def is_recorder(frame):
    return frame.kind == PY and (frame.filename or "").endswith(RECORDER_FILE)


ENTRY_FUNCTIONS = ("<module>", "_run_module_as_main", "_bootstrap", "_bootstrap_inner")


def is_cut(frames, words):
    """A stack as long as vmprof keeps, whose outermost frame is not where a program or
    thread starts: its outer frames were dropped by the recorder."""
    return (words >= DEPTH_LIMIT_WORDS and bool(frames)
            and not (frames[0].kind == PY and frames[0].name in ENTRY_FUNCTIONS))


MARKER_TRAILER = 3
MARKER_HEADER = 5
HEADER_OFFSET = 5 * 8  # five machine words of static header come first


def format_version(path):
    """The profile's format version (vmprof 0.6 on CPython 3.11 and PyPy 8.0's _vmprof write 7,
    with a time stamp per sample; PyPy 7.3's _vmprof 6),
    or None when the file does not start like a vmprof profile."""
    with open(path, "rb") as profile:
        head = profile.read(HEADER_OFFSET + 3)
    if len(head) < HEADER_OFFSET + 3 or head[HEADER_OFFSET] != MARKER_HEADER:
        return None
    return struct.unpack("!h", head[HEADER_OFFSET + 1:HEADER_OFFSET + 3])[0]


def newest_readable_version():
    from vmprof import reader
    return max(value for name, value in vars(reader).items()
               if name.startswith("VERSION_") and isinstance(value, int))


def check_format_readable(path):
    """vmprof 0.6 (Python >= 3.10 only) writes format 7; PyPy 3.9's newest vmprof, 0.4.18.1,
    reads up to 6: say so instead of failing deep inside the reader."""
    version = format_version(path)
    if version is not None and version > newest_readable_version():
        raise InputError(path, "profile format %d, newer than this interpreter's vmprof reads "
                               "(up to %d): read it with the CPython venv "
                               "(.venv/cpython/bin/python -m traces.profile)"
                               % (version, newest_readable_version()))
TRAILER_BYTES = 1 + 8 + 8 + 8  # the marker, end time (seconds, microseconds), time zone


def ends_with_trailer(path):
    """vmprof ends a finished profile with its trailer; vmprof's reader accepts a file cut
    inside the trailer (it reads short), so check that the whole trailer is there."""
    with open(path, "rb") as profile:
        profile.seek(0, os.SEEK_END)
        if profile.tell() < TRAILER_BYTES:
            return False
        profile.seek(-TRAILER_BYTES, os.SEEK_END)
        return profile.read(1) == bytes([MARKER_TRAILER])


class FrameResolver(object):
    def __init__(self, memory, project):
        self.memory = memory
        self.project = project
        self.cache = {}
        self.libraries = {}

    def __call__(self, address, name, line=None):
        """The frame of ``address`` named ``name``; ``line``: the line it was at (--lines)."""
        key = (address, name, line)
        frame = self.cache.get(key)
        if frame is None:
            frame = self.cache[key] = self.project.place(self.resolve(address, name))
            frame.at_line = line if frame.kind == PY and line else None   # no "line 0"
        return frame

    def resolve(self, address, name):
        if name and name.startswith("jit:"):    # a loop or bridge the JIT log named
            return Frame(JIT, name[4:])
        if name and name.startswith("py:"):
            _, func, line, filename = (name.split(":", 3) + ["", "", ""])[:4]
            line = int(line) if line.isdigit() and int(line) else None
            filename = whole_filename(filename)
            return Frame(PY, qualified_name(filename, func, line), filename, line)
        symbol = name.split(":")[1] if name and name.startswith("n:") else None
        found = self.memory.lookup(address) if self.memory else None
        if found is not None:
            pathname, perms, file_offset = found
            if pathname and not pathname.startswith("["):
                if not symbol or symbol.startswith("<"):
                    symbol = self.symbol_in_library(pathname, file_offset)
                return Frame(NATIVE, symbol or "<%s>" % os.path.basename(pathname),
                             library=os.path.basename(pathname))
            if "x" in perms:
                return Frame(JIT, "<JIT-compiled code>")
        if symbol and not symbol.startswith("<native symbol"):
            return Frame(NATIVE, symbol)
        return Frame(UNKNOWN, "<unknown native code>")

    def symbol_in_library(self, pathname, file_offset):
        symbols = self.libraries.get(pathname)
        if symbols is None:
            symbols = self.libraries[pathname] = ElfSymbols(pathname)
        vaddr = symbols.vaddr_of_file_offset(file_offset)
        # A return address may point just past a call at a function's very end: look 1 back.
        return None if vaddr is None else symbols.name_at(vaddr - 1)


VMPROF = register(VmprofReader())
import traces.collapsed  # noqa: E402,F401  (registers its reader after vmprof's)
