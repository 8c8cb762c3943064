# The optional MPI part of the set-up (issue 28), to be sourced by scripts/setup_envs.sh after
# its own helpers (say, is_root, apt_install):
#     source "$(dirname "${BASH_SOURCE[0]}")/setup_mpi.sh"
#     setup_mpi "$CPYTHON_VENV"; setup_mpi "$PYPY_VENV"
# MPICH (Debian's mpich + libmpich-dev: mpiexec and mpicc) and mpi4py, built from source
# against that MPICH in the venv: PyPI's binary wheel of mpi4py looks for libmpi.so.12, which
# Debian's MPICH does not ship (it names it libmpich.so.12), and there is no wheel for PyPy.
# Measured on this 2-core machine: apt ~20 s; the mpi4py build ~4 min on CPython, ~5.5 min on
# PyPy (a busy machine); pip caches the built wheel, so a venv made again takes ~2 s.
# Absent MPI is no error: --executor mpi says what to install, tests/test_mpi.py skips.

setup_mpi() {
    local venv="$1" log="$1/mpi4py.log"
    if ! command -v mpicc >/dev/null 2>&1; then
        if ! apt_install mpich libmpich-dev; then
            say "note: no MPICH (apt-get install mpich libmpich-dev): --executor mpi will say so"
            return 0
        fi
    fi
    if "$venv/bin/python" -c "import mpi4py" >/dev/null 2>&1; then
        return 0
    fi
    say "pip install mpi4py in $venv (built against MPICH: minutes on a first build)"
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check --no-binary mpi4py \
            mpi4py > "$log" 2>&1; then
        say "note: could not build mpi4py (see $log); --executor mpi will say not installed"
    fi
    return 0
}
