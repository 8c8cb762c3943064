"""CPython 3.13+ recorded by Linux ``perf``, written as collapsed stacks (py-spy's format).

``perf`` samples the whole process from the kernel, so it names native frames (the
interpreter's exported functions, numpy's, libc's, the kernel's time folded into the call that
entered it) beside the Python ones.  CPython names its Python frames to perf through a
trampoline per call (``-X perf``, 3.12+); Debian's CPython is built without frame pointers, so
perf's frame-pointer unwinding (``-g``) loses the stack at the first interpreter frame (measured
on 3.14.10: no Python frame above the leaf).  What works is DWARF unwinding with the
trampolines' unwind tables, which 3.13's ``-X perf_jit`` writes as a jitdump:

    perf record -k 1 -F RATE --call-graph dwarf,SIZE -o DATA -- python -X perf_jit prog.py
    perf inject --jit -i DATA -o DATA.jit      # the jitdump's code as small ELF files
    perf script -i DATA.jit -F comm,pid,tid,ip,sym,dso

and this module turns ``perf script``'s text into ``frame;frame;... COUNT`` lines, outermost
first: a Python frame ``py::Qual.name:/file.py`` as ``Qual.name (/file.py)`` (perf has no line
numbers: the reader takes the line the function starts at from the source), a native one
``symbol (/path/lib.so)`` or ``[unknown] (/path/lib.so)`` (a stripped library: Debian's
python3.X binary keeps only its exported symbols).  The first line of the
file says it was perf's (traces.collapsed reads that).  Kernel frames are left out: their
time is the user-space call that entered the kernel.  Native frames outside the outermost
Python frame (the interpreter starting the program: ``_start``, ``Py_RunMain``...) and the
interpreter's unnamed frames (the eval loop running a function's bytecode, or calling the next
function; its static functions, which a stripped binary does not name) are left out too: that
time is the Python function's own, as py-spy counts it, and the interpreter's named C functions
(``_Py_Dealloc``, ``PyFloat_FromDouble``) stay.  A sample without any Python frame keeps its
native stack.
"""
import collections
import glob
import os
import re


HEADER = "# perf collapsed stacks (traces.record; -X perf_jit, DWARF unwinding): no line numbers\n"
KERNEL = ("[kernel.kallsyms]", "[vdso]", "[vsyscall]")
# perf script's frame line: "\t    7f35121a2c97 symbol+0x12 (/path/lib.so)"
FRAME_LINE = re.compile(r"^\s+[0-9a-f]+ (?P<sym>.*?) \((?P<dso>[^()]*)\)\s*$")
PYTHON_PREFIX = "py::"
HEADER_PID = re.compile(r"\s(\d+)/\d+\s")   # also of perf script's task events
FORKED = re.compile(r"PERF_RECORD_FORK\((\d+):")
INTERPRETER = re.compile(r"^(python3|libpython3)")
STACK_BYTES = 32768   # DWARF: the stack copied per sample (perf's default 8 KB holds ~15 calls)


def record_command(perf, data, rate, program):
    """perf record's command line; ``program``: [python, ...] (``-X perf_jit`` is put in)."""
    return [perf, "record", "-q", "--no-buildid-cache", "-k", "1", "-F", str(rate), "--call-graph",
            "dwarf,%d" % STACK_BYTES, "-o", data, "--"] + [program[0], "-X", "perf_jit"] + \
        list(program[1:])


def python_text(symbol):
    """``Qual.name (file)`` from ``py::Qual.name:file`` (traces.collapsed finds the line the
    function starts at in the source)."""
    name, _, filename = symbol[len(PYTHON_PREFIX):].partition(":")
    return "%s (%s)" % (name, filename)


def stacks(script_lines, pids=None):
    """Each sample's frames, leaf first, as (symbol, dso) pairs, from perf script's text;
    the processes seen are added to the set ``pids``."""
    stack = None
    for line in script_lines:
        if not line.strip():
            if stack:
                yield stack
            stack = None
            continue
        if not line.startswith(("\t", " ")):
            if stack:
                yield stack
            stack = []   # a sample's header: comm pid/tid
            if pids is not None:
                for pattern in (HEADER_PID, FORKED):
                    found = pattern.search(line)
                    if found:
                        pids.add(int(found.group(1)))
            continue
        match = FRAME_LINE.match(line)
        if match is not None and stack is not None:
            symbol = re.sub(r"\+0x[0-9a-f]+$", "", match.group("sym"))
            stack.append((symbol, match.group("dso")))
    if stack:
        yield stack


def collapse(stack):
    """The frame names of one sample, outermost first (see the module's docstring)."""
    frames = [(s, d) for s, d in reversed(stack) if d not in KERNEL]
    python = [i for i, (s, _) in enumerate(frames) if s.startswith(PYTHON_PREFIX)]
    if python:   # the start-up outside the program; the interpreter's unnamed C
        frames = [(s, d) for s, d in frames[python[0]:]
                  if not (is_unnamed(s) and INTERPRETER.search(os.path.basename(d)))]
    return [python_text(s) if s.startswith(PYTHON_PREFIX)
            else "%s (%s)" % (s or "[unknown]", d or "[unknown]") for s, d in frames]


def is_unnamed(symbol):
    return not symbol or symbol == "[unknown]"


def write_collapsed(script_lines, out, pids=None):
    """Write collapsed stacks from perf script's lines to the file ``out``; return the
    number of samples (the processes sampled are added to the set ``pids``)."""
    counts = collections.Counter()
    for stack in stacks(script_lines, pids):
        names = collapse(stack)
        if names:
            counts[";".join(n.replace(";", ":") for n in names)] += 1
    out.write(HEADER)
    for text, count in counts.most_common():
        out.write("%s %d\n" % (text, count))
    return sum(counts.values())


def jit_files(pid, folder="/tmp"):
    """The files ``-X perf_jit`` and ``perf inject --jit`` leave for process ``pid``."""
    return (glob.glob(os.path.join(folder, "jit-%d.dump" % pid))
            + glob.glob(os.path.join(folder, "jitted-%d-*.so" % pid))
            + glob.glob(os.path.join(folder, "perf-%d.map" % pid)))
