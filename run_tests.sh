#!/usr/bin/env bash
# Set up (venvs for CPython and PyPy, PyPy itself when missing and permitted) and run the test
# suite on both interpreters.  Extra arguments go to pytest.
set -u

# Test paths are the caller's (./run_tests.sh tests/test_x.py::test_y from any folder): made
# absolute before the tests run from the checkout.  The value of -k, -m, -p and -o is left alone.
args=() after_option=""
for arg in "$@"; do
    path="${arg%%::*}"
    if [ -z "$after_option" ] && [ -e "$path" ] && { [ -d "$path" ] || [ "${path%.py}" != "$path" ]; }; then
        arg="$(cd "$(dirname "$path")" && pwd)/$(basename "$path")${arg#"$path"}"
    fi
    case "$arg" in -k|-m|-p|-o) after_option=1 ;; *) after_option="" ;; esac
    args+=("$arg")
done
set -- ${args[@]+"${args[@]}"}

# Everything the tests need: the extras test (pytest, the samplers), bench and mpi (MPICH).
export EV_EXTRAS="test bench mpi"
source "$(dirname "$0")/scripts/setup_envs.sh"
cd "$EV_ROOT"

setup_both || exit $?

export EV_CPYTHON_PY="$CPYTHON_PY" EV_PYPY_PY="$PYPY_PY"
status=0
echo "=== tests on CPython ($("$CPYTHON_PY" --version 2>&1)) ==="
"$CPYTHON_PY" -m pytest -q -p no:cacheprovider "$@" || status=1
if [ -n "$PYPY_PY" ]; then
    echo "=== tests on PyPy ($("$PYPY_PY" -c 'import sys; print(sys.version.split(chr(10))[-1])')) ==="
    # PyPy before 7.3.16 (Debian's is 7.3.11) can crash in pytest's assertion rewriting: a bug
    # of its incremental GC, fixed in 7.3.16 (pypy/pypy#3959, pytest-dev/pytest#11168); plain
    # asserts avoid it, at the price of shorter failure messages on PyPy.
    plain=()
    "$PYPY_PY" -c 'import sys; sys.exit(sys.pypy_version_info >= (7, 3, 16))' && plain=(--assert=plain)
    "$PYPY_PY" -m pytest -q -p no:cacheprovider ${plain[@]+"${plain[@]}"} "$@" || status=1
else
    echo "=== tests on PyPy: NOT RUN: $PYPY_MISSING ==="
    status=1
fi
exit $status
