"""Qualified names and first lines of Python functions, from their source.

A sampler outside the process names a frame by the line it was at (py-spy); vmprof on an
interpreter without co_qualname (PyPy 3.9, CPython before 3.11) gives the bare name and the
``def`` line.  The source says both: which function holds a line (the innermost one), what
its qualified name is (``Point.__sub__``, ``outer.<locals>.inner``) and where it starts.  A file
that cannot be read or parsed leaves the names as recorded.
"""
import ast
import bisect
import functools
import os


class SourceFunctions:
    """The functions and classes of one source file, as (first line, last line, qualname)."""

    def __init__(self, spans, classes=()):
        self.classes = set(classes)   # (first line, name) of each class statement
        self.spans = sorted(spans)
        self.starts = [s[0] for s in self.spans]
        self.by_start = dict((s[0], s[2]) for s in self.spans)

    def holding(self, line):
        """(first line, qualname) of the innermost function or class holding ``line``, or
        None (module level)."""
        best = None
        for first, last, qualname in self.spans[:bisect.bisect_right(self.starts, line)]:
            if first <= line <= last and (best is None or first >= best[0]):
                best = (first, qualname)
        return best

    def holding_body(self, line):
        """(first line, qualname) of the innermost function whose body holds ``line``: past
        its first line, or on it when the whole function is one line (``def f(x): return
        x``); None when none does."""
        best = None
        for first, last, qualname in self.spans[:bisect.bisect_right(self.starts, line)]:
            if (first < line <= last or first == line == last) and (
                    best is None or first >= best[0]):
                best = (first, qualname)
        return best

    def is_class(self, line, name):
        """Whether a class ``name`` starts at ``line`` (its body's code object has that
        name and first line)."""
        return (line, name) in self.classes

    def qualname_at(self, first_line, name):
        """The qualified name of the function ``name`` starting at ``first_line``, else None."""
        qualname = self.by_start.get(first_line)
        if qualname and qualname.rsplit(".", 1)[-1] == name:
            return qualname
        return None


@functools.lru_cache(maxsize=256)
def parsed(filename):
    """The syntax tree of ``filename``, or None when it cannot be read or parsed."""
    if not filename or filename.startswith("<"):
        return None
    try:
        with open(filename, "rb") as source:
            return ast.parse(source.read(), filename)
    except (OSError, SyntaxError, ValueError):
        return None


@functools.lru_cache(maxsize=256)
def functions_of(filename):
    """The SourceFunctions of ``filename``, or None when it cannot be read or parsed."""
    tree = parsed(filename)
    if tree is None:
        return None
    spans, classes = [], []

    def visit(node, prefix):
        for child in ast.iter_child_nodes(node):
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                qualname = prefix + child.name
                first = min([child.lineno] + [d.lineno for d in child.decorator_list])
                spans.append((first, getattr(child, "end_lineno", None) or first, qualname))
                if isinstance(child, ast.ClassDef):
                    classes.append((first, child.name))
                inner = qualname + (".<locals>." if not isinstance(child, ast.ClassDef)
                                    else ".")
                visit(child, inner)
            else:
                visit(child, prefix)

    visit(tree, "")
    return SourceFunctions(spans, classes)


def first_line(filename, name, at_line):
    """The line the function ``name`` running at ``at_line`` starts at (its ``def``, or its
    first decorator as CPython counts it), or None when the source does not say."""
    functions = functions_of(filename)
    if functions is None or not at_line:
        return None
    found = functions.holding(at_line)
    while found is not None:
        first, qualname = found
        if qualname.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1]:
            return first
        found = functions.holding(first - 1) if first > 1 else None
    return None


def def_line(filename, qualname):
    """The line the function ``qualname`` starts at in ``filename`` (its ``def``, or its first
    decorator), or None when the source does not say (1 for a module's body)."""
    if qualname == "<module>":
        return 1
    functions = functions_of(filename)
    if functions is None:
        return None
    for first, _, name in functions.spans:
        if name == qualname:
            return first
    return None


CUT = "..."   # how vmprof ends a file name it cut (it keeps about 128 characters)


@functools.lru_cache(maxsize=256)
def whole_filename(filename):
    """The file a name vmprof cut stands for (``/long/.../bm_raytrace/run_benchma...``): the
    one Python file whose path begins with what was kept (the cut may fall inside a folder's
    name); else the name as recorded (then the source cannot name the function's class)."""
    if not filename or not filename.endswith(CUT):
        return filename
    kept = filename[:-len(CUT)]
    found = []
    for folder, folders, files in os.walk(os.path.dirname(kept) or "."):
        # only down the folders the kept part can still lead to
        folders[:] = [name for name in folders if is_on_the_way(os.path.join(folder, name), kept)]
        found += [path for path in (os.path.join(folder, name) for name in files)
                  if path.startswith(kept) and path.endswith(".py")]
        if len(found) > 1:
            break
    return found[0] if len(found) == 1 else filename


def is_on_the_way(path, kept):
    return path.startswith(kept) or kept.startswith(path + os.sep)


def qualified_name(filename, name, line):
    """``name`` qualified from the source when the function starts at ``line``, else ``name``."""
    functions = functions_of(filename)
    if functions is None or not line or "." in name:
        return name
    return functions.qualname_at(line, name) or name


def name_from_source(filename, name, at_line):
    """The qualified name of the function whose body holds ``at_line`` when it is not
    ``name`` (a sampler misnamed the frame), else ``name``."""
    functions = functions_of(filename)
    found = functions.holding_body(at_line) if functions is not None and at_line else None
    if found is None:
        return name
    qualname = found[1]
    if qualname.rsplit(".", 1)[-1] == name.rsplit(".", 1)[-1] \
            or name.rsplit(".", 1)[-1] in COMPREHENSIONS:
        return name
    return qualname


COMPREHENSIONS = ("<listcomp>", "<dictcomp>", "<setcomp>", "<genexpr>", "<lambda>")
