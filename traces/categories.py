"""Which part of the stack a profile frame belongs to: the question a profile answers here."""
import os
import re

PROJECT = "project code"
NUMPY_PY = "numpy (Python layer)"
NUMPY_NATIVE = "numpy / BLAS (native)"
CAPI = "cpyext / C-API layer"
ALLOC_GC = "allocation & GC"
JIT_CODE = "JIT-compiled code"
INTERPRETER = "interpreter"
PYPY_RUNTIME = "PyPy runtime, unnamed (cpyext, GC or interpreter)"
OTHER = "other Python / libraries"
UNKNOWN = "unknown native"

CATEGORIES = (PROJECT, NUMPY_PY, NUMPY_NATIVE, CAPI, ALLOC_GC, JIT_CODE, INTERPRETER,
              PYPY_RUNTIME, OTHER, UNKNOWN)

PROJECT_ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PROJECT_PACKAGES = tuple(os.path.join(PROJECT_ROOT, p) + os.sep
                         for p in ("ev", "specialized", "traces"))

NUMPY_LIB = re.compile(r"numpy|_multiarray|_umath|openblas|gfortran|quadmath|lapack|blas", re.I)
NUMPY_SYMBOL = re.compile(r"^(PyArray|npy_|NpyIter|ufunc|array_|PyUFunc|cblas|dgemv|dgemm|ddot|"
                          r"dscal|daxpy|.*_HASWELL|.*_SKYLAKEX|.*_ZEN|.*_SANDYBRIDGE|gemv|"
                          r"DOUBLE_|LONG_|trivial_|.*_dot)")
ALLOC_SYMBOL = re.compile(r"malloc|calloc|realloc|free$|^free|_int_free|mmap|munmap|"
                          r"PyObject_Malloc|PyObject_Free|PyMem_|_PyObject_GC|gc_collect|"
                          r"_PyObject_New|dealloc|PyObject_GC|arena|_Py_Dealloc|"
                          r"^gc_|^pypy_g_.*(collect|malloc)", re.I)
INTERPRETER_SYMBOL = re.compile(r"^(_?PyEval_|_PyFunction_|_PyObject_Vectorcall|ceval|"
                                r"_PyFrame|pymain|Py_RunMain)")
CAPI_SYMBOL = re.compile(r"^(_?Py[A-Z]|PyPy|cpyext)")


def categorize(frame):
    """The category of one frame (see CATEGORIES)."""
    if frame.kind == "py":
        return categorize_python(frame.filename or "")
    if frame.kind == "jit":
        return JIT_CODE
    if frame.kind == "unknown":
        return UNKNOWN
    return categorize_native(frame.name or "", frame.library or "")


def categorize_python(filename):
    if filename.startswith(PROJECT_PACKAGES):
        return PROJECT
    if "%snumpy%s" % (os.sep, os.sep) in filename:
        return NUMPY_PY
    return OTHER


def categorize_native(symbol, library):
    named = not symbol.startswith("<")
    if named and ALLOC_SYMBOL.search(symbol):
        return ALLOC_GC
    if NUMPY_LIB.search(library) or (named and NUMPY_SYMBOL.match(symbol)):
        return NUMPY_NATIVE
    if "libpypy" in library:
        return CAPI if named and CAPI_SYMBOL.match(symbol) else PYPY_RUNTIME
    if named and INTERPRETER_SYMBOL.match(symbol):
        return INTERPRETER
    if named and CAPI_SYMBOL.match(symbol):
        return CAPI
    if library.startswith(("python", "libpython")):
        return INTERPRETER
    if not library:
        return INTERPRETER if named else UNKNOWN
    return OTHER


def project_file(frame):
    """The project-relative file of a project frame, else None."""
    if frame.kind == "py" and (frame.filename or "").startswith(PROJECT_PACKAGES):
        return os.path.relpath(frame.filename, PROJECT_ROOT)
    return None
