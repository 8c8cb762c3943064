"""PyPy: which functions a sample in JIT code was running, read through the JIT log.

vmprof on PyPy records, for a sample whose stack passes through machine code the JIT made, the
start of that code's memory block (``AssemblerCode``) and, before it, the code ids of the
functions the JIT's codemap lists at the address (``JittedCode``, outermost first: the trace's
function, then those inlined into it).  The JIT log recorded with ``jit-backend-addr`` says
which loop or bridge each block holds, and its ``debug_merge_point``s say which functions can
be running where (their depth is the inlining depth).  This module checks each sample's chain
against the log and corrects it where the log says what ran:

* the innermost block of a stack is where the sample stopped: its chain is the codemap's at
  the exact instruction, and is kept when the trace has such a chain;
* an outer block is a *return address*: a JIT-to-JIT call (``call_assembler``) or a residual
  call out of it.  There the codemap is read just past the call instruction, which is often
  in the code of the next function the trace inlined: a caller that calls ``b`` shows ``a``
  (the function inlined after the call) above ``b``, a call the program never makes.  The
  chain is replaced by the chain of the call that can have made the next frame (the
  ``call_assembler`` whose target is the next block's loop, or a residual call), when the log
  says which; when several calls could have, by what they share (uncertain).

A block the log does not know (recorded without ``jit-backend-addr``, another run's log, code
freed and reused) is counted as unmapped and its sample keeps the chain vmprof recorded.
"""
import collections
import re

from vmprof.reader import AssemblerCode, JittedCode

from traces.jit_stacks import code_ids, common_prefix, split_segments  # noqa: F401
from traces.source_calls import called_on_line, mentions
from traces.trace_names import trace_label

CALL_TARGET = re.compile(r"descr=<Loop(-?\d+)>")
UNCOMPILED = -1   # descr=<Loop-1>: a call whose target is not compiled yet (a trampoline)
TRAMPOLINE = ("<JIT call into the interpreter: a JIT-to-JIT call whose target is not compiled "
              "yet>")
RESIDUAL_CALLS = ("call_may_force_", "call_r", "call_i", "call_n", "call_f",
                  "call_release_gil_", "cond_call")


def function_of(position):
    """A function as the log names it: (name, file, first line)."""
    return (position.function, position.filename, position.firstlineno)


def op_chains(trace, start=()):
    """For each op of ``trace``, the functions running there, outermost first, from its
    debug_merge_points (depth = position in the chain); ``start``: the chain the trace begins
    in (a bridge's: its guard's)."""
    chain, chains = tuple(start), []
    for op in trace.ops:
        position = op.position
        if position is not None and (not chain or chain[min(position.depth, len(chain) - 1)]
                                     is not None):
            chain = chain[:position.depth] + (function_of(position),)
        chains.append(chain)
    return chains


class TraceMap(object):
    """What the log says about one loop or bridge: the chains its ops run in and its calls."""

    def __init__(self, trace, chains):
        self.trace = trace
        self.chains = set()
        for chain in chains:
            for n in range(1, len(chain) + 1):
                self.chains.add(chain[:n])
        self.assembler_calls = collections.defaultdict(set)   # loop number: {chain}
        self.residual_calls = set()
        self.forcing_calls = set()      # calls that may run Python code
        # calls into code not compiled yet: {the function the call is in: {its lines}}, and
        # the calls the trace inlined, by (function, line): what called_through_trampoline
        # needs to name the callee
        self.uncompiled_sites = collections.defaultdict(set)
        at, inlined = None, collections.defaultdict(set)   # (function, line): {callee name}
        for op, chain in zip(trace.ops, chains):
            if op.position is not None:
                if at is not None and at.opname.startswith("CALL") and \
                        op.position.depth == at.depth + 1:
                    inlined[(function_of(at), at.lineno)].add(op.position.function)
                at = op.position
            if op.name.startswith("call_assembler"):
                target = CALL_TARGET.search(op.args)
                if target:
                    self.assembler_calls[int(target.group(1))].add(chain)
                if target and int(target.group(1)) == UNCOMPILED and at is not None:
                    self.uncompiled_sites[function_of(at)].add(at.lineno)
            elif op.name.startswith(RESIDUAL_CALLS):
                self.residual_calls.add(chain)
                if op.name.startswith("call_may_force"):
                    self.forcing_calls.add(chain)
        self.inlined_at = inlined
        self.root = next((c[0] for c in chains if c), None)


class JitMap(object):
    """The JIT log's loops and bridges by the block address vmprof records for them."""

    def __init__(self, log):
        self.log = log
        self.by_block = {}
        self.maps = {}
        chains_of = {}
        for trace in ordered_for_chains(log.traces):
            start = ()
            if trace.kind == "bridge" and trace.origin is not None:
                parent, guard = trace.origin
                parent_chains = chains_of.get(id(parent))
                if parent_chains is not None:
                    start = parent_chains[parent.ops.index(guard)]
            chains = chains_of[id(trace)] = op_chains(trace, start)
            self.maps[id(trace)] = TraceMap(trace, chains)
            if trace.code is not None:
                self.by_block[trace.code.block] = trace
        self.loops = dict((t.number, t) for t in log.traces if t.kind != "bridge")
        self.callers_of = collections.defaultdict(set)   # loop number: {chain calling it}
        for tmap in self.maps.values():
            for number, chains in tmap.assembler_calls.items():
                self.callers_of[number] |= chains
        self.stray = dict((r.block, r) for r in getattr(log, "stray_code", []))

        self.chains = chains_of

    def trace_at(self, block):
        return self.by_block.get(block)

    def chains_of(self, trace):
        """The chain of functions each op of ``trace`` runs in (see op_chains)."""
        return self.chains[id(trace)]

    def map_of(self, trace):
        return self.maps[id(trace)]


def ordered_for_chains(traces):
    """Loops first, then bridges after the trace they leave (a bridge's start chain is its
    guard's)."""
    done, ordered, pending = set(), [], list(traces)
    while pending:
        waiting = []
        for trace in pending:
            parent = trace.origin[0] if trace.kind == "bridge" and trace.origin else None
            if parent is None or id(parent) in done:
                ordered.append(trace)
                done.add(id(trace))
            else:
                waiting.append(trace)
        if len(waiting) == len(pending):   # a cycle or a parent not in the log
            ordered.extend(waiting)
            break
        pending = waiting
    return ordered


class Counts(object):
    """How many samples (and their weight) the correction saw, mapped, changed, left unsure."""
    FIELDS = ("samples", "in_jit", "unmapped", "changed", "uncertain", "put_back")

    def __init__(self):
        self.samples = collections.Counter()
        self.weight = collections.Counter()

    def add(self, what, weight):
        self.samples[what] += 1
        self.weight[what] += weight

    def to_json(self):
        return dict((f, {"samples": self.samples[f], "weight": self.weight[f]})
                    for f in self.FIELDS)


class StackCorrector(object):
    """Rewrites vmprof's raw PyPy stacks (addresses, outermost first) so that their JIT
    chains are what the log says could run, and names each JIT block by its trace."""

    def __init__(self, jit_map, registrations):
        self.jit_map = jit_map
        self.ids = code_ids(registrations)
        self.ids.align(set(f for chains in jit_map.chains.values() for chain in chains
                           for f in chain))
        self.counts = Counts()
        self.trampoline_callees = {}   # (caller's block, caller's code id): callee's or None

    def name_of_block(self, block):
        """'jit:' + the trace's name, for a block address; None when the log lacks it."""
        trace = self.jit_map.trace_at(block)
        if trace is None:
            return "jit:" + TRAMPOLINE if block in self.jit_map.stray else None
        return "jit:" + trace_label(trace)

    def correct(self, stack, weight=1.0):
        segments = split_segments(stack)
        self.counts.add("samples", weight)
        if not any(kind == "jit" for kind, _ in segments):
            return stack
        self.counts.add("in_jit", weight)
        flags = set()
        chosen = self.choose(segments, flags)
        out = []
        for (kind, entries), chain in zip(segments, chosen):
            if kind != "jit":
                out.extend(entries)
            elif not isinstance(chain, Dropped):
                out.extend(without_twin(out, chain, self.jit_map.trace_at(int(entries[-1]))))
                out.append(entries[-1])
                out.extend(self.called_through_trampoline(out, flags))
            else:
                # the block's innermost function had returned; the functions it was inlined
                # into may still be running: callers of what follows (scimark's FFT_inverse
                # above FFT_transform_internal's loop), kept, without the block
                out.extend(without_twin(out, chain.callers,
                                        self.jit_map.trace_at(int(entries[-1]))))
        for what in ("unmapped", "changed", "uncertain", "put_back"):
            if what in flags:
                self.counts.add(what, weight)
        return out

    def called_through_trampoline(self, out, flags):
        """[the frame of the function called into code not compiled yet], to follow the
        trampoline block just appended to ``out``; [] when the log and the source do not name
        one.  vmprof records no frame for it: the interpreter runs it beneath the trampoline,
        and the stack goes on with what it called (raytrace: rayColour calls colourAt at line
        279, not compiled yet; the next frame vmprof has is visibleLights, which rayColour
        never calls).  The caller's trace says the call's line; the line's source says what it
        calls, less the calls on it the trace inlined; one name left, of one function vmprof
        registered, names it."""
        block = int(out[-1])
        if self.jit_map.trace_at(block) is not None or block not in self.jit_map.stray or \
                len(out) < 3 or not isinstance(out[-2], AssemblerCode):
            return []
        caller_trace = self.jit_map.trace_at(int(out[-2]))
        caller = next((e for e in reversed(out[:-2]) if not isinstance(e, AssemblerCode)),
                      None)
        if caller_trace is None or caller is None:
            return []
        key = (int(out[-2]), int(caller))
        if key not in self.trampoline_callees:
            self.trampoline_callees[key] = self.callee_at(caller_trace, int(caller))
        address = self.trampoline_callees[key]
        if address is None:
            return []
        flags.update(("changed", "put_back"))
        return [JittedCode(address)]

    def callee_at(self, caller_trace, caller):
        """The code id of the one function the caller's calls into code not compiled yet
        can call, by their lines' source (less what the trace inlined there), or None."""
        name, _, line = self.ids.function(caller)
        tmap = self.jit_map.map_of(caller_trace)
        callees = set()
        for function in tmap.uncompiled_sites:
            if (function[0], function[2]) == (name, line):
                callees |= self.trampoline_targets(tmap, function)
        if len(callees) != 1 or None in callees:
            return None
        return self.ids.get(callees.pop())

    def choose(self, segments, flags):
        """For each segment, innermost first, the JittedCode chain to show (Dropped for a
        block that cannot be on the stack: no call in it can lead to the frames inside)."""
        chosen, inner = [None] * len(segments), []
        for index in range(len(segments) - 1, -1, -1):
            kind, entries = segments[index]
            if kind != "jit":
                inner.insert(0, segments[index])
                continue
            block, recorded = entries[-1], entries[:-1]
            trace = self.jit_map.trace_at(int(block))
            if trace is None:
                if int(block) not in self.jit_map.stray:
                    flags.add("unmapped")
                chosen[index] = list(recorded)
                inner.insert(0, segments[index])
                continue
            chain, verdict = self.chain_for(trace, recorded, inner)
            if verdict == "dropped":
                flags.add("changed")
                chosen[index] = Dropped(self.callers_kept(trace, recorded))
                continue
            if verdict != "kept":
                flags.add(verdict)
            outer = segments[index - 1] if index else None
            before, after = self.caller_between(trace, chain, outer), \
                self.called_between(trace, chain, inner)
            if before or after:
                chain = before + chain + after
                flags.update(("changed", "put_back"))
            ids = [self.ids.get(f) for f in chain]
            if chain and all(ids):
                chosen[index] = [JittedCode(i) for i in ids]
            else:               # a function vmprof never registered: keep what it recorded
                chosen[index] = list(recorded)
                flags.add("uncertain")
            inner.insert(0, segments[index])
        self.no_callers_between_jit_calls(segments, chosen)
        self.no_callers_before_the_same_loop(segments, chosen)
        return chosen

    def called_between(self, trace, chain, inner):
        """(the function missing between this block's chain and the Python frame inside it,)
        or ().  A call out of a block into another function's compiled code
        (call_assembler) can leave no frame of that function on vmprof's stack: raytrace's
        render loop calls rayColour's code, which calls colourAt, and the stack reads
        'render > colourAt', a call render never makes.  When the chain's own function does
        not mention the frame inside, and of the functions whose code the block calls from
        that chain exactly one mentions it (by their source), that one is put back."""
        if not chain or not inner or inner[0][0] != "py":
            return ()
        callee = self.ids.function(int(inner[0][1][0]))
        if callee[1] is None or mentions(chain[-1], callee[0]):
            return ()
        tmap = self.jit_map.map_of(trace)
        targets = set()
        for number, at in tmap.assembler_calls.items():
            if chain not in at:
                continue
            if number == UNCOMPILED:
                targets |= self.trampoline_targets(tmap, chain[-1])
            else:
                targets.add(header_function(self.jit_map.loops.get(number)))
        if None in targets or any((t[0], t[2]) == (callee[0], callee[2]) for t in targets):
            return ()
        through = [t for t in targets if t != chain[-1] and mentions(t, callee[0])]
        if len(through) != 1 or not self.ids.get(through[0]):
            return ()
        return (through[0],)

    def caller_between(self, trace, chain, outer):
        """(the function missing between the Python frame above this block and the block's
        chain,) or ().  The other side of called_between: raytrace's rayColour, interpreted,
        calls colourAt's compiled code, which calls visibleLights' loop, and the stack reads
        'rayColour > visibleLights'.  When the frame above does not mention the chain's first
        function, and of the functions whose traces call this block's loop (call_assembler)
        or into code not compiled yet (the interpreter then runs the function whose loop this
        is), exactly one is mentioned by the frame above and mentions that first function,
        that one is put back."""
        if not chain or outer is None or outer[0] != "py":
            return ()
        caller, first = self.ids.function(int(outer[1][-1])), chain[0]
        if caller[1] is None or (caller[0], caller[2]) == (first[0], first[2]) or \
                mentions(caller, first[0]):
            return ()
        loop = trace.root if trace.root is not None else trace
        callers = self.jit_map.callers_of
        through = set(c[-1] for c in callers.get(loop.number, set()) | callers.get(UNCOMPILED,
                                                                                  set()) if c)
        through = [g for g in through if (g[0], g[2]) not in ((caller[0], caller[2]),
                                                              (first[0], first[2]))
                   and mentions(caller, g[0]) and mentions(g, first[0])]
        if len(through) != 1 or not self.ids.get(through[0]):
            return ()
        return (through[0],)

    def through_interpreter(self, tmap, function):
        """The chains of this trace's calls into code not compiled yet whose lines call
        ``function`` by name: the interpreter runs it, and its own loop's compiled code can be
        the next block on the stack (raytrace: colourAt calls visibleLights, not compiled yet,
        whose loop is)."""
        if function is None:
            return set()
        return set(c for c in tmap.assembler_calls.get(UNCOMPILED, ()) if c and any(
            t is not None and t[0] == function[0] for t in self.trampoline_targets(tmap, c[-1])))

    def trampoline_targets(self, tmap, function):
        """The functions ``function``'s calls into code not compiled yet can call, by their
        lines' source less what the trace inlined there ({None}: the source does not say)."""
        found = set()
        for lineno in tmap.uncompiled_sites.get(function, ()):
            called = called_on_line(function[1], lineno)
            if called is None:
                return {None}
            for name in called - tmap.inlined_at.get((function, lineno), set()):
                found |= set(f for f in self.ids.by_id.values() if f[0] == name) or {None}
        return found

    @staticmethod
    def no_callers_between_jit_calls(segments, chosen):
        """A dropped block's callers are not kept between two JIT blocks that stay: the
        outer one's chain was chosen as its call into the inner one (JIT to JIT), so no
        frame lies between them (raytrace on PyPy 8.0: a stale colourAt bridge between
        rayColour's call into the list comprehension's loop and that loop put the list
        comprehension above colourAt)."""
        kept = [i for i, c in enumerate(chosen) if segments[i][0] != "jit"
                or not isinstance(c, Dropped)]
        for outer, inner in zip(kept, kept[1:]):
            if segments[outer][0] == "jit" and segments[inner][0] == "jit":
                for index in range(outer + 1, inner):
                    if isinstance(chosen[index], Dropped):
                        chosen[index] = Dropped([])

    def no_callers_before_the_same_loop(self, segments, chosen):
        """A dropped block right before a block of the same loop that stays is a stale
        return address into that loop's own code: its callers are the frames the inner
        block's chain already shows, and kept would show them twice (pyperformance's go:
        'random_playout > random_move' kept from a stale address in loop 68, then loop 68's
        'random_playout > random_move > random_choice': random_move above random_playout)."""
        for index in range(len(segments) - 1):
            inner = index + 1
            if not isinstance(chosen[index], Dropped) or segments[inner][0] != "jit" or \
                    isinstance(chosen[inner], Dropped):
                continue
            stale, kept = (self.jit_map.trace_at(int(segments[i][1][-1])) for i in
                           (index, inner))
            if stale is not None and kept is not None and stale.root is not None and \
                    kept.root is not None and stale.root.number == kept.root.number:
                chosen[index] = Dropped([])

    def callers_kept(self, trace, recorded):
        """Of a dropped block's recorded chain, the functions that can still be running: the
        longest start of it (its innermost function left out: that one had returned) that
        the trace is in at one of its calls that can run Python code (JIT to JIT, or
        call_may_force).  The chain is the codemap's reading at a stale
        return address, which keeps inlined functions open after they returned (PyPy 8.0's
        raytrace: a rayColour bridge that only calls firstIntersection's and the list
        comprehension's loops read 'rayColour > <listcomp> > intersectionTime > __sub__ >
        firstIntersection', and keeping all but the last put __sub__ above visibleLights)."""
        tmap = self.jit_map.map_of(trace)
        names = tuple(self.ids.function(int(r)) for r in recorded[:-1])
        at_calls = set(tmap.forcing_calls)
        for number, chains in tmap.assembler_calls.items():
            # a call into a loop of the function the trace is in at the call (an inlined list
            # comprehension's own loop) runs that function: it is the callee, not a caller
            target = self.jit_map.loops.get(number)
            callee = header_function(target)
            at_calls |= set(c[:-1] if c and c[-1] == callee else c for c in chains)
        def short(chain):   # vmprof cuts long file names ('.../run_benchm...'): not compared
            return tuple((f[0], f[2]) for f in chain)
        longest = 0
        for chain in at_calls:
            longest = max(longest, len(common_prefix([short(chain), short(names)])))
        return list(recorded[:longest])

    def chain_for(self, trace, recorded, inner):
        """(the chain to show for this block, "kept" | "changed" | "uncertain" |
        "dropped")."""
        tmap = self.jit_map.map_of(trace)
        names = tuple(self.ids.function(int(r)) for r in recorded)
        leaf = not any(kind in ("jit", "py") for kind, _ in inner)
        if leaf:
            if names in tmap.chains:
                return names, "kept"
            return chain_ending_like(names, tmap)
        candidates = self.calls_towards(tmap, inner)
        if candidates is None:
            return (names, "kept") if names in tmap.chains else (
                best_prefix(names, tmap), "uncertain")
        if not candidates:
            # no call in this trace can have made the frames inside: a stale return address
            # the unwinder read (the code ran earlier, and has returned)
            return names, "dropped"
        if names in candidates:
            return names, "kept"
        if len(candidates) == 1:
            return next(iter(candidates)), "changed"
        shared = common_prefix(candidates)
        return shared, ("changed" if shared != names else "uncertain")

    def calls_towards(self, tmap, inner):
        """The chains of the calls in this trace that can have made the next frames: into
        JIT code straight on, only a call_assembler (to the next block's loop when the log
        has it); into the interpreter (a Python frame), a call that may run Python code
        (call_may_force, call_assembler); into native code, any call -- or none, for the
        runtime helpers the backend calls without an operation of its own (the GC's slow
        path, guard failures): None then, which means "cannot tell"."""
        kind, entries = inner[0]
        assembler = set()
        for chains in tmap.assembler_calls.values():
            assembler |= chains
        if kind == "jit":
            target = self.jit_map.trace_at(int(entries[-1]))
            if target is not None:       # none of its calls enters that loop: a stale frame
                return tmap.assembler_calls.get(target.root.number, set()) | \
                    self.through_interpreter(tmap, header_function(target.root))
            return assembler
        if kind == "py":
            return (tmap.forcing_calls | assembler) or tmap.residual_calls
        return (tmap.residual_calls | assembler) or None

def header_function(trace):
    """The function a loop or entry bridge was compiled for, as the log names functions."""
    from traces.jitlog_reader import header_position
    position = header_position(trace) if trace is not None else None
    return function_of(position) if position is not None else None


class Dropped(object):
    """A block that cannot be on the stack, and the functions of its chain kept as callers."""
    __slots__ = ("callers",)

    def __init__(self, callers):
        self.callers = callers


def without_twin(out, chain, trace):
    """A chain whose outermost function is the frame just before it: the interpreter's frame
    of the function whose loop this is, or, where a caller's trace entered the loop by
    call_assembler, the caller's chain ending in it -- one frame, already on the stack.  (A
    loop that starts at a function's first bytecode is a new call: a recursive one is kept.)"""
    if not chain or not out:
        return chain
    previous = out[-1]
    if isinstance(previous, AssemblerCode):
        if len(out) < 2 or not isinstance(out[-2], JittedCode) or starts_a_call(trace):
            return chain
        previous = out[-2]
    return chain[1:] if int(previous) == int(chain[0]) else chain


def starts_a_call(trace):
    """A loop (or a bridge's loop) compiled from its function's first bytecode ('~#0 ')."""
    return trace.root is not None and "~#0 " in trace.root.name


def chain_ending_like(names, tmap):
    """The codemap can keep inlined functions open after they returned ('a > b > c' where
    the trace's merge points say 'a > c'): the chain of the trace that ends in the same
    innermost function, when there is one ("changed"), or the one of several sharing most
    with the recorded chain ("uncertain"); else the longest start of it the trace has."""
    if not names:
        return best_prefix(names, tmap), "uncertain"
    ending = [c for c in tmap.chains if c[-1] == names[-1]]
    if len(ending) == 1:
        return ending[0], "changed"
    if ending:
        def shared(chain):
            return len(common_prefix([chain, names]))
        ending.sort(key=lambda c: (-shared(c), len(c)))
        return ending[0], "uncertain"
    return best_prefix(names, tmap), "uncertain"


def best_prefix(names, tmap):
    """The longest start of ``names`` the trace can run in, else the trace's own function."""
    for n in range(len(names), 0, -1):
        if names[:n] in tmap.chains:
            return names[:n]
    return (tmap.root,) if tmap.root else ()
