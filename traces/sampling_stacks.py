"""CPython 3.15+ recorded by the standard library's own sampler, ``profiling.sampling``, written
as collapsed stacks (py-spy's format).

``profiling.sampling`` reads the program's stacks from outside the process, as py-spy does
(the interpreter exposes them for it: PEP 768's remote debugging), so it cannot crash the
program; it names Python frames by qualified name with their line and marks the garbage
collector running (``<GC>``).  It names no C function: its ``--native`` marks (``<native>``)
only where C code called Python again, never a sample's time in C, which counts as the Python
function that called it (as py-spy's without ``--native``).  It ships with the interpreter:
nothing to install.

Its own collapsed output names files by their base name only (``pickle.py``), which loses
where a function lives (the program's own code, a package, the standard library), so it
records in its binary format, and this module turns that into ``frame;frame;... COUNT`` lines,
outermost first, a Python frame as ``Qual.name (/full/path.py:LINE)`` as py-spy writes it, the
collector as ``<GC>``.  The file's first line says which sampler wrote
it (traces.collapsed reads that).  The conversion runs in the recording interpreter itself
(traces.record runs under it), through the module's own reader of its binary format.

It runs a script, not ``-c`` code: traces.record hands it a small start-up script
(``BOOT_SCRIPT``) that starts the recorded program as the other samplers' ``-c`` code does.
"""
import os
import re

NAME = "profiling.sampling"
HEADER = "# profiling.sampling collapsed stacks (traces.record; CPython %s)\n"
UNREAD = "# unread samples: %.2f%%\n"   # the share it tried to take and could not read
UNREAD_LINE = re.compile(rb"^# unread samples: ([0-9.]+)%$")
BOOT_SCRIPT = "traces_record_boot.py"   # traces.collapsed and traces.processors know it
GC_MARK = "<GC>"
SYNTHETIC_FILE = "~"   # the file name profiling.sampling gives a marker frame


def record_command(python, data, rate, program):
    """profiling.sampling's command line; ``program``: [python, script, args...].
    ``--blocking``: the program is stopped while a sample is read, as py-spy does by default.
    Without it the sampler reads a moving stack and drops the samples it cannot read, mostly
    inside small functions, so that their callers gain (measured in docs/own-program.md)."""
    return [python, "-m", NAME, "run", "--binary", "--blocking", "-o", data, "-r",
            str(rate)] + list(program[1:])


def write_boot(folder, boot_code):
    """The start-up script in ``folder``: ``boot_code`` (the other samplers' ``-c`` code)."""
    path = os.path.join(folder, BOOT_SCRIPT)
    with open(path, "w") as out:
        out.write(boot_code + "\n")
    return path


def frame_text(filename, line, name):
    """One frame as traces.collapsed reads it."""
    if filename == SYNTHETIC_FILE or not filename:
        return name
    return "%s (%s:%d)" % (name, filename, line) if line else "%s (%s)" % (name, filename)


def is_shim(filename, line, name):
    """A frame the interpreter pushes to run ``__init__`` after ``Cls()`` (no source: its file
    is its name, ``__init__ (__init__)``): the call's own, not a function of the program."""
    return not line and filename == name


def line_of(location):
    """The line of a frame's location (a number, or a tuple whose first item is it)."""
    if isinstance(location, tuple):
        location = location[0] if location else 0
    return location if isinstance(location, int) and location > 0 else 0


def write_collapsed(data, out_path, version):
    """``data`` (profiling.sampling's binary recording) as collapsed stacks in ``out_path``.
    Returns (samples written, the share of samples it tried and could not read, in percent:
    its ``error_rate``; None when it does not say)."""
    from profiling.sampling.binary_reader import BinaryReader
    from profiling.sampling.stack_collector import StackTraceCollector

    class Collapse(StackTraceCollector):
        def __init__(self, interval):
            super().__init__(interval)
            self.counts = {}

        def process_frames(self, frames, thread_id, weight=1):
            # frames: (filename, location, funcname, opcode), innermost first
            stack = ";".join(frame_text(f[0], line_of(f[1]), f[2]) for f in reversed(frames)
                             if not is_shim(f[0], line_of(f[1]), f[2]))
            self.counts[stack] = self.counts.get(stack, 0) + weight

        def export(self, filename):   # the base class asks for it; written below instead
            raise NotImplementedError

    with BinaryReader(data) as reader:
        info = reader.get_info()
        collector = Collapse(info.get("sample_interval_us") or 1000)
        reader.replay_samples(collector)
    with open(out_path, "w") as out:
        out.write(HEADER % version)
        if info.get("error_rate"):
            out.write(UNREAD % info["error_rate"])
        for stack, count in collector.counts.items():
            out.write("%s %d\n" % (stack, count))
    return sum(collector.counts.values()), info.get("error_rate")


def is_boot(filename):
    """The start-up script's frame (traces.record's, like the other samplers' ``-c`` code)."""
    return os.path.basename(filename or "") == BOOT_SCRIPT
