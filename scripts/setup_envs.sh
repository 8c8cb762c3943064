# Sourced by run_all.sh and run_tests.sh: make one virtual environment per interpreter with
# ev installed in it.  Afterwards CPYTHON_PY (always) and PYPY_PY (empty when PyPy cannot be
# had, with the reason in PYPY_MISSING) name the venvs' interpreters.
# Re-running when everything is in place costs a second or two: a stamp records what was
# installed, and a check (scripts/venv_check.py) that it is still there and still imports.
#
# EV_EXTRAS names what to install beyond the main job's needs, by the extras of setup.cfg:
# "test" (pytest, the samplers and programs the tests check against), "bench" (the studies'
# packages), "mpi" (MPICH and mpi4py, for --executor mpi).  ./run_all.sh asks for none,
# ./run_tests.sh for all, ./setup.sh for those named.  A stamped venv that lacks a package of an
# extra asked for gets just that package, not a new venv.

EV_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV_ROOT="${EV_VENV_ROOT:-$EV_ROOT/.venv}"
case "$VENV_ROOT" in /*) ;; *) VENV_ROOT="$PWD/$VENV_ROOT" ;; esac
CPYTHON_PY=""
PYPY_PY=""
PYPY_MISSING=""

say() { echo "[setup] $*" >&2; }

since() {
    # since START: the seconds from START (an earlier $(now)) to now, as "12 s".
    echo "$(( $(date +%s) - $1 )) s"
}

now() { date +%s; }

is_root() { [ "$(id -u)" = 0 ]; }

apt_install() {
    # apt_install PKG...: install Debian packages when we may (root, apt-get, EV_NO_INSTALL
    # unset); return 1 when we may not.
    if [ -n "${EV_NO_INSTALL:-}" ] || ! is_root || ! command -v apt-get >/dev/null 2>&1; then
        return 1
    fi
    if [ -z "${EV_APT_UPDATED:-}" ]; then
        local updated
        updated="$(now)"
        apt-get update -qq > /dev/null 2>&1 || { say "error: apt-get update failed"; return 1; }
        say "apt-get update ($(since "$updated"))"
        EV_APT_UPDATED=1
    fi
    # dpkg prints a progress line per package whatever -qq says: keep it in a log, shown on
    # failure, as pip's output is.
    local log="${TMPDIR:-/tmp}/ev-apt-$$.log" start
    start="$(now)"
    if ! DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" > "$log" 2>&1; then
        tail -20 "$log" >&2
        say "error: apt-get install failed (full output in $log)"
        return 1
    fi
    say "apt-get install $* ($(since "$start"))"
    rm -f "$log"
}

# The stamp, $venv/.ev-installed, says the venv is complete.  It is written last, in one
# rename, once everything it names is in place: a venv without it is unfinished (Ctrl-C, a
# kill, a failure) and the next set-up makes it anew.  (Building in a scratch folder and
# renaming it into place would not do: a venv's scripts name the folder they were made in.)
# Its first three lines say what the venv was made from and where:
#     inputs CKSUM python VERSION   the package's metadata, these scripts, the interpreter
#     checkout PATH                 the folder ev is installed from (editable)
#     venv PATH                     the venv's own folder
# so that a venv copied from another checkout, or moved, is made anew rather than taken for
# this one.  Both are real paths, and compared as such (``same_place``): the venv reached
# through a link (.venv -> a folder made with EV_VENV_ROOT) is the same venv, not a copy.
# Then a line per optional package: "optional NAME ok" or "optional NAME absent: WHY" (or
# "broken: WHY" when reinstalling did not mend it).
STAMP_NAME=".ev-installed"

real_path() {
    # real_path PATH: PATH with every link resolved (its last parts may not exist yet).
    realpath -m -- "$1" 2>/dev/null || echo "$1"
}

stamp_header() {
    local python="$1" venv="$2" version
    version="$("$python" -c 'import sys; print(sys.version.split()[0])')" || return 1
    echo "inputs $(cat "$EV_ROOT/setup.cfg" "$EV_ROOT/pyproject.toml" "${BASH_SOURCE[0]}" \
                   "$EV_ROOT/scripts/venv_check.py" | cksum | cut -d' ' -f1) python $version"
    echo "checkout $(real_path "$EV_ROOT")"
    echo "venv $(real_path "$venv")"
}

same_place() {
    # same_place STAMP HEADER: do the stamp's checkout and venv lines name the header's
    # folders?  Compared as real paths, so that a stamp written before they were resolved
    # (or through another link to the same folder) still fits.
    local line
    for line in checkout venv; do
        [ "$(real_path "$(sed -n "s/^$line //p" "$1")")" = \
          "$(real_path "$(echo "$2" | sed -n "s/^$line //p")")" ] || return 1
    done
}

write_stamp() {
    # write_stamp VENV HEADER OPTIONAL_LINES: whole or not at all.
    { echo "$2"; [ -z "$3" ] || echo "$3"; } > "$1/$STAMP_NAME.tmp" &&
        mv -f "$1/$STAMP_NAME.tmp" "$1/$STAMP_NAME"
}

interrupted() {
    # Ctrl-C or SIGTERM while making a venv: say so and die of the same signal, so that the
    # script that sourced this one stops too.  Needed because pip catches Ctrl-C and exits 1,
    # which bash takes for an ordinary failure and goes on: to the next package, and to the
    # stamp (issue 24: numba half-installed in a venv stamped complete).
    if [ -f "$2/$STAMP_NAME" ]; then
        say "interrupted: $2 is stamped complete; the next set-up checks it again"
    else
        say "interrupted: $2 is left unstamped; the next set-up makes it anew"
    fi
    trap - "$1"
    kill -"$1" "$BASHPID"
}

make_venv() (
    # make_venv NAME PYTHON: a venv at $VENV_ROOT/NAME with ev (editable) and pytest in it;
    # prints its python.  A subshell, so that its traps end with it.
    venv="$VENV_ROOT/$1" python="$2"
    trap 'interrupted INT "$venv"' INT
    trap 'interrupted TERM "$venv"' TERM
    header="$(stamp_header "$python" "$venv")" || exit 1
    [ -n "$(stale_reason "$venv" "$header")" ] || check_venv "$venv" "$header" || exit 1
    why="$(stale_reason "$venv" "$header")"
    if [ -n "$why" ]; then
        say "$why"
        fresh_venv "$python" "$venv" "$header" || exit 1
    fi
    build_c "$venv"
    echo "$venv/bin/python"
)

stale_reason() {
    # Why the venv at $1 must be made anew (nothing when its stamp is this set-up's).
    local venv="$1" header="$2" stamp="$1/$STAMP_NAME"
    if [ ! -e "$venv" ]; then
        echo "creating $venv"
    elif [ ! -x "$venv/bin/python" ] || [ ! -f "$stamp" ]; then
        echo "$venv was never completed (interrupted?): making it anew"
    elif ! head -1 "$stamp" | grep -q '^inputs '; then
        echo "$venv was made by an older set-up: making it anew"
    elif ! same_place "$stamp" "$header"; then
        echo "$venv was made for the checkout $(sed -n 's/^checkout //p' "$stamp") at $(sed -n 's/^venv //p' "$stamp") (copied?): making it anew"
    elif [ "$(head -1 "$stamp")" != "$(echo "$header" | head -1)" ]; then
        echo "$venv was made from another setup.cfg, set-up script or interpreter: making it anew"
    fi
}

check_venv() {
    # A stamped venv: does ev come from this checkout, and does every optional package the
    # stamp calls ok import?  A broken one (an interrupted install leaves a package that is
    # found but fails to import) is reinstalled, and what stays broken is recorded as such.
    # ev installed from elsewhere: the stamp goes, and the caller makes the venv anew.
    local venv="$1" header="$2" stamp="$1/$STAMP_NAME" problems line name
    if problems="$("$venv/bin/python" -I "$EV_ROOT/scripts/venv_check.py" "$EV_ROOT" \
                   --stamp "$stamp" $(sed -n 's/^optional \([^ ]*\) ok$/\1/p' "$stamp"))"; then
        add_missing "$venv" "$header"
        say "using $venv (up to date)"
        return 0
    fi
    if [ -z "$problems" ]; then
        say "$venv/bin/python cannot run the venv's check: making it anew"
        rm -f "$stamp"
        return 0
    fi
    if echo "$problems" | grep -q '^origin'; then
        say "$venv has ev installed from $(echo "$problems" | sed -n 's/^origin //p'), not from $EV_ROOT: making it anew"
        rm -f "$stamp"
        return 0
    fi
    OPTIONAL_LINES="$(sed -n '4,$p' "$stamp")"
    while IFS= read -r line; do
        name="$(echo "$line" | sed -n 's/^broken \([^:]*\): .*/\1/p')"
        [ -n "$name" ] || continue
        say "$name is installed in $venv but does not import (${line#broken $name: }): reinstalling it"
        OPTIONAL_LINES="$(echo "$OPTIONAL_LINES" | grep -v "^optional $name ")"
        install_one "$venv" "$name" --force-reinstall --no-deps
    done <<< "$problems"
    write_stamp "$venv" "$header" "$OPTIONAL_LINES"
}

add_missing() {
    # add_missing VENV HEADER: install what this set-up wants and the stamp does not name (an
    # extra asked for since: ./run_tests.sh after ./run_all.sh), and mpi4py when it was left
    # out for want of MPI and MPI is here now; then stamp again.  Nothing to do: no stamp write.
    local venv="$1" stamp="$1/$STAMP_NAME" package missing=""
    for package in $(wanted_packages "$venv"); do
        grep -q "^optional $(package_name "$package") " "$stamp" && continue
        missing="$missing $package"
    done
    if grep -q '^optional mpi4py absent: no MPI library' "$stamp" &&
            wants mpi4py "$venv" && command -v "${MPICC:-mpicc}" >/dev/null 2>&1; then
        say "MPI is here now: installing mpi4py into $venv"
        missing="$missing mpi4py"
    fi
    [ -n "$missing" ] || return 0
    OPTIONAL_LINES="$(sed -n '4,$p' "$stamp")"
    for package in $missing; do
        OPTIONAL_LINES="$(echo "$OPTIONAL_LINES" | grep -v "^optional $(package_name "$package") ")"
        install_one "$venv" "$package"
    done
    write_stamp "$venv" "$2" "$OPTIONAL_LINES"
}

wants() {
    # wants PACKAGE VENV: is PACKAGE among what this set-up installs into VENV?
    local package
    for package in $(wanted_packages "$2"); do
        [ "$(package_name "$package")" != "$1" ] || return 0
    done
    return 1
}

fresh_venv() {
    local python="$1" venv="$2" header="$3"
    rm -rf "$venv"
    mkdir -p "$VENV_ROOT"
    # Its output goes to a log, shown on failure: Ctrl-C would print the venv module's traceback.
    local venv_log="${TMPDIR:-/tmp}/ev-venv-$$.log" start
    start="$(now)"
    if ! "$python" -m venv "$venv" > "$venv_log" 2>&1; then
        tail -5 "$venv_log" >&2
        say "error: $python -m venv failed (full output in $venv_log)"
        return 1
    fi
    rm -f "$venv_log"
    say "made $venv ($(since "$start"))"
    start="$(now)"
    local log="$venv/pip.log"
    # (No { ...; } > log: a trap that runs inside a redirected group writes into the log.)
    if ! "$venv/bin/python" -m pip install --disable-pip-version-check --upgrade pip \
            > "$log" 2>&1 ||
       ! "$venv/bin/python" -m pip install --disable-pip-version-check -e "$EV_ROOT" \
            >> "$log" 2>&1; then
        tail -20 "$log" >&2
        say "error: pip failed (full output in $log)"
        return 1
    fi
    say "installed ev and what it needs in $venv: $(installed_names "$log") ($(since "$start"))"
    install_optional "$venv"
    write_stamp "$venv" "$header" "$OPTIONAL_LINES"
}

installed_names() {
    # The packages pip's log says it installed, by name: "numpy click ...".
    # All of them: a list cut short hides whether the one a user looks for (vmprof) is there.
    grep -o 'Successfully installed.*' "$1" | tail -1 | cut -d' ' -f3- |
        sed 's/-[0-9][^ ]*//g' | tr -s ' ' 
}

wanted_packages() {
    # What this set-up installs into the venv $1 beside ev's own dependencies, one requirement
    # a line, each optional (its absence is reported, never fatal): what the main job's cells
    # use (numba and cffi exist for CPython; PyPy has cffi built in and no numba), then the
    # packages of each extra in EV_EXTRAS, as setup.cfg's extras_require lists them for this
    # interpreter (scripts/extras.py evaluates their markers).
    if "$1/bin/python" -c 'import sys; sys.exit(hasattr(sys, "pypy_version_info"))'; then
        echo cffi
        echo numba
    fi
    [ -z "${EV_EXTRAS:-}" ] ||
        "$1/bin/python" -I "$EV_ROOT/scripts/extras.py" "$EV_ROOT/setup.cfg" $EV_EXTRAS
}

package_name() {
    # The name a requirement installs ("austin-dist==3.7.0" -> "austin-dist").
    echo "${1%%[<>=!~ ]*}"
}

install_optional() {
    # Install the optional packages one by one; their absence is reported, never fatal.  Sets
    # OPTIONAL_LINES, the stamp's record of each.
    local venv="$1" package packages
    packages="$(wanted_packages "$venv" | tr '\n' ' ')"
    OPTIONAL_LINES=""
    for package in $packages; do
        install_one "$venv" "$package"
    done
}

install_one() {
    # install_one VENV REQUIREMENT [PIP OPTIONS]: pip install it and check that it imports; adds
    # its line to OPTIONAL_LINES, by the package's name.
    local venv="$1" requirement="$2" package log="$1/pip-optional.log" why="" problem start
    package="$(package_name "$2")"
    shift 2
    start="$(now)"
    if [ "$package" = mpi4py ] && ! command -v "${MPICC:-mpicc}" >/dev/null 2>&1; then
        # (ensure_mpich has said so, once for both venvs)
        OPTIONAL_LINES="${OPTIONAL_LINES:+$OPTIONAL_LINES
}optional mpi4py absent: no MPI library (as root: apt-get install mpich libmpich-dev)"
        return 0
    elif ! "$venv/bin/python" -m pip install --disable-pip-version-check "$@" \
            $(built_here "$package") "$requirement" < /dev/null >> "$log" 2>&1; then
        why="pip could not install it: $(grep -v '^ *$' "$log" | tail -1 | cut -c1-150)"
    elif problem="$("$venv/bin/python" -I "$EV_ROOT/scripts/venv_check.py" "$EV_ROOT" "$package" |
                    grep "^broken")"; then
        OPTIONAL_LINES="${OPTIONAL_LINES:+$OPTIONAL_LINES
}optional $package broken: ${problem#broken $package: }"
        say "note: $package is installed in $venv but does not import (${problem#broken $package: }); what needs it will say so"
        return 0
    fi
    if [ -n "$why" ]; then
        say "note: no $package in $venv: $why (see $log); what needs it will say not run"
        OPTIONAL_LINES="${OPTIONAL_LINES:+$OPTIONAL_LINES
}optional $package absent: $why"
    else
        say "installed $package in $venv ($(since "$start"))"
        OPTIONAL_LINES="${OPTIONAL_LINES:+$OPTIONAL_LINES
}optional $package ok"
    fi
}

built_here() {
    # pip options for PACKAGE.  mpi4py is compiled here, against the MPI that mpicc names:
    # PyPI's binary wheel links libmpi.so.12, which Debian's MPICH does not provide (it
    # installs and then fails to import).  ~3 min in a PyPy venv, once (pip caches the wheel).
    [ "$1" != mpi4py ] || echo "--no-binary mpi4py"
}

ensure_mpich() {
    # MPICH, for mpi4py, when the extra "mpi" is asked for (--executor mpi says how to get it
    # when it is missing).  Once per run.  MPICC: the MPI compiler wrapper, as mpi4py's build
    # reads it (default mpicc).
    case " ${EV_EXTRAS:-} " in *" mpi "*) ;; *) return 0 ;; esac
    [ -z "${EV_MPI_CHECKED:-}" ] || return 0
    EV_MPI_CHECKED=1
    command -v "${MPICC:-mpicc}" >/dev/null 2>&1 && return 0
    apt_install mpich libmpich-dev && command -v "${MPICC:-mpicc}" >/dev/null 2>&1 && return 0
    say "note: no MPI (MPICH): mpi4py will not be installed and --executor mpi will say so; as root: apt-get install mpich libmpich-dev"
}

build_c() {
    # What is compiled with the system's C compiler, rebuilt when its source changed: the c
    # cell's evaluation (cffi) and the calls study's trivial C-API functions.  Both need a
    # compiler and the interpreter's headers: a fresh Debian has neither, so when a build
    # fails they are installed (as root) and it is tried once more.  Without them the c cell
    # is reported as not run, and the C-extension rows of ev bench calls as not measured.
    local venv="$1"
    build_native "$venv" ev.backends.c_build "the c cell will not run"
    build_native "$venv" ev.studies.calls.callee_build "ev bench calls will not time C-API calls"
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
    ensure_mpich
    CPYTHON_PY="$(make_venv cpython "$python")" || {
        say "error: could not set up the CPython venv"
        return 1
    }
}

setup_pypy() {
    local pypy="${EV_PYPY:-pypy3}"
    # An interpreter named by EV_PYPY that is not there: say so; installing Debian's pypy3
    # would not make that path appear.
    if [ -n "${EV_PYPY:-}" ] && ! command -v "$pypy" >/dev/null 2>&1; then
        PYPY_MISSING="EV_PYPY=$pypy: no such interpreter"
        say "error: $PYPY_MISSING"
        return 1
    fi
    if ! command -v "$pypy" >/dev/null 2>&1 || ! "$pypy" -c 'import venv, ensurepip' >/dev/null 2>&1
    then
        if ! apt_install pypy3 pypy3-dev pypy3-venv; then
            PYPY_MISSING="PyPy ($pypy) is not installed; as root run: apt-get update && apt-get install -y pypy3 pypy3-dev pypy3-venv"
            say "$PYPY_MISSING"
            return 1
        fi
    fi
    ensure_mpich
    PYPY_PY="$(make_venv pypy "$pypy")" || {
        PYPY_MISSING="could not set up the PyPy venv (see the messages above)"
        say "error: $PYPY_MISSING"
        PYPY_PY=""
        return 1
    }
}

debian_packages_missing() {
    # The Debian packages a first set-up of both venvs will need and the machine lacks, by
    # what is missing: venv/ensurepip, a C compiler and the interpreters' headers (the c
    # cell's and the calls study's builds), PyPy, MPICH (only with the extra mpi).
    local python="${EV_CPYTHON:-python3}" pypy="${EV_PYPY:-pypy3}"
    if command -v "$python" >/dev/null 2>&1; then
        "$python" -c 'import venv, ensurepip' >/dev/null 2>&1 || echo python3-venv
        "$python" -c 'import os, sysconfig, sys
sys.exit(not os.path.exists(os.path.join(sysconfig.get_paths()["include"], "Python.h")))' \
            2>/dev/null || echo python3-dev
    fi
    command -v gcc >/dev/null 2>&1 || echo gcc libc6-dev
    # vmprof's native frames (on PyPy, the JIT code's addresses) need libunwind.
    compgen -G "/usr/lib/*/libunwind.so.8" >/dev/null || compgen -G "/usr/lib/libunwind.so.8" \
        >/dev/null || echo libunwind8
    if [ -z "${EV_PYPY:-}" ] && { ! command -v "$pypy" >/dev/null 2>&1 ||
            ! "$pypy" -c 'import venv, ensurepip' >/dev/null 2>&1; }; then
        echo pypy3 pypy3-dev pypy3-venv
    fi
    case " ${EV_EXTRAS:-} " in
        *" mpi "*) command -v "${MPICC:-mpicc}" >/dev/null 2>&1 || echo mpich libmpich-dev ;;
    esac
}

setup_both() {
    # A first set-up of both venvs: one apt-get for every Debian package either lacks, then
    # the PyPy venv made while the CPython venv is (their downloads and builds overlap: on a
    # fresh machine about half the wait).  Sets what setup_cpython and setup_pypy set;
    # returns setup_cpython's status.  The PyPy half runs in a session of its own (so that
    # its pip can be stopped as a whole): Ctrl-C or SIGTERM here is forwarded to it as
    # SIGTERM, and the set-up stops as a whole.
    local missing status=0 pid result
    missing="$(debian_packages_missing | tr '\n' ' ')"
    [ -z "${missing// /}" ] || apt_install $missing || true     # (not root: said per step)
    result="$(mktemp "${TMPDIR:-/tmp}/ev-setup-pypy.XXXXXX")"
    setsid bash -c 'source "$1/scripts/setup_envs.sh"; setup_pypy
                    printf "%s\n%s\n" "$PYPY_PY" "$PYPY_MISSING" > "$2"' \
        setup-pypy "$EV_ROOT" "$result" &
    pid=$!
    trap 'stop_both "$pid" "$result" INT' INT
    trap 'stop_both "$pid" "$result" TERM' TERM
    setup_cpython || status=$?
    wait "$pid"
    trap - INT TERM
    PYPY_PY="$(sed -n 1p "$result")"
    PYPY_MISSING="$(sed -n 2p "$result")"
    [ -n "$PYPY_PY$PYPY_MISSING" ] || PYPY_MISSING="the PyPy set-up ended without a word"
    rm -f "$result"
    return "$status"
}

stop_both() {
    # stop_both PID RESULT SIGNAL: stop the PyPy half (its whole session: bash, pip), wait for
    # it to say what it left, then die of SIGNAL like the rest of the set-up.
    kill -TERM -- "-$1" 2>/dev/null
    wait "$1" 2>/dev/null
    rm -f "$2"
    trap - "$3"
    kill -"$3" "$BASHPID"
}
