"""vmprof's own file reader, kept in step with the file: what ``vmprof.read_profile`` loses.

``vmprof.read_profile`` turns the code registrations into one dict, so an address that two
functions had one after the other (a code object freed and another made at its address) keeps
only one name, chosen by sorting; it also leaves the line entries of a ``--lines`` profile in the
stacks, and does not say which stacks hit the recorder's depth limit.  This reader keeps the
registrations in file order, with the number of samples read before each, and each stack's
recorded length.
"""
import collections

from vmprof import reader as vmprof_reader
from vmprof.reader import AssemblerCode, JittedCode  # noqa: F401  (PyPy's stacks: JIT code)

# vmprof keeps a sample in one 8 KiB buffer: at most ~1,017 words of stack (1,016 with --lines,
# 509 two-word frames on PyPy), measured with 2,500-deep recursion on both interpreters.
DEPTH_LIMIT_WORDS = 1010
UNNAMED = "n:<native symbol"


class OrderedReader(vmprof_reader.LogReader):
    def add_virtual_ip(self, marker, unique_id, name):
        self.state.registrations.append((unique_id, name, len(self.state.profiles)))
        vmprof_reader.LogReader.add_virtual_ip(self, marker, unique_id, name)

    def add_trace(self, trace, trace_count, thread_id, mem_in_kb):
        words = len(trace) * (2 if self.state.profile_rpython else 1)
        self.state.words.append(words)
        vmprof_reader.LogReader.add_trace(self, trace, trace_count, thread_id, mem_in_kb)


def read_state(path):
    """vmprof's reader state, plus ``registrations`` [(address, name, samples before)] in file
    order, ``words`` (each sample's recorded stack length) and ``cut_short`` (the file ends
    before vmprof's trailer: its whole samples are read)."""
    from vmprof.stats import Stats
    state = vmprof_reader.LogReaderState()
    state.registrations, state.words = [], []
    state.cut_short = False
    with open(path, "rb") as raw:
        try:
            OrderedReader(vmprof_reader.gunzip(raw), state).read_all()
        except Exception:   # cut inside a record: the whole samples before it are kept
            if not state.profiles:
                raise
            state.cut_short = True
    state.cut_short = state.cut_short or state.end_time is None
    if state.cut_short and state.registrations:
        state.registrations.pop()   # its name may be cut (vmprof's reader reads short)
    stats = Stats(state.profiles, dict(state.virtual_ips), {}, interp=state.interp_name,
                  start_time=state.start_time, end_time=state.end_time, meta=state.meta,
                  state=state)
    return state, stats


class Names(object):
    """The name of a code address at a given sample.

    PyPy's vmprof registers a code object when it is made: a sample is named by the function
    registered at its address most recently before it.  CPython's registers one when it is
    freed (and the live ones at the end): a sample is named by the first function registered
    at its address after it.  The file holds samples in buffers, so "after" is known only to
    the buffer; when several functions were registered at the address in the buffer that
    decides, the name gives all of them and says so."""

    def __init__(self, registrations, registered_when_made):
        self.when_made = registered_when_made
        self.undecided = set()   # addresses some sample could not be named at
        self.by_address = collections.defaultdict(list)
        for address, name, before in registrations:
            entries = self.by_address[address]
            if not entries or entries[-1][1] != name:
                entries.append((before, name))
        for address, entries in self.by_address.items():
            # vmprof's reader appends a placeholder for every sampled address it cannot name
            named = [e for e in entries if not e[1].startswith(UNNAMED)]
            if named:
                entries[:] = named
        self.reused = dict((address, [name for _, name in entries])
                           for address, entries in self.by_address.items()
                           if len(set(name for _, name in entries)) > 1)

    def get(self, address, sample_index=None, caller=None):
        """The name of ``address`` in sample ``sample_index``; ``caller``: the name of the
        innermost Python frame outside it in that sample, which rules out code that could not
        have run there (see ``plausible``)."""
        entries = self.by_address.get(address)
        if not entries:
            return None
        if address not in self.reused:
            return entries[-1][1]
        if self.when_made:
            earlier = [name for before, name in entries if before <= sample_index]
            candidates = earlier[-1:] or self.reused[address]
        else:
            later = [(before, name) for before, name in entries if before > sample_index]
            candidates = ([name for before, name in later if before == later[0][0]] if later
                          else self.reused[address])
        if len(set(candidates)) > 1:
            candidates = [c for c in candidates if plausible(c, caller)] or candidates
        if len(set(candidates)) == 1:
            return candidates[0]
        self.undecided.add(address)
        return ambiguous(candidates)


MODULE_RUNNERS = ("_call_with_frames_removed", "_run_code")   # importlib's, runpy's
IMPORTERS = ("<frozen importlib._bootstrap", "<frozen runpy>", "importlib/", "runpy.py")


def plausible(name, caller):
    """Whether the code named ``name`` ('py:func:line:file') can have been called by the frame
    named ``caller``: a module body only by the import machinery, runpy or exec (no Python
    caller); a class body only by code of its own file (the ``class`` statement).  Functions,
    by anything.  This tells a helper from the class body of a library module freed at
    import whose code address the helper got."""
    parts = name.split(":", 3)
    if len(parts) != 4 or parts[0] != "py" or caller is None:
        return True
    _, func, line, filename = parts
    called_from = caller.split(":", 3)
    caller_file = called_from[3] if len(called_from) == 4 else ""
    if len(called_from) == 4 and called_from[1] in MODULE_RUNNERS:
        # they exec a module's code (importlib's also calls its own _gcd_import)
        return func == "<module>" or filename.startswith(IMPORTERS)
        return caller_file.startswith(IMPORTERS) or caller_file.endswith(IMPORTERS)
    if line.isdigit() and is_class_body(filename, func, int(line)):
        return caller_file == filename
    return True


def is_class_body(filename, name, line):
    from traces.source_names import functions_of
    functions = functions_of(filename)
    return functions is not None and functions.is_class(line, name)


def ambiguous(names):
    """One 'py:...' name standing for the functions that shared an address, in the order they
    were registered; the file, line and category are the last one's."""
    parts = [name.split(":", 3) for name in names]
    functions = list(collections.OrderedDict.fromkeys(p[1] for p in parts if len(p) == 4))
    if len(functions) > 3:
        shown = "%s, %s, ... %s" % (functions[0], functions[1], functions[-1])
    else:
        shown = " or ".join(functions)
    last = parts[-1]
    if len(last) != 4 or last[0] != "py":
        return names[-1]
    return "py:%s [%d functions shared this code address]:%s:%s" % (
        shown, len(functions), last[2], last[3])
