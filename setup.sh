#!/usr/bin/env bash
# ./setup.sh [EXTRA ...]: set up the venvs (.venv/cpython, .venv/pypy) as ./run_all.sh does, and
# add the extras named: mpi (MPICH and mpi4py, for --executor mpi; ~3 min, mpi4py is compiled
# here), bench (the studies' packages: pycma, pyperf), test (what ./run_tests.sh needs).
# ./run_all.sh needs none of them; ./run_tests.sh installs all of them itself.
set -u
for extra in "$@"; do
    case "$extra" in
        mpi|bench|test) ;;
        -h|--help) sed -n '2,5s/^# \{0,1\}//p' "$0"; exit 0 ;;
        *) echo "setup.sh: unknown extra '$extra' (choose from: mpi, bench, test)" >&2; exit 2 ;;
    esac
done
export EV_EXTRAS="$*"
source "$(dirname "$0")/scripts/setup_envs.sh"
setup_both || exit $?
[ -n "$PYPY_PY" ] || echo "[setup] the PyPy venv is not set up: $PYPY_MISSING" >&2
