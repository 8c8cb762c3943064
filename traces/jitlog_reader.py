"""Read PyPy's JIT text log (PYPYLOG=jit-log-opt,jit-backend-counts,jit-summary:FILE).

A small reader API in the spirit of vmprof-python's: ``read_jitlog(path)`` returns a JitLog of
Traces (loops, entry bridges, bridges), each a list of Ops that know the source position
(debug_merge_point) they came from, plus the iteration counts of jit-backend-counts.
"""
import re

from traces.errors import InputError

SECTION_START = re.compile(r"^\[([0-9a-f]+)\] \{([\w-]+)\s*$")
SECTION_END = re.compile(r"^\[([0-9a-f]+)\] ([\w-]+)\}\s*$")
LOOP_HEADER = re.compile(r"^# Loop (\d+) \((.*)\) : (loop|entry bridge) with (\d+) ops")
BRIDGE_HEADER = re.compile(r"^# bridge out of Guard (0x[0-9a-f]+) with (\d+) ops")
OP_LINE = re.compile(r"^(?:\+\d+: )?(?:([a-z]\d+) = )?([a-z_0-9]+)\((.*)\)(?: \[.*\])?\s*$")
MERGE_POINT = re.compile(r"^(\d+), (\d+), '(.*);(.*):(\d+)-(\d+)~#(\d+) (\w+)'")
TARGET_TOKEN = re.compile(r"TargetToken\((\d+)\)")
GUARD_DESCR = re.compile(r"descr=<Guard(0x[0-9a-f]+)>")
LOOP_ADDRESS = re.compile(r"^Loop (-?\d+) \(.*\) has address (0x[0-9a-f]+) to (0x[0-9a-f]+) "
                          r"\(bootstrap (0x[0-9a-f]+)\)")
BRIDGE_ADDRESS = re.compile(r"^bridge out of Guard (0x[0-9a-f]+) has address (0x[0-9a-f]+) to "
                            r"(0x[0-9a-f]+)")
GC_TABLE = re.compile(r"^\s+gc table: (0x[0-9a-f]+)")
CODE_END = re.compile(r"^\s+end: (0x[0-9a-f]+)")
OP_OFFSET = re.compile(r"^\+(\d+): ")
COUNT_LINE = re.compile(r"^(entry|bridge|loop) (\d+):(\d+)\s*$|^TargetToken\((\d+)\):(\d+)\s*$")

TRACE_SECTIONS = ("jit-log-opt-loop", "jit-log-opt-bridge")


class SourcePosition(object):
    """Where an op came from: PyPy's '%s;%s:%d-%d~#%d %s' merge-point string."""
    __slots__ = ("depth", "function", "filename", "firstlineno", "lineno", "offset", "opname")

    def __init__(self, depth, function, filename, firstlineno, lineno, offset, opname):
        self.depth, self.function, self.filename = depth, function, filename
        self.firstlineno, self.lineno, self.offset, self.opname = (
            firstlineno, lineno, offset, opname)

    @classmethod
    def parse(cls, args):
        match = MERGE_POINT.match(args)
        if match is None:
            return None  # e.g. builtin loops: '(unpackiterable [dict_keyiterator])'
        depth, _call_id, function, filename, first, line, offset, opname = match.groups()
        return cls(int(depth), function, filename, int(first), int(line), int(offset), opname)

    @property
    def key(self):
        return (self.filename, self.lineno)


class Op(object):
    __slots__ = ("name", "result", "args", "position", "text", "offset")

    def __init__(self, name, result, args, position, text=None, offset=None):
        self.name, self.result, self.args = name, result, args
        self.position = position
        self.text = text              # the op's line as the log wrote it
        self.offset = offset          # its machine code's offset ('+N:'), when logged


class Trace(object):
    def __init__(self, kind, name, declared_ops, number=None, guard=None):
        self.kind = kind              # "loop", "entry bridge" or "bridge"
        self.name = name              # function;file:line… (loops) or "bridge out of Guard …"
        self.declared_ops = declared_ops
        self.number = number          # loop number (loops, entry bridges)
        self.guard = guard            # guard address (bridges), as in the header
        self.ops = []
        self.target_tokens = []       # labels' TargetToken ids, in order
        self.iterations = None        # from jit-backend-counts, when present
        self.origin = None            # bridges: (trace, guard op) the bridge leaves from
        self.code = None              # traces.jit_addresses.CodeRange: its machine code

    @property
    def body(self):
        """The ops that run once per iteration (a loop's part from its last label on)."""
        if self.kind == "loop":
            labels = [i for i, op in enumerate(self.ops) if op.name == "label"]
            if labels:
                return self.ops[labels[-1]:]
        return self.ops

    @property
    def root(self):
        """The loop (or entry bridge) a bridge ultimately leaves from; itself for loops."""
        trace, seen = self, set()
        while trace.origin is not None and id(trace) not in seen:
            seen.add(id(trace))
            trace = trace.origin[0]
        return trace

    def __repr__(self):
        return "<Trace %s %r, %d ops>" % (self.kind, self.name, len(self.ops))


class JitLog(object):
    def __init__(self, path, traces, counts, summary, has_addresses=False):
        self.path = path
        self.traces = traces
        self.counts = counts
        self.summary = summary
        self.has_addresses = has_addresses   # recorded with jit-backend-addr
        self.stray_code = []                 # CodeRanges of code without a logged trace

    def hottest(self, kinds=("loop",)):
        """The traces of these kinds, most work first: operations executed, with a loop's
        bridges (traces.trace_counts.work_with_bridges), then iterations."""
        from traces.trace_counts import work_with_bridges
        candidates = [t for t in self.traces if t.kind in kinds]
        bridges = [t for t in self.traces if t.kind == "bridge"]
        return sorted(candidates, key=lambda t: (-work_with_bridges(t, bridges),
                                                 -(t.iterations or 0), -len(t.ops)))


def read_jitlog(path):
    """Parse the log at ``path``; raise InputError (one line) if it is not a usable JIT log."""
    try:
        with open(path, "rb") as raw:
            data = raw.read()
    except OSError as error:
        raise InputError(path, error.strerror or str(error))
    if not data.strip():
        raise InputError(path, "empty file")
    if b"\0" in data[:4096]:
        raise InputError(path, "binary file, not a PyPy JIT text log (PYPYLOG)")
    sections = split_sections(path, data.decode("utf-8", "replace").splitlines())
    traces, counts, summary, addresses = [], {}, {}, []
    for name, lines in sections:
        if name in TRACE_SECTIONS:
            traces.append(parse_trace(path, lines))
        elif name == "jit-backend-addr":
            addresses.extend(parse_addresses(lines))
        elif name == "jit-backend-counts":
            counts = parse_counts(lines)
        elif name == "jit-summary":
            summary = parse_summary(lines)
    if not traces and not counts and not summary:
        raise InputError(path, "no jit-log-opt, jit-backend-counts or jit-summary section: "
                               "not a PyPy JIT log (record with PYPYLOG=jit-log-opt,"
                               "jit-backend-counts,jit-summary:FILE)")
    attach_counts(traces, counts)
    attach_origins(traces)
    fill_start_positions(traces)
    stray = attach_addresses(traces, addresses)
    log = JitLog(path, traces, counts, summary, has_addresses=bool(addresses))
    log.stray_code = stray
    return log


WANTED_SECTIONS = TRACE_SECTIONS + ("jit-backend-counts", "jit-summary", "jit-backend-addr")


def split_sections(path, lines):
    """[(section name, its lines)] for the sections this reader reads, at any depth:
    PYPYLOG=jit:FILE nests the optimized traces inside jit-tracing / jit-optimize sections.
    Other sections' lines stay with the section around them."""
    sections, stack = [], []
    for lineno, line in enumerate(lines, 1):
        start = SECTION_START.match(line)
        if start:
            stack.append((start.group(2), lineno, []))
            continue
        end = SECTION_END.match(line)
        if end and stack and stack[-1][0] == end.group(2):
            name, _, body = stack.pop()
            if name in WANTED_SECTIONS:
                sections.append((name, body))
            elif stack:
                stack[-1][2].extend(body)
            continue
        if stack:
            stack[-1][2].append(line)
    if stack:
        name, lineno, _ = stack[-1]
        raise InputError(path, "truncated: section %s opened at line %d is never closed"
                               % (name, lineno))
    return sections


def parse_trace(path, lines):
    header = next((l for l in lines if l.startswith("# ")), None)
    trace = trace_from_header(path, header)
    position = None
    for line in lines:
        match = OP_LINE.match(line)
        if match is None:
            continue
        result, name, args = match.groups()
        if name == "debug_merge_point":
            position = SourcePosition.parse(args) or position
            continue
        if name == "label":
            trace.target_tokens.extend(int(t) for t in TARGET_TOKEN.findall(args))
        offset = OP_OFFSET.match(line)
        trace.ops.append(Op(name, result, args, position, line.strip(),
                            int(offset.group(1)) if offset else None))
    return trace


def trace_from_header(path, header):
    if header is None:
        raise InputError(path, "a JIT trace section without its '# Loop' or '# bridge' header")
    loop = LOOP_HEADER.match(header)
    if loop:
        number, name, kind, ops = loop.groups()
        return Trace(kind, name, int(ops), number=int(number))
    bridge = BRIDGE_HEADER.match(header)
    if bridge:
        guard, ops = bridge.groups()
        return Trace("bridge", "bridge out of Guard %s" % guard, int(ops), guard=guard)
    raise InputError(path, "unrecognised trace header: %r" % header[:80])


def parse_counts(lines):
    """{("entry"|"bridge"|"loop"|"target", number): count} from jit-backend-counts."""
    counts = {}
    for line in lines:
        match = COUNT_LINE.match(line)
        if match is None:
            continue
        kind, number, count, token, token_count = match.groups()
        if kind:
            counts[(kind, int(number))] = int(count)
        else:
            counts[("target", int(token))] = int(token_count)
    return counts


def parse_summary(lines):
    summary = {}
    for line in lines:
        if ":" not in line:
            continue
        key, _, value = line.partition(":")
        fields = value.split()
        if fields:
            try:
                summary[key.strip()] = float(fields[-1]) if "." in fields[-1] else int(fields[-1])
            except ValueError:
                continue
    return summary


def attach_counts(traces, counts):
    for trace in traces:
        if trace.kind == "bridge":
            trace.iterations = counts.get(("bridge", int(trace.guard, 16)))
        elif trace.kind == "entry bridge":
            trace.iterations = counts.get(("entry", trace.number))
        else:
            per_label = [counts[("target", t)] for t in trace.target_tokens
                         if ("target", t) in counts]
            trace.iterations = max(per_label) if per_label else counts.get(("loop", trace.number))


def attach_origins(traces):
    """Point every bridge at the guard it leaves from (the guard's trace and op)."""
    guards = {}
    for trace in traces:
        for op in trace.ops:
            if op.name.startswith("guard_"):
                match = GUARD_DESCR.search(op.args)
                if match:
                    guards[int(match.group(1), 16)] = (trace, op)
    for trace in traces:
        if trace.kind == "bridge":
            trace.origin = guards.get(int(trace.guard, 16))


class CodeRange(object):
    """Where a trace's machine code lies (jit-backend-addr): ``block`` is the start of the
    memory block the backend wrote it into (the 'gc table' of a loop; a bridge's start), which
    is what vmprof records for a sample in it and what the '+N:' op offsets count from;
    ``start``-``end`` its code (a loop's from its loop head), to the end of its failure
    recovery code."""
    __slots__ = ("kind", "key", "start", "end", "block")

    def __init__(self, kind, key, start, end, block):
        self.kind, self.key, self.start, self.end, self.block = kind, key, start, end, block

    def __repr__(self):
        return "<CodeRange %s %s 0x%x-0x%x block 0x%x>" % (
            self.kind, self.key, self.start, self.end, self.block)


def parse_addresses(lines):
    """[CodeRange] of the jit-backend-addr lines: 'Loop 4 (...) has address A to B (bootstrap
    C)' then '       gc table: G' (the block); 'bridge out of Guard 0x.. has address A to B'."""
    ranges = []
    for line in lines:
        loop = LOOP_ADDRESS.match(line)
        if loop:
            number, start, end, bootstrap = loop.groups()
            ranges.append(CodeRange("loop", int(number), int(start, 16), int(end, 16),
                                    int(bootstrap, 16)))
            continue
        table = GC_TABLE.match(line)
        if table and ranges:
            ranges[-1].block = int(table.group(1), 16)
            continue
        end = CODE_END.match(line)
        if end and ranges:
            ranges[-1].end = max(ranges[-1].end, int(end.group(1), 16))
            continue
        bridge = BRIDGE_ADDRESS.match(line)
        if bridge:
            guard, start, end = (int(x, 16) for x in bridge.groups())
            ranges.append(CodeRange("bridge", guard, start, end, start))
    return ranges


def attach_addresses(traces, ranges):
    """Give each trace its CodeRange; return the ranges of code no trace is logged for
    ('Loop -1 ()': the JIT's stand-in for a JIT-to-JIT call whose target is not compiled
    yet, which calls the interpreter)."""
    loops = dict((r.key, r) for r in ranges if r.kind == "loop")
    bridges = dict((r.key, r) for r in ranges if r.kind == "bridge")
    used = set()
    for trace in traces:
        if trace.kind == "bridge":
            trace.code = bridges.get(int(trace.guard, 16))
        else:
            trace.code = loops.get(trace.number)
        if trace.code is not None:
            used.add(id(trace.code))
    return [r for r in ranges if id(r) not in used]


HEADER_POSITION = re.compile(r"^(.*);(.*):(\d+)-(\d+)~#(\d+) (\w+)$")


def header_position(trace):
    """A loop's or entry bridge's starting position, from its name ('f;file:1-5~#12
    FOR_ITER'); None for PyPy's own loops ('unpackiterable [dict_keyiterator]')."""
    match = HEADER_POSITION.match(trace.name or "")
    if match is None:
        return None
    function, filename, first, line, offset, opname = match.groups()
    return SourcePosition(0, function, filename, int(first), int(line), int(offset), opname)


def fill_start_positions(traces):
    """The ops before a trace's first debug_merge_point belong to where the trace starts: a
    loop's or entry bridge's first bytecode (its name says which), a bridge's guard (the
    bridge resumes there).  Give them that position; ops of PyPy's own loops keep none."""
    done, pending = set(), list(traces)
    while pending:
        waiting = []
        for trace in pending:
            if trace.kind == "bridge":
                if trace.origin is not None and id(trace.origin[0]) not in done:
                    waiting.append(trace)
                    continue
                start = trace.origin[1].position if trace.origin else None
            else:
                start = header_position(trace)
            for op in trace.ops:
                if op.position is not None:
                    break
                op.position = start
            done.add(id(trace))
        if len(waiting) == len(pending):
            break
        pending = waiting
