"""Pieces of PyPy stacks as vmprof records them, for traces.jit_attribution: a sample's
segments (JIT blocks with their chains of inlined functions, Python frames, native frames) and
the code ids vmprof registered for the program's functions."""
import collections

from vmprof.reader import AssemblerCode, JittedCode


def common_prefix(chains):
    chains = list(chains)
    shared = chains[0]
    for chain in chains[1:]:
        n = 0
        while n < min(len(shared), len(chain)) and shared[n] == chain[n]:
            n += 1
        shared = shared[:n]
    return shared


def split_segments(stack):
    """[("jit", [JittedCode..., AssemblerCode]) | ("py", [code]) | ("native", [addr])]."""
    segments, pending = [], []
    for entry in stack:
        if isinstance(entry, JittedCode):
            pending.append(entry)
        elif isinstance(entry, AssemblerCode):
            segments.append(("jit", pending + [entry]))
            pending = []
        else:
            if pending:                    # jitted ids without their block: keep as they are
                segments.extend(("py", [p]) for p in pending)
                pending = []
            kind = "native" if type(entry).__name__ == "NativeCode" else "py"
            segments.append((kind, [entry]))
    segments.extend(("py", [p]) for p in pending)
    return segments


class CodeIds(dict):
    """Code ids of the functions vmprof registered, by (name, file, first line)."""

    def __init__(self):
        dict.__init__(self)
        self.by_id = {}

    def function(self, code_id):
        return self.by_id.get(code_id, ("?", None, code_id))

    def align(self, functions):
        """Name the functions whose file name vmprof cut ('py:rayColour:266:/work/.../bm_
        raytrace/run_bench...': it keeps ~128 characters) as the JIT log names them, where
        one function of the log has that name, first line and start of the file name;
        without this, no recorded chain of a program under a long path matches the log's,
        and none is corrected."""
        by_short = collections.defaultdict(list)
        for function in functions:
            by_short[(function[0], function[2])].append(function)
        for address, (name, filename, line) in list(self.by_id.items()):
            if not (filename or "").endswith("..."):
                continue
            found = [f for f in by_short.get((name, line), ())
                     if (f[1] or "").startswith(filename[:-3])]
            if len(found) == 1:
                self.by_id[address] = found[0]
                self.setdefault(found[0], address)


def code_ids(registrations):
    ids = CodeIds()
    for address, name, _ in registrations:
        if not name.startswith("py:"):
            continue
        _, function, line, filename = name.split(":", 3)
        key = (function, filename, int(line) if line.isdigit() else line)
        ids.setdefault(key, address)
        ids.by_id[address] = key
    return ids
