#!/usr/bin/env bash
# Set up (venvs for CPython and PyPy, PyPy itself when missing and permitted) and run the test
# suite on both interpreters.  Extra arguments go to pytest.
set -u
source "$(dirname "$0")/scripts/setup_envs.sh"
cd "$EV_ROOT"

setup_cpython || exit 1
setup_pypy || true

export EV_CPYTHON_PY="$CPYTHON_PY" EV_PYPY_PY="$PYPY_PY"
status=0
echo "=== tests on CPython ($("$CPYTHON_PY" --version 2>&1)) ==="
"$CPYTHON_PY" -m pytest -q -p no:cacheprovider "$@" || status=1
if [ -n "$PYPY_PY" ]; then
    echo "=== tests on PyPy ($("$PYPY_PY" -c 'import sys; print(sys.version.split(chr(10))[-1])')) ==="
    "$PYPY_PY" -m pytest -q -p no:cacheprovider "$@" || status=1
else
    echo "=== tests on PyPy: NOT RUN: $PYPY_MISSING ==="
    status=1
fi
exit $status
