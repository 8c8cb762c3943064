"""Issue 33 item 3: libpython's C functions by what they do, symbol by symbol (names from
CPython 3.11-3.14's libpython as vmprof, perf and py-spy --native report them), and
extensions by their library."""
import pytest

from traces.categories import (ALLOC_GC, ATTRIBUTES, CALLS, CAPI, CONTAINERS, IMPORT_COMPILE,
                               INTERPRETER, NUMBERS, NUMPY_NATIVE, OTHER, PYPY_RUNTIME,
                               categorize_native)

LIBPYTHON = "libpython3.11.so.1.0"

EXPECTED = {
    INTERPRETER: ["_PyEval_EvalFrameDefault", "_PyEval_EvalFrame", "_PyFrame_Clear",
                  "initialize_locals", "_Py_Specialize_LoadAttr", "gen_send_ex2",
                  "gen_iternext", "Py_RunMain", "pymain_run_python", "_PyEval_EvalCode",
                  "PyEval_EvalCode", "_PyThreadState_PushFrame"],
    ATTRIBUTES: ["type_getattro", "_PyObject_GenericGetAttrWithDict",
                 "PyObject_GenericGetAttr", "_PyType_Lookup", "find_name_in_mro",
                 "slot_tp_getattr_hook", "_PyObject_GetMethod", "PyObject_GetAttr",
                 "PyObject_SetAttr", "_PyObject_GenericSetAttrWithDict", "func_descr_get",
                 "property_descr_get", "_PyObject_LookupSpecial", "super_getattro",
                 "module_getattro", "_PyObject_StoreInstanceAttribute", "method_get"],
    CALLS: ["_PyObject_Call", "object_vacall", "_PyObject_MakeTpCall", "_PyFunction_Vectorcall",
            "PyObject_Vectorcall", "cfunction_vectorcall_O", "cfunction_call",
            "method_vectorcall_FASTCALL", "slot_tp_call", "slot_nb_subtract",
            "slot_nb_multiply", "slot_tp_init", "vectorcall_method", "_PyEval_Vector",
            "_Py_CheckFunctionResult", "builtin_isinstance", "wrapper_call", "type_call"],
    NUMBERS: ["float_div", "float_pow", "float_add", "float_mul", "float_richcompare",
              "_PyLong_Add", "long_add", "long_mul", "x_add", "k_mul", "PyNumber_Add",
              "PyNumber_Multiply", "binary_op1", "PyFloat_AsDouble", "math_sqrt",
              "math_1_to_whatever", "_Py_dg_dtoa", "long_richcompare", "complex_add"],
    ALLOC_GC: ["PyFloat_FromDouble", "PyLong_FromLong", "_PyLong_New", "PyTuple_New",
               "PyType_GenericAlloc", "_PyObject_GC_NewVar", "PyObject_GC_Del",
               "_PyObject_Malloc", "PyObject_Free", "_PyObject_Free", "float_dealloc",
               "tupledealloc", "subtype_dealloc", "_Py_Dealloc", "subtype_traverse",
               "dict_traverse", "list_traverse", "visit_decref", "visit_reachable",
               "gc_collect_main", "deduce_unreachable", "move_unreachable",
               "subtract_refs", "update_refs", "malloc", "free", "_int_free", "_int_malloc",
               "cfree", "_Py_NewReference", "PyMem_Malloc", "new_arena",
               "_PyObject_ClearInstanceAttributes", "_PyObject_VisitInstanceAttributes"],
    CONTAINERS: ["_Py_dict_lookup", "insertdict", "dict_subscript", "PyDict_GetItem",
                 "PyDict_SetItem", "_PyDict_GetItem_KnownHash", "lookdict_unicode_nodummy",
                 "unicode_hash", "PyUnicode_Concat", "_PyUnicode_JoinArray",
                 "unicode_compare_eq", "list_append", "PyList_Append", "list_resize",
                 "listiter_next", "tupleiter_next", "PyTuple_GetItem", "enum_next",
                 "rangeiter_next", "set_add_entry", "PySequence_GetItem", "PyIter_Next",
                 "zip_next", "memcpy", "__memmove_avx_unaligned_erms",
                 "PyObject_RichCompare", "do_richcompare", "PyObject_Hash"],
    IMPORT_COMPILE: ["_PyAST_Compile", "compiler_visit_expr1", "compiler_body",
                     "_PyPegen_run_parser", "_PyParser_ASTFromString", "tok_get",
                     "_PyTokenizer_Get", "_PySymtable_Build", "symtable_visit_stmt",
                     "PyMarshal_ReadObjectFromString", "r_object", "PyImport_ImportModule",
                     "_imp_create_dynamic", "builtin___import__", "builtin_compile",
                     "Py_CompileStringObject", "_PyCode_Validate", "assemble",
                     "astfold_expr", "makecode", "star_named_expressions_rule",
                     "_loop0_97", "_gather_12", "type_new", "update_one_slot"],
}


@pytest.mark.parametrize("category, symbol", [
    (category, symbol) for category, symbols in EXPECTED.items() for symbol in symbols])
def test_libpython_symbol_is_what_it_does(category, symbol):
    assert categorize_native(symbol, LIBPYTHON) == category


@pytest.mark.parametrize("symbol, library, category", [
    ("pow", "libm.so.6", NUMBERS), ("__ieee754_pow_fma", "libm.so.6", NUMBERS),
    ("DOUBLE_add", "_multiarray_umath.cpython-311-x86_64-linux-gnu.so", NUMPY_NATIVE),
    ("dgemv_t_HASWELL", "libopenblas64_p-r0-15028c96.3.21.so", NUMPY_NATIVE),
    ("some_function", "_mine.cpython-311-x86_64-linux-gnu.so", OTHER),
    ("PyNumber_Add", LIBPYTHON, NUMBERS), ("PyObject_Repr", LIBPYTHON, CAPI),
    ("_Py_read", LIBPYTHON, CAPI), ("_io_FileIO___init__", LIBPYTHON, CAPI),
    ("PyErr_Format", LIBPYTHON, CAPI),
    ("PyPyFloat_FromDouble", "libpypy3.9-c.so", CAPI),
    ("<libpypy3.9-c.so>", "libpypy3.9-c.so", PYPY_RUNTIME),
])
def test_extensions_and_other_libraries_by_library(symbol, library, category):
    assert categorize_native(symbol, library) == category


# Issue 33 item 2: traces knows none of ev's categories; ev passes its C evaluation in.
EV_C_FRAMES = [("ev_evaluate_batch", "_c_flight.cpython-311-x86_64-linux-gnu.so", ""),
               ("_cffi_f_ev_evaluate_batch", "", ""),
               ("rates", "", "/tmp/ev-c-build-x/ev/backends/_c_flight.c"),   # py-spy's name
               ("fly", "_c_flight.pypy39-pp73-x86_64-linux-gnu.so", "")]


@pytest.mark.parametrize("symbol, library, source", EV_C_FRAMES)
def test_a_category_passed_in_takes_its_frames_and_only_when_passed(symbol, library, source):
    from ev.backends.c_build import PROFILE_CATEGORY
    from traces.categories import CATEGORIES
    assert PROFILE_CATEGORY.name not in CATEGORIES
    assert categorize_native(symbol, library, (PROFILE_CATEGORY,), source) == \
        PROFILE_CATEGORY.name
    assert categorize_native(symbol, library, (), source) != PROFILE_CATEGORY.name


def test_a_category_passed_in_does_not_take_other_frames():
    from ev.backends.c_build import PROFILE_CATEGORY
    extra = (PROFILE_CATEGORY,)
    assert categorize_native("DOUBLE_add", "_multiarray_umath.so", extra) == NUMPY_NATIVE
    assert categorize_native("float_div", LIBPYTHON, extra) == NUMBERS
    assert categorize_native("<_mine.so>", "_mine.so", extra) == OTHER


def test_categories_passed_in_a_recording_description_are_checked(tmp_path):
    import json
    from traces.errors import InputError
    from traces.project import Project
    profile = tmp_path / "p.prof"
    for bad in ([{"name": "project code"}], [{"name": "x", "library": "("}], "nope",
                [{"library": "x"}]):
        (tmp_path / "p.prof.meta.json").write_text(json.dumps({"categories": bad}))
        with pytest.raises(InputError):
            Project.for_profile(str(profile))
    (tmp_path / "p.prof.meta.json").write_text(json.dumps(
        {"categories": [{"name": "mine", "library": "_mine", "symbol": ""}]}))
    project = Project.for_profile(str(profile))
    assert [e.name for e in project.extra] == ["mine"]


@pytest.mark.parametrize("symbol, library, source", [
    ("encoder_listencode_dict", "python3.11", "/build/Python-3.11.7/Modules/_json.c"),
    ("_pysqlite_query_execute", "_sqlite3.cpython-311-x86_64-linux-gnu.so",
     "Modules/_sqlite/cursor.c"),
    ("time_sleep", "python3.11", "Modules/timemodule.c"),
    ("ascii_escape_unicode", "/usr/lib/python3.11/lib-dynload/_json.cpython-311.so", "")])
def test_the_standard_librarys_c_modules_are_the_standard_library(symbol, library, source):
    """json_dumps recorded with py-spy --native read 58.8% 'C-API, I/O, errors': _json's
    encoder (a new user's trial on pyperformance)."""
    from traces.categories import STDLIB
    assert categorize_native(symbol, library, (), source) == STDLIB
