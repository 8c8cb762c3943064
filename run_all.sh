#!/usr/bin/env bash
# The matrix run: every interpreter x variant, one cell after another, then the report.
set -u

usage() {
    cat <<'USAGE'
Usage: ./run_all.sh [options]

Sets up venvs for CPython and PyPy (installing Debian's pypy3 when missing and run as root),
then runs ev.cli.main in each cell, one after another, with the same seed and population, and ends
with the report table and plots (python -m ev.reporting.report).

Cells: cpython-numpy cpython-specialized cpython-vectorized cpython-numba pypy-numpy
       pypy-specialized c
(c: the same evaluation in C, compiled at set-up, driven by the same Python GA on CPython;
every cell's distance to it is in the report.  A cell whose interpreter, numba or C build is
missing is reported as not run, with the reason.)

Tasks:
  --task benchmark      (default) the article's experiment: the state-space creature, a fixed
                        number of generations, seconds per generation per cell (ev.reporting.report)
  --task fly            the PID task: each cell evolves a PID controller with --until-flies
                        and the same budget, and the report (ev.reporting.fly_report) gives the seconds
                        and generations to the first controller that flies.  Cells: the five
                        Python ones (the numba and C flight loops have no error clamp)

Options:
  --population N        creatures per generation (default 500)
  --generations N       generations per cell (default 10); for --task fly, the budget of
                        every cell (default 100)
  --slow-generations N  generations for the slow pypy-numpy cell (default 4; not for fly)
  --seed N              seed for every cell (default 42; for --task fly 1: seed 42's PID
                        evolution settles on an optimum that does not fly)
  --out DIR             results folder (default results/<timestamp>)
  --cells LIST          comma-separated subset of the cells above
  --profile             after the timed cells, run each cell again (same seed, recording;
                        never timed) for a vmprof profile, and on PyPy a JIT log, and write
                        their reports next to the results (traces.profile, traces.jitlog,
                        traces.summary), and traces.html: the PyPy cells' JIT traces
                        side by side, to read in a browser.  cpython-numba is
                        not recorded: vmprof crashes CPython 3.11 inside numba's
                        compiler
  -h, --help            this help
USAGE
}

ALL_CELLS="cpython-numpy,cpython-specialized,cpython-vectorized,cpython-numba,pypy-numpy,pypy-specialized,c"
FLY_CELLS="cpython-numpy,cpython-specialized,cpython-vectorized,pypy-numpy,pypy-specialized"
NO_CLAMP="the PID controller's error clamp is not in the compiled flight loop (ev.model.pid)"
task=benchmark population=500 generations="" slow_generations=4 seed="" out="" cells=""
profile=""
need_value() { [ $# -ge 2 ] || { echo "run_all.sh: $1 needs a value (see --help)" >&2; exit 2; }; }
while [ $# -gt 0 ]; do
    case "$1" in
        --task) need_value "$@"; task="$2"; shift 2 ;;
        --population) need_value "$@"; population="$2"; shift 2 ;;
        --generations) need_value "$@"; generations="$2"; shift 2 ;;
        --slow-generations) need_value "$@"; slow_generations="$2"; shift 2 ;;
        --seed) need_value "$@"; seed="$2"; shift 2 ;;
        --out) need_value "$@"; out="$2"; shift 2 ;;
        --cells) need_value "$@"; cells="$2"; shift 2 ;;
        --profile) profile=1; shift ;;
        -h|--help) usage; exit 0 ;;
        *) echo "run_all.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
    esac
done
case "$task" in
    benchmark) generations="${generations:-10}" seed="${seed:-42}" cells="${cells:-$ALL_CELLS}" ;;
    fly) generations="${generations:-100}" seed="${seed:-1}" cells="${cells:-$FLY_CELLS}"
         [ -n "$profile" ] && { echo "run_all.sh: --profile records the benchmark task, not --task fly" >&2; exit 2; } ;;
    *) echo "run_all.sh: unknown task '$task' (choose benchmark or fly)" >&2; exit 2 ;;
esac
for number in "$population" "$generations" "$slow_generations" "$seed"; do
    case "$number" in ''|*[!0-9]*) echo "run_all.sh: '$number' is not a number" >&2; exit 2 ;; esac
done
for cell in ${cells//,/ }; do
    case ",$ALL_CELLS," in *",$cell,"*) ;; *)
        echo "run_all.sh: unknown cell '$cell' (choose from $ALL_CELLS)" >&2; exit 2 ;;
    esac
done

source "$(dirname "$0")/scripts/setup_envs.sh"
cd "$EV_ROOT"
setup_cpython || exit 1
case ",$cells," in *,pypy-*) setup_pypy || true ;; esac

out="${out:-results/$(date +%Y%m%d-%H%M%S)}"
if [ -e "$out" ] && [ -n "$(ls -A "$out" 2>/dev/null)" ]; then
    # Old cells would be merged into the new report and commands.txt overwritten.
    echo "run_all.sh: $out already holds results; choose another --out or remove it" >&2
    exit 2
fi
mkdir -p "$out" || { echo "run_all.sh: cannot create $out" >&2; exit 2; }
: > "$out/not_run.txt"
echo "# commands that produced these results ($(date -Iseconds))" > "$out/commands.txt"

interrupted=""
trap 'interrupted=1' INT
failures=()   # what failed, one entry each: the exit status says so at the end

cell_python() {
    case "$1" in cpython-*|c) echo "$CPYTHON_PY" ;; pypy-*) echo "$PYPY_PY" ;; esac
}

cell_variant() {
    echo "${1#*-}"
}

cell_unavailable() {
    # cell_unavailable CELL: why the cell cannot run here (no numba, no C build, no clamp
    # for the PID task), or nothing.
    if [ "$task" = fly ] && [[ ",$FLY_CELLS," != *",$1,"* ]]; then
        echo "$NO_CLAMP"
        return 1
    fi
    "$(cell_python "$1")" -m ev.cli.variants "$(cell_variant "$1")" 2>&1
}

cell_generations() {
    # The fly task gives every cell the same budget: same seed, same generations to fly.
    if [ "$1" = pypy-numpy ] && [ "$task" = benchmark ]; then
        echo "$slow_generations"
    else
        echo "$generations"
    fi
}

cell_command() {
    # cell_command CELL: the ev.cli.main command line of a cell, into the array CMD.
    CMD=("$(cell_python "$1")" -m ev.main --creature "$(cell_variant "$1")" -n "$population"
         -g "$(cell_generations "$1")" --seed "$seed")
    [ "$task" = fly ] && CMD+=(--controller pid --until-flies)
}

completed() {
    # completed CELL STATUS: ev.cli.main finished its task (a PID run that never flew within
    # its budget exits 1, and that is a result, not a failure).
    [ "$2" = 0 ] || [ "$2" = 130 ] ||
        { [ "$task" = fly ] && [ "$2" = 1 ] && grep -q "^# did not fly within" "$out/$1.log"; }
}

run_cell() {
    local cell="$1"
    if [ -z "$(cell_python "$cell")" ]; then
        echo "$cell: $PYPY_MISSING" >> "$out/not_run.txt"
        echo "=== $cell: not run: $PYPY_MISSING"
        return
    fi
    local why
    if ! why="$(cell_unavailable "$cell")"; then
        echo "$cell: $why" >> "$out/not_run.txt"
        echo "=== $cell: not run: $why"
        return
    fi
    cell_command "$cell"
    CMD+=(--results "$out/$cell.jsonl")
    echo "${CMD[*]}" >> "$out/commands.txt"
    echo "=== $cell: ${CMD[*]}"
    # tee ignores Ctrl-C, so that ev.cli.main's closing summary still reaches the log.
    "${CMD[@]}" 2>&1 | (trap "" INT; exec tee "$out/$cell.log")
    local status=${PIPESTATUS[0]}
    if ! completed "$cell" "$status"; then
        echo "$cell: ev.cli.main exited with status $status (see $cell.log)" >> "$out/not_run.txt"
        failures+=("cell $cell (ev.cli.main exited with status $status, see $out/$cell.log)")
    fi
}

record_cell() {
    # A second, recorded run of a cell: its timings are disturbed by the recording, so it
    # writes no results; its profile and JIT log are read by traces/.
    local cell="$1"
    [ -z "$(cell_python "$cell")" ] && return
    cell_unavailable "$cell" > /dev/null || return
    if [ "$cell" = cpython-numba ]; then
        # Seen here: 1 of 2 recordings died of SIGSEGV while numba compiled (vmprof 0.6.0
        # on CPython 3.11 and C -> Python transitions, see the README).
        echo "=== recording $cell: skipped (vmprof crashes CPython 3.11 inside numba's compiler)"
        return
    fi
    cell_command "$cell"
    CMD+=(--profile "$out/$cell.prof")
    [ "${cell%%-*}" = pypy ] && CMD+=(--jit-log "$out/$cell.jitlog")
    echo "${CMD[*]}" >> "$out/commands.txt"
    echo "=== recording $cell: ${CMD[*]}"
    if ! "${CMD[@]}" > "$out/$cell.recorded.log" 2>&1; then
        echo "recording $cell failed: $(tail -1 "$out/$cell.recorded.log")"
        failures+=("recording of $cell (see $out/$cell.recorded.log)")
        mv -f "$out/$cell.prof" "$out/$cell.prof.incomplete" 2>/dev/null
        mv -f "$out/$cell.jitlog" "$out/$cell.jitlog.incomplete" 2>/dev/null
        return
    fi
    "$CPYTHON_PY" -m traces.profile "$out/$cell.prof" --flame "$out/$cell.flame.png" \
        --speedscope "$out/$cell.speedscope.json" > "$out/$cell.profile.txt" ||
        failures+=("traces.profile of $cell")
    if [ -f "$out/$cell.jitlog" ]; then
        "$CPYTHON_PY" -m traces.jitlog "$out/$cell.jitlog" > "$out/$cell.jitlog.txt" ||
            failures+=("traces.jitlog of $cell")
    fi
}

for cell in ${cells//,/ }; do
    [ -n "$interrupted" ] && { echo "$cell: interrupted (Ctrl-C)" >> "$out/not_run.txt"; continue; }
    run_cell "$cell"
done
if [ -n "$profile" ]; then
    for cell in ${cells//,/ }; do
        [ -n "$interrupted" ] && break
        record_cell "$cell"
    done
fi

echo "=== report"
if [ "$task" = fly ]; then
    "$CPYTHON_PY" -m ev.reporting.fly_report "$out" || failures+=("the report (ev.reporting.fly_report)")
else
    "$CPYTHON_PY" -m ev.reporting.report "$out" || failures+=("the report (ev.reporting.report)")
fi
if [ -n "$profile" ]; then
    jitlogs=()
    for cell in pypy-numpy pypy-specialized; do
        [ -f "$out/$cell.jitlog" ] && jitlogs+=("$out/$cell.jitlog")
    done
    if [ ${#jitlogs[@]} -gt 0 ]; then
        echo "=== the JIT's traces, readable in a browser: $out/traces.html"
        "$CPYTHON_PY" -m traces.jitlog "${jitlogs[@]}" --html "$out/traces.html" ||
            failures+=("the JIT trace page (traces.jitlog --html)")
    fi
    echo "=== where the time goes (traces.summary)"
    "$CPYTHON_PY" -m traces.summary "$out" > "$out/traces.md" || failures+=("traces.summary")
    cat "$out/traces.md"
fi
echo "results in $out"
[ -n "$interrupted" ] && exit 130
if [ ${#failures[@]} -gt 0 ]; then
    for failure in "${failures[@]}"; do echo "run_all.sh: failed: $failure" >&2; done
    exit 1
fi
exit 0
