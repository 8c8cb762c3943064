"""Which part of the stack a profile frame belongs to: the question a profile answers here."""
import os
import re

PROJECT = "project code"
NUMPY_PY = "numpy (Python layer)"
NUMPY_NATIVE = "numpy / BLAS (native)"
CAPI = "C-API / cpyext"
CALLS = "call machinery"
ALLOC_GC = "allocation & GC"
JIT_CODE = "JIT-compiled code"
COMPILED = "compiled evaluation (the c cell's C)"
INTERPRETER = "interpreter"
PYPY_RUNTIME = "PyPy runtime, unnamed"
STDLIB = "standard library"
LIBRARY = "installed packages"
OTHER = "other Python / libraries"
UNKNOWN = "unknown native"

CATEGORIES = (PROJECT, NUMPY_PY, NUMPY_NATIVE, CAPI, CALLS, ALLOC_GC, JIT_CODE, COMPILED,
              INTERPRETER, PYPY_RUNTIME, STDLIB, LIBRARY, OTHER, UNKNOWN)

# One colour per category, for every picture (a rule in one place: tests check it covers all).
COLOURS = dict(zip(CATEGORIES, (
    "#2ca02c", "#1f77b4", "#17becf", "#9467bd", "#e377c2", "#d62728", "#ff7f0e", "#8c564b",
    "#bcbd22", "#c49c94", "#aec7e8", "#dbdb8d", "#c7c7c7", "#7f7f7f")))

# What a category is on each interpreter, for people reading a report.
TITLES = {
    "cpython": {CAPI: "C-API (CPython's C functions)",
                INTERPRETER: "interpreter (eval loop, frames)"},
    "pypy": {CAPI: "cpyext (PyPy's C-API emulation)",
             INTERPRETER: "interpreter",
             PYPY_RUNTIME: "PyPy runtime, unnamed (interpreter, tracer, GC, cpyext; "
                           "not JIT code)"},
}


def title(category, interpreter):
    return TITLES.get(interpreter, {}).get(category, category)


SITE_PACKAGES = re.compile(r"[/\\](site|dist)-packages[/\\]([^/\\]+)")
STDLIB_FILE = re.compile(r"^<(frozen|builtin)|[/\\]lib[/\\](python|pypy)\d[^/\\]*[/\\]")

NUMPY_LIB = re.compile(r"numpy|_multiarray|_umath|openblas|gfortran|quadmath|lapack|blas", re.I)
NUMPY_SYMBOL = re.compile(r"^(PyArray|npy_|NpyIter|ufunc|array_|PyUFunc|cblas|dgemv|dgemm|ddot|"
                          r"dscal|daxpy|.*_HASWELL|.*_SKYLAKEX|.*_ZEN|.*_SANDYBRIDGE|gemv|"
                          r"DOUBLE_|LONG_|trivial_|.*_dot)")
ALLOC_SYMBOL = re.compile(r"malloc|calloc|realloc|free$|^free|_int_free|mmap|munmap|"
                          r"PyObject_Malloc|PyObject_Free|PyMem_|_PyObject_GC|gc_collect|"
                          r"_PyObject_New|dealloc|PyObject_GC|arena|_Py_Dealloc|"
                          r"GenericAlloc|FromDouble$|_Py_NewReference|"
                          r"^_?Py(Tuple|List|Dict|Float|Long)_New$|"
                          r"^gc_|^pypy_g_.*(collect|malloc)", re.I)
# How C calls Python and Python calls C: argument packing, vectorcall dispatch.
CALL_SYMBOL = re.compile(r"^(_?PyObject_(Vectorcall|Call|FastCall|MakeTpCall|CallMethod|"
                         r"CallFunction|CallOneArg|CallNoArgs)|PyVectorcall_|object_vacall|"
                         r"_PyFunction_Vectorcall|cfunction_|method_vectorcall|vectorcall_|"
                         r"slot_tp_call|_PyCFunction|PyCFunction_Call|_PyStack_)")
INTERPRETER_SYMBOL = re.compile(r"^(_?PyEval_|ceval|_PyFrame|_PyEvalFrame|initialize_locals|"
                                r"pymain|Py_RunMain|_PyInterpreterFrame)")
CAPI_SYMBOL = re.compile(r"^(_?Py[A-Z]|PyPy|cpyext)")
# ev/backends/c_flight.c as cffi builds it: the module's library and its wrapper functions.
COMPILED_LIB = re.compile(r"_c_flight")
COMPILED_SYMBOL = re.compile(r"^(_cffi_f_ev_|ev_evaluate_batch|ev_rates)")


def categorize(frame):
    """The category of one frame (see CATEGORIES), placed by its profile's project (a frame
    made outside a profile reader is placed in ev's)."""
    if frame.category is None:
        from traces.project import EV
        EV.place(frame)
    return frame.category


def categorize_unplaced(frame, in_project):
    if frame.kind == "py":
        return PROJECT if in_project else categorize_python(frame.filename or "")
    if frame.kind == "jit":
        return JIT_CODE
    if frame.kind == "unknown":
        return UNKNOWN
    return categorize_native(frame.name or "", frame.library or "")


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


def categorize_native(symbol, library):
    named = not symbol.startswith("<")
    if "libpypy" in library:  # its named symbols: the exported C-API, PyPy* (cpyext), and GC
        if named and CAPI_SYMBOL.search(symbol):
            return CAPI
        return ALLOC_GC if named and ALLOC_SYMBOL.search(symbol) else PYPY_RUNTIME
    if COMPILED_LIB.search(library) or (named and COMPILED_SYMBOL.match(symbol)):
        return COMPILED
    if NUMPY_LIB.search(library) or (named and NUMPY_SYMBOL.match(symbol)):
        return NUMPY_NATIVE
    if not named:
        return INTERPRETER if library.startswith(("python", "libpython")) else (
            OTHER if library else UNKNOWN)
    for pattern, category in ((ALLOC_SYMBOL, ALLOC_GC), (CALL_SYMBOL, CALLS),
                              (INTERPRETER_SYMBOL, INTERPRETER), (CAPI_SYMBOL, CAPI)):
        if pattern.search(symbol):
            return category
    if library.startswith(("python", "libpython")) or not library:
        return INTERPRETER
    return OTHER


def project_file(frame):
    """The project-relative file of a project frame, else None."""
    return frame.where if categorize(frame) == PROJECT else None
