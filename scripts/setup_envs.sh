# Sourced by run_all.sh and run_tests.sh: make one virtual environment per interpreter with
# ev installed in it.  Afterwards CPYTHON_PY (always) and PYPY_PY (empty when PyPy cannot be
# had, with the reason in PYPY_MISSING) name the venvs' interpreters.
# Re-running when everything is in place costs a second: a stamp records what was installed.

EV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_ROOT="${EV_VENV_ROOT:-$EV_ROOT/.venv}"
CPYTHON_PY=""
PYPY_PY=""
PYPY_MISSING=""

say() { echo "[setup] $*" >&2; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
    # apt_install PKG...: install Debian packages when we may; return 1 when we may not.
    if ! is_root || ! command -v apt-get >/dev/null 2>&1; then
        return 1
    fi
    if [ -z "${EV_APT_UPDATED:-}" ]; then
        say "apt-get update (a fresh machine's package lists may be empty)"
        apt-get update -qq > /dev/null 2>&1 || { say "error: apt-get update failed"; return 1; }
        EV_APT_UPDATED=1
    fi
    # dpkg prints a progress line per package whatever -qq says: keep it in a log, shown on
    # failure, as pip's output is.
    local log="${TMPDIR:-/tmp}/ev-apt-$$.log"
    say "apt-get install -y $*"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > "$log" 2>&1; then
        tail -20 "$log" >&2
        say "error: apt-get install failed (full output in $log)"
        return 1
    fi
    say "installed: $*"
    rm -f "$log"
}

install_stamp() {
    # What the venv must hold: the package's metadata, the optional packages this script
    # installs, and the interpreter it was made with.
    cat "$EV_ROOT/setup.cfg" "$EV_ROOT/pyproject.toml" "${BASH_SOURCE[0]}" | cksum | cut -d' ' -f1
}

make_venv() {
    # make_venv NAME PYTHON: a venv at $VENV_ROOT/NAME with ev (editable) and pytest in it.
    local name="$1" python="$2" venv="$VENV_ROOT/$1"
    local stamp_file="$venv/.ev-installed" stamp
    stamp="$(install_stamp)-$("$python" -c 'import sys; print(sys.version.split()[0])')"
    if [ -x "$venv/bin/python" ] && [ "$(cat "$stamp_file" 2>/dev/null)" = "$stamp" ]; then
        say "using $venv (up to date)"
        build_c "$venv"
        echo "$venv/bin/python"
        return 0
    fi
    say "creating $venv with $python"
    rm -rf "$venv"
    mkdir -p "$VENV_ROOT"
    "$python" -m venv "$venv" >&2 || return 1
    say "installing ev and its dependencies into $venv (numpy, click, matplotlib, vmprof, pytest, cma)"
    local log="$venv/pip.log"
    if ! { "$venv/bin/python" -m pip install --disable-pip-version-check --upgrade pip &&
           "$venv/bin/python" -m pip install --disable-pip-version-check -e "$EV_ROOT[test,bench]"
         } > "$log" 2>&1; then
        tail -20 "$log" >&2
        say "error: pip failed (full output in $log)"
        return 1
    fi
    say "installed: $(grep -o 'Successfully installed.*' "$log" | tail -1 | cut -c1-150)"
    install_optional "$venv"
    echo "$stamp" > "$stamp_file"
    build_c "$venv"
    echo "$venv/bin/python"
}

install_optional() {
    # What only some cells and benchmarks need: its absence is reported, never fatal.
    # numba exists for CPython only; PyPy has cffi built in.
    local venv="$1" packages="pyperf"
    if "$venv/bin/python" -c 'import sys; sys.exit(hasattr(sys, "pypy_version_info"))'; then
        packages="cffi numba pyperf"
    fi
    say "installing optional packages into $venv ($packages)"
    local log="$venv/pip-optional.log" package
    for package in $packages; do
        if ! "$venv/bin/python" -m pip install --disable-pip-version-check "$package" \
                >> "$log" 2>&1; then
            say "note: could not install $package (see $log); what needs it will say not run"
        fi
    done
}

build_c() {
    # What is compiled with the system's C compiler, rebuilt when its source changed: the c
    # cell's evaluation (cffi) and benchmarks.calls' trivial C-API functions.  Both need a
    # compiler and the interpreter's headers: a fresh Debian has neither, so when a build
    # fails they are installed (as root) and it is tried once more.  Without them the c cell
    # is reported as not run, and the C-extension rows of benchmarks.calls as not measured.
    local venv="$1"
    build_native "$venv" ev.backends.c_build "the c cell will not run"
    build_native "$venv" benchmarks.callee_build "benchmarks.calls will not time C-API calls"
}

build_native() {
    local venv="$1" module="$2" consequence="$3" log="$1/${2##*.}.log"
    "$venv/bin/python" -m "$module" --if-stale > "$log" 2>&1 && return 0
    if apt_install gcc libc6-dev python3-dev &&
            "$venv/bin/python" -m "$module" --if-stale > "$log" 2>&1; then
        return 0
    fi
    say "note: $module failed in $venv ($(tail -1 "$log")); $consequence"
}
setup_cpython() {
    local python="${EV_CPYTHON:-python3}"
    if ! command -v "$python" >/dev/null 2>&1; then
        say "error: $python not found"
        return 1
    fi
    if ! "$python" -c 'import venv, ensurepip' >/dev/null 2>&1; then
        # Debian's python3 comes without venv/ensurepip until python3-venv is installed.
        apt_install python3-venv || {
            say "error: $python cannot make virtual environments; run as root:"
            say "    apt-get update && apt-get install -y python3-venv"
            return 1
        }
    fi
    CPYTHON_PY="$(make_venv cpython "$python")" || {
        say "error: could not set up the CPython venv"
        return 1
    }
}

setup_pypy() {
    local pypy="${EV_PYPY:-pypy3}"
    if ! command -v "$pypy" >/dev/null 2>&1 || ! "$pypy" -c 'import venv, ensurepip' >/dev/null 2>&1
    then
        if [ -n "${EV_NO_INSTALL:-}" ] || ! apt_install pypy3 pypy3-dev pypy3-venv; then
            PYPY_MISSING="PyPy ($pypy) is not installed; as root run: apt-get update && apt-get install -y pypy3 pypy3-dev pypy3-venv"
            say "$PYPY_MISSING"
            return 1
        fi
    fi
    PYPY_PY="$(make_venv pypy "$pypy")" || {
        PYPY_MISSING="could not set up the PyPy venv (see the messages above)"
        say "error: $PYPY_MISSING"
        PYPY_PY=""
        return 1
    }
}
