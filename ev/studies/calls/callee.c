/* The cheapest functions a C extension can offer, one per calling convention, for the
   calls study (ev bench calls): what crossing from Python into C costs before any work is done.
   On CPython the call goes through the C-API; on PyPy through cpyext. */
#define PY_SSIZE_T_CLEAN
#include <Python.h>

static PyObject *no_args(PyObject *module, PyObject *unused)
{
    Py_RETURN_NONE;
}

static PyObject *one_arg(PyObject *module, PyObject *arg)
{
    Py_INCREF(arg);
    return arg;
}

static PyObject *two_args(PyObject *module, PyObject *args)
{
    PyObject *first, *second;
    if (!PyArg_UnpackTuple(args, "two_args", 2, 2, &first, &second))
        return NULL;
    Py_INCREF(first);
    return first;
}

static PyMethodDef callee_methods[] = {
    {"no_args", no_args, METH_NOARGS, "Return None (METH_NOARGS)."},
    {"one_arg", one_arg, METH_O, "Return the argument (METH_O)."},
    {"two_args", two_args, METH_VARARGS, "Return the first of two arguments (METH_VARARGS)."},
    {NULL, NULL, 0, NULL}
};

static struct PyModuleDef callee_module = {
    PyModuleDef_HEAD_INIT, "_callee", "Trivial C-API functions to time calls with.", -1,
    callee_methods
};

PyMODINIT_FUNC PyInit__callee(void)
{
    return PyModule_Create(&callee_module);
}
