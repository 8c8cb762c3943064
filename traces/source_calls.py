"""Which functions a Python function can call, read from its source: every name its body
mentions.  A profile whose stack has ``a`` directly above ``b`` although ``a``'s body never
mentions ``b`` (by name, attribute, operator or construct) is missing a frame between them.

Mentioned, not called: a function passed on as a value (``map(f, xs)``, ``key=f``) or reached
through an attribute (a property) is mentioned too, so that such calls are not taken for
missing frames.  What the source cannot show -- a call through another name
(``g = f; g()``), a decorator's wrapper, ``__del__`` -- is counted as missing: the count is an
upper bound, and says so.  Used on PyPy, where frames of code the JIT inlined can be missing
from vmprof's stacks (traces.jit_attribution corrects what the JIT log can tell).
"""
import ast
import functools

from traces.source_names import parsed

OPERATORS = {ast.Add: "add", ast.Sub: "sub", ast.Mult: "mul", ast.Div: "truediv",
             ast.FloorDiv: "floordiv", ast.Mod: "mod", ast.Pow: "pow", ast.MatMult: "matmul",
             ast.LShift: "lshift", ast.RShift: "rshift", ast.BitAnd: "and", ast.BitOr: "or",
             ast.BitXor: "xor"}
COMPARISONS = {ast.Eq: "eq", ast.NotEq: "ne", ast.Lt: "lt", ast.LtE: "le", ast.Gt: "gt",
               ast.GtE: "ge", ast.In: "contains", ast.NotIn: "contains"}
CONSTRUCTS = {ast.ListComp: "<listcomp>", ast.SetComp: "<setcomp>", ast.DictComp: "<dictcomp>",
              ast.GeneratorExp: "<genexpr>", ast.Lambda: "<lambda>"}
IMPLICIT = ("__init__", "__new__", "__call__", "__iter__", "__next__", "__getitem__",
            "__setitem__", "__len__", "__bool__", "__hash__", "__enter__", "__exit__",
            "__get__", "__set__", "__getattr__", "__getattribute__", "__setattr__",
            "__repr__", "__str__", "__format__", "__index__", "__float__", "__int__")


def names_of(node):
    """Every name ``node`` mentions: names, attributes, operators' methods (both sides),
    comprehensions and lambdas by their code names, and the methods Python calls without a
    name in the source (construction, iteration, indexing, truth, ...)."""
    found = set(IMPLICIT)
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
        elif isinstance(child, (ast.BinOp, ast.AugAssign)) and type(child.op) in OPERATORS:
            op = OPERATORS[type(child.op)]
            found |= {"__%s__" % op, "__r%s__" % op, "__i%s__" % op}
        elif isinstance(child, ast.UnaryOp):
            found |= {"__neg__", "__pos__", "__invert__", "__abs__"}
        elif isinstance(child, ast.Compare):
            found |= set("__%s__" % COMPARISONS[type(op)] for op in child.ops
                         if type(op) in COMPARISONS)
        elif type(child) in CONSTRUCTS:
            found.add(CONSTRUCTS[type(child)])
    return found


@functools.lru_cache(maxsize=1024)
def mentioned(filename, first_line):
    """The names the body of the function starting at ``first_line`` in ``filename``
    mentions, or None when the source does not say (unreadable, or no function there)."""
    tree = parsed(filename)
    if tree is None or not first_line:
        return None
    node = next((n for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef,
                                                             ast.AsyncFunctionDef))
                 and min([n.lineno] + [d.lineno for d in n.decorator_list]) == first_line),
                None)
    return frozenset(names_of(node)) if node is not None else None


def mentions(function, name):
    """Whether the source of ``function`` ((name, file, first line), as the JIT log names
    functions) mentions ``name``; True when the source does not say."""
    names = mentioned(function[1], function[2])
    return names is None or name in names


def can_call(caller, callee):
    """False when ``caller``'s source shows no way to call ``callee`` (Frames); True when it
    does, or when the source does not say."""
    return mentions((caller.name, caller.filename, caller.line), callee.name.rsplit(".", 1)[-1])


@functools.lru_cache(maxsize=1024)
def called_on_line(filename, line):
    """The names of the functions the calls on ``line`` of ``filename`` call (``f(...)``:
    f; ``o.m(...)``: m), or None when the source cannot be read."""
    tree = parsed(filename)
    if tree is None:
        return None
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "end_lineno",
                                                  node.lineno) == line:
            if isinstance(node.func, ast.Name):
                found.add(node.func.id)
            elif isinstance(node.func, ast.Attribute):
                found.add(node.func.attr)
    return frozenset(found)
