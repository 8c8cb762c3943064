"""Which part of the stack a profile frame belongs to: the question a profile answers here.

The categories here are any program's.  A caller that knows more of its own program (ev: the
C library of its compiled evaluation) passes categories of its own in (``Extra``, through the
profile's project, traces.project): a profile without them never names them.
"""
import collections
import os
import re

PROJECT = "project code"
NUMPY_PY = "numpy (Python layer)"
NUMPY_NATIVE = "numpy / BLAS (native)"
CAPI = "C-API / cpyext"
CALLS = "call machinery"
ATTRIBUTES = "attribute & method lookup"
NUMBERS = "arithmetic on boxed numbers"
CONTAINERS = "dict / str / list / tuple internals, iteration"
IMPORT_COMPILE = "import & compile"
ALLOC_GC = "allocation & GC"
JIT_CODE = "JIT-compiled code"
INTERPRETER = "interpreter"
PYPY_RUNTIME = "PyPy runtime, unnamed"
STDLIB = "standard library"
LIBRARY = "installed packages"
OTHER = "other Python / libraries"
UNKNOWN = "unknown native"

CATEGORIES = (PROJECT, NUMPY_PY, NUMPY_NATIVE, CAPI, CALLS, ATTRIBUTES, NUMBERS, CONTAINERS,
              IMPORT_COMPILE, ALLOC_GC, JIT_CODE, INTERPRETER, PYPY_RUNTIME, STDLIB,
              LIBRARY, OTHER, UNKNOWN)

# One colour per category, for every picture (a rule in one place: tests check it covers all).
COLOURS = dict(zip(CATEGORIES, (
    "#2ca02c", "#1f77b4", "#17becf", "#9467bd", "#e377c2", "#f7b6d2", "#ffbb78", "#98df8a",
    "#c5b0d5", "#d62728", "#ff7f0e", "#bcbd22", "#c49c94", "#aec7e8", "#dbdb8d",
    "#c7c7c7", "#7f7f7f")))

# What a category is on each interpreter, for people reading a report.
TITLES = {
    "cpython": {CAPI: "other CPython C functions (C-API, I/O, errors)",
                IMPORT_COMPILE: "import, compile & class creation",
                INTERPRETER: "interpreter (eval loop, frames, generators)"},
    "pypy": {CAPI: "cpyext (PyPy's C-API emulation)",
             INTERPRETER: "interpreter, tracer, built-ins (outside JIT code)",
             PYPY_RUNTIME: "PyPy runtime, unnamed (mostly called from JIT code)"},
}


def title(category, interpreter):
    return TITLES.get(interpreter, {}).get(category, category)


SITE_PACKAGES = re.compile(r"[/\\](site|dist)-packages[/\\]([^/\\]+)")
STDLIB_C = re.compile(r"lib-dynload")      # the standard library's C modules, as .so files
# ... or built into the interpreter, where a sampler that reads debug information (py-spy
# --native) names their source: Modules/_json.c, Modules/_sqlite/cursor.c (not the GC's or
# main's, which the symbol rules place first)
STDLIB_C_SOURCE = re.compile(r"(^|[/\\])Modules[/\\](_|[a-z]+module\.c)")
STDLIB_FILE = re.compile(r"^<(frozen|builtin)|[/\\]lib[/\\](python|pypy)\d[^/\\]*[/\\]")

NUMPY_LIB = re.compile(r"numpy|_multiarray|_umath|openblas|gfortran|quadmath|lapack|blas", re.I)
NUMPY_SYMBOL = re.compile(r"^(PyArray|npy_|NpyIter|ufunc|array_|PyUFunc|cblas|dgemv|dgemm|ddot|"
                          r"dscal|daxpy|.*_HASWELL|.*_SKYLAKEX|.*_ZEN|.*_SANDYBRIDGE|gemv|"
                          r"DOUBLE_|LONG_|trivial_|.*_dot)")
# CPython's C functions by what they do (libpython's own names; tested symbol by symbol in
# tests/test_categories.py).  Checked in this order: the first that matches wins.
ALLOC_SYMBOL = re.compile(r"malloc|calloc|realloc|free$|^free|_int_free|mmap|munmap|"
                          r"PyObject_Malloc|PyObject_Free|PyMem_|_PyObject_GC|gc_collect|"
                          r"_PyObject_New|dealloc|PyObject_GC|arena|_Py_Dealloc|"
                          r"GenericAlloc|FromDouble$|_Py_NewReference|_traverse$|^visit_|"
                          r"^_?Py(Tuple|List|Dict|Float|Long)_New$|^_PyLong_New$|"
                          r"^PyLong_From|^_PyLong_From|^_PyLong_Copy|^_Py_Alloc|"
                          r"^gc_|^collect|^deduce_unreachable|^move_unreachable|"
                          r"^subtract_refs|^update_refs|^clear_freelists|"
                          r"^_PyObject_(Clear|Visit)InstanceAttributes|"
                          r"^pypy_g_.*(collect|malloc)", re.I)
# How C calls Python and Python calls C: argument packing, vectorcall dispatch, slots that
# call a Python method (slot_nb_subtract calls __sub__).
CALL_SYMBOL = re.compile(r"^(_?PyObject_(Vectorcall|Call|FastCall|MakeTpCall|CallMethod|"
                         r"CallFunction|CallOneArg|CallNoArgs)|PyVectorcall_|object_vacall|"
                         r"_PyFunction_Vectorcall|cfunction_|method_vectorcall|vectorcall_|"
                         r"slot_tp_call|slot_nb_|slot_sq_|slot_mp_|slot_tp_(init|new|"
                         r"richcompare|hash|iter|iternext|repr|str)|vectorcall_method|"
                         r"call_unbound|_PyCFunction|PyCFunction_Call|_PyStack_|"
                         r"_Py_CheckFunctionResult|_PyEval_Vector$|builtin_[a-z_]+$|"
                         r"wrapper_call|wrap_|method_call|meth_|type_call)")
ATTRIBUTE_SYMBOL = re.compile(r"^(type_getattro|type_setattro|_?PyObject_Generic(Get|Set)"
                              r"Attr|_?PyObject_(Get|Set|Lookup|Has)Attr|_PyType_Lookup|"
                              r"find_name_in_mro|slot_tp_(getattr|setattr|descr)|"
                              r"_PyObject_GetMethod|_PyObject_LookupSpecial|lookup_maybe|"
                              r"lookup_method|super_getattro|module_getattro|"
                              r"method_get|func_descr_get|property_descr|classmethod_get|"
                              r"getset_get|member_get|PyMember_|PyDescr_|descr_|"
                              r"_PyObject_(GetDictPtr|InitializeDict|StoreInstanceAttribute|"
                              r"GetInstanceAttribute|MakeInstanceAttributes|"
                              r"MaterializeManagedDict)|PyObject_SelfIter|"
                              r"_Py_type_getattro|_PyType_LookupRef)")
NUMBER_SYMBOL = re.compile(r"^(float_|long_|_PyLong_|PyLong_|PyFloat_|PyNumber_|_PyNumber_|"
                           r"complex_|PyComplex_|binary_op|ternary_op|k_mul|k_lopsided|"
                           r"x_(add|sub|divrem|mul)|l_(divmod|mod)|fast_(mod|floor_div)|"
                           r"int_|bool_|_Py_dg_|_Py_HashDouble|math_|_Py_c_|"
                           r"double_round|_PyFloat_|PyBool_)")
CONTAINER_SYMBOL = re.compile(r"^(dict|_PyDict|PyDict|lookdict|_Py_dict_|insertdict|"
                              r"insert_to_emptydict|build_indices|free_keys|new_keys|"
                              r"unicode|_PyUnicode|PyUnicode|_Py_HashBytes|siphash|"
                              r"list|_PyList|PyList|tuple|_PyTuple|PyTuple|set_|_PySet|"
                              r"PySet|frozenset|bytes|_PyBytes|PyBytes|bytearray|str_|"
                              r"PySequence_|_PySequence|PyMapping_|PyIter_|_PyIter|iter_|"
                              r"enum_|range|_PyRange|zip_|map_next|filter_next|reversed_|"
                              r"slice_|_PySlice|PySlice|memcpy|memmove|memset|memcmp|"
                              r"__mem|strlen|__strlen|_PyObject_RichCompare|"
                              r"PyObject_RichCompare|do_richcompare|PyObject_Hash)")
IMPORT_COMPILE_SYMBOL = re.compile(r"^(_?PyAST|ast_|_PyParser|_PyPegen|_PyTokenizer|"
                                   r"tok_|compiler_|_PyCompile|PyCompile|compile|"
                                   r"_PySymtable|symtable|_PyCode_(Validate|New|Quicken|"
                                   r"ConstantKey)|PyCode_New|marshal|r_object|r_ref|"
                                   r"PyMarshal|_PyMarshal|_?PyImport|import_|_imp_|"
                                   r"builtin___import__|builtin_compile|Py_CompileString|"
                                   r"_PyCfg|_PyFlow|assemble|optimize_|fold_|astfold_|"
                                   r"makecode|_PyAssemble|_PyCodegen|codegen_|"
                                   r"type_new|update_one_slot|fixup_slot|type_ready|"
                                   r"PyType_Ready|_PyType_Ready|update_slot|"
                                   r"[a-z_]+_rule$|[a-z_]+_raw$|_loop[0-9]+_[0-9]+$|"
                                   r"_gather_[0-9]+$|_tmp_[0-9]+$)")
INTERPRETER_SYMBOL = re.compile(r"^(_?PyEval_|ceval|_PyFrame|_PyEvalFrame|initialize_locals|"
                                r"pymain|Py_RunMain|Py_BytesMain|_PyInterpreterFrame|"
                                r"frame_|_Py_Specialize|_PyThreadState|PyThreadState|"
                                r"gen_|_PyGen|PyGen_|coro_|_PyCoro|make_gen|"
                                r"_Py_HandlePending|handle_signals|run_mod|run_eval_code|"
                                r"pyrun_|_PyRun|PyRun_|main$|__libc_start)")
CAPI_SYMBOL = re.compile(r"^(_?Py[A-Z]|PyPy|cpyext)")
# Colours of the categories a caller adds, in the order it adds them.
EXTRA_COLOURS = ("#8c564b", "#393b79", "#637939", "#843c39", "#7b4173")


class Extra(collections.namedtuple("Extra", "name library symbol")):
    """A category a caller adds for native code it knows (ev: its compiled evaluation):
    frames whose library (or source file, when a sampler names that instead: py-spy with
    debug information) matches the regular expression ``library``, or whose (named) symbol
    matches ``symbol`` (from its start), are in it.  Checked before the rules above; shown
    in a report only when a profile has some of it."""

    def matches(self, symbol, library, source=""):
        if self.library and any(re.search(self.library, where)
                                for where in (library, source) if where):
            return True
        return bool(self.symbol) and not symbol.startswith("<") and bool(
            re.match(self.symbol, symbol))

    def to_json(self):
        return {"name": self.name, "library": self.library, "symbol": self.symbol}

    @classmethod
    def from_json(cls, data):
        """An Extra from its JSON form; ValueError when it is not one."""
        if not isinstance(data, dict) or not isinstance(data.get("name"), str):
            raise ValueError("a category needs a name")
        extra = cls(data["name"], data.get("library") or "", data.get("symbol") or "")
        if extra.name in CATEGORIES:
            raise ValueError("category %r is one of traces' own" % extra.name)
        for pattern in (extra.library, extra.symbol):
            try:
                re.compile(pattern)
            except (re.error, TypeError) as error:
                raise ValueError("category %r: bad pattern %r (%s)" % (extra.name, pattern,
                                                                       error))
        return extra


def all_categories(extra=()):
    """traces' categories, then the caller's (``extra``: Extra's)."""
    return CATEGORIES + tuple(e.name for e in extra if e.name not in CATEGORIES)


def colour(category, extra=()):
    """The colour of a category (one of traces' or of ``extra``)."""
    if category in COLOURS:
        return COLOURS[category]
    names = [e.name for e in extra]
    index = names.index(category) if category in names else 0
    return EXTRA_COLOURS[index % len(EXTRA_COLOURS)]


SYMBOL_RULES = ((ALLOC_SYMBOL, ALLOC_GC), (IMPORT_COMPILE_SYMBOL, IMPORT_COMPILE),
                (ATTRIBUTE_SYMBOL, ATTRIBUTES), (CALL_SYMBOL, CALLS), (NUMBER_SYMBOL, NUMBERS),
                (CONTAINER_SYMBOL, CONTAINERS), (INTERPRETER_SYMBOL, INTERPRETER),
                (CAPI_SYMBOL, CAPI))


def categorize(frame):
    """The category of one frame (see CATEGORIES), placed by its profile's project (a frame
    made outside a profile reader is placed in ev's)."""
    if frame.category is None:
        from traces.project import EV
        EV.place(frame)
    return frame.category


def categorize_unplaced(frame, in_project, extra=()):
    if frame.kind == "py":
        return PROJECT if in_project else categorize_python(frame.filename or "")
    if frame.kind == "jit":
        return JIT_CODE
    if frame.kind in ("unknown", "marker"):   # marker: a sampler's unnamed <native>
        return UNKNOWN
    if frame.kind == "gc":
        return ALLOC_GC
    return categorize_native(frame.name or "", frame.library or "", extra,
                             frame.filename or "")


def categorize_python(filename):
    """Python code outside the project: numpy's, an installed package's, the stdlib's."""
    if "%snumpy%s" % (os.sep, os.sep) in filename:
        return NUMPY_PY
    if SITE_PACKAGES.search(filename):
        return LIBRARY
    if STDLIB_FILE.search(filename):
        return STDLIB
    return OTHER


def package_of(filename):
    """The installed package a file belongs to ('requests'), or None."""
    match = SITE_PACKAGES.search(filename or "")
    return match.group(2).split(".")[0].split("-")[0] if match else None


def categorize_native(symbol, library, extra=(), source=""):
    """The category of a native frame; ``extra``: the caller's own categories (Extra's),
    checked first (``source``: the frame's C file, when the sampler names it)."""
    named = not symbol.startswith("<")
    if "libpypy" in library:  # its named symbols: the exported C-API, PyPy* (cpyext), and GC
        if named and CAPI_SYMBOL.search(symbol):
            return CAPI
        return ALLOC_GC if named and ALLOC_SYMBOL.search(symbol) else PYPY_RUNTIME
    for category in extra:
        if category.matches(symbol, library, source):
            return category.name
    if NUMPY_LIB.search(library) or (named and NUMPY_SYMBOL.match(symbol)):
        return NUMPY_NATIVE
    if library.startswith("libm.") or library.startswith("libm-"):
        return NUMBERS   # libm's pow, exp, sqrt: arithmetic on the numbers' values
    if not named:
        return INTERPRETER if library.startswith(("python", "libpython")) else (
            OTHER if library else UNKNOWN)
    for pattern, category in SYMBOL_RULES:
        if pattern.search(symbol):
            return category
    if STDLIB_C.search(library) or (source and STDLIB_C_SOURCE.search(source)):
        return STDLIB   # the standard library's C modules: _json's encoder, _sqlite3, _sre
    if library.startswith(("python", "libpython")) or not library:
        return CAPI   # CPython's other C functions (I/O, errors, ...): never "the eval loop"
    return OTHER


def project_file(frame):
    """The project-relative file of a project frame, else None."""
    return frame.where if categorize(frame) == PROJECT else None
