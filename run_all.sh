#!/usr/bin/env bash
# The matrix run: set up the venvs (CPython, and PyPy when a cell needs it), then `ev matrix`
# with the same options: every interpreter x variant in rounds, then the report.
# Cells, tasks, rounds and their rules live in Python (ev/cli/matrix.py; ./run_all.sh --help).
set -u

EV_HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
source "$EV_HERE/scripts/setup_envs.sh"
export EV_MATRIX_PROG="run_all.sh"
# This checkout's code, wherever the user stands (the venvs' editable install may point at
# another checkout); relative paths in the options stay relative to where the user stands.
export PYTHONPATH="$EV_ROOT${PYTHONPATH:+:$PYTHONPATH}"

# A first set-up makes both venvs at once (the default run needs PyPy; their downloads
# overlap); later ones check the CPython venv, then the options say whether PyPy is needed.
if [ -e "$VENV_ROOT/cpython/$STAMP_NAME" ] || [ -e "$VENV_ROOT/pypy/$STAMP_NAME" ]; then
    setup_cpython || exit 1
    first=""
else
    setup_both || exit $?
    first=1
fi
# Every option is checked before anything is run (exit 2, one line); the answer says
# whether the host's PyPy is needed.
needs="$("$CPYTHON_PY" -m ev matrix --check "$@")" || exit $?
case "$needs" in
    "") ;;
    pypy) [ -n "$first" ] || setup_pypy || true ;;
    *) printf '%s\n' "$needs"; exit 0 ;;   # --help
esac
export EV_CPYTHON_PY="$CPYTHON_PY" EV_PYPY_PY="$PYPY_PY" EV_PYPY_MISSING="$PYPY_MISSING"
exec "$CPYTHON_PY" -m ev matrix "$@"
