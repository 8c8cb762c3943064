"""Sort JIT trace operations into the classes a person looks for when reading a trace."""
import re

CLASSES = ("float", "int", "guard", "read", "write", "alloc", "call", "jit_call", "cpyext",
           "other")

CLASS_TITLES = {
    "float": "float arithmetic", "int": "int arithmetic", "guard": "guards",
    "read": "memory reads", "write": "memory writes", "alloc": "allocations",
    "call": "residual calls", "jit_call": "JIT-to-JIT calls",
    "cpyext": "cpyext (C-API emulation)", "other": "other",
}

# Bookkeeping that emits no machine code of note; not counted at all.
META = frozenset(("debug_merge_point", "label", "jump", "enter_portal_frame",
                  "leave_portal_frame", "force_token", "keepalive", "same_as_i", "same_as_r",
                  "same_as_f", "virtual_ref_r", "virtual_ref_finish", "record_exact_class",
                  "record_exact_value_r", "record_exact_value_i", "increment_debug_counter"))

ALLOC_OPS = frozenset(("new", "new_with_vtable", "new_array", "new_array_clear", "newstr",
                       "newunicode"))
CPYEXT_CALLEES = re.compile(
    r"cpy_call_external|as_pyobj|from_ref|PyErr_Occurred|tuple_from_args_w|w_kwargs_from_args|"
    r"_PyPy_Dealloc|make_ref|create_ref|decref|incref|W_PyCWrapperObject|W_PyCFunctionObject|"
    r"W_PyCMethodObject|cpyext")
REFCOUNT_FIELD = "ob_refcnt"
RAW_MALLOC = "raw_malloc"


def classify(name, args=""):
    """The class of one op (see CLASSES), or None for bookkeeping ops."""
    if name in META:
        return None
    if name.startswith(("call", "cond_call")) or name.startswith(("getfield_raw", "setfield_raw")):
        if CPYEXT_CALLEES.search(args) or REFCOUNT_FIELD in args:
            return "cpyext"
    if name.startswith("getfield_gc") and "W_PyCWrapperObject" in args:
        return "cpyext"
    if name in ALLOC_OPS or name.startswith("call_malloc"):
        return "alloc"
    if name.startswith("call_assembler"):
        return "jit_call"
    if name.startswith(("call", "cond_call")):
        return "alloc" if RAW_MALLOC in args else "call"
    if name.startswith("guard"):
        return "guard"
    if name.startswith(("float_", "cast_float", "cast_int_to_float", "cast_singlefloat",
                        "convert_float", "convert_longlong_bytes_to_float")):
        return "float"
    if name.startswith(("int_", "uint_")):
        return "int"
    if name.startswith(("get", "arraylen", "strlen", "unicodelen", "strgetitem",
                        "unicodegetitem", "raw_load", "gc_load")):
        return "read"
    if name.startswith(("set", "raw_store", "zero_array", "strsetitem", "unicodesetitem",
                        "copystrcontent", "copyunicodecontent", "gc_store")):
        return "write"
    return "other"


def empty_counts():
    return dict((c, 0) for c in CLASSES)


def count_ops(ops):
    counts = empty_counts()
    for op in ops:
        cls = classify(op.name, op.args)
        if cls is not None:
            counts[cls] += 1
    return counts
