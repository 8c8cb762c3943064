"""A program whose parts' times are known by construction, for checking a profiler on PyPy.

``main`` runs two sibling loops, ``light`` then ``heavy``, each called from ``main`` only, each
calling small helpers the JIT inlines; ``mix`` is called from both (once per iteration of
``light``, twice per iteration of ``heavy``).  ``python known_split_program.py PART N_LIGHT
N_HEAVY [TIMES.json [ROUNDS]]`` runs ``main`` (PART ``both``) or one loop alone (``light``, ``heavy``)
and writes the seconds each part took, measured inside the process: CPU time (the machine's
other work does not count, as it does not in the number of vmprof's samples), and under
``"wall"`` wall-clock time (what PyPy 8.0's vmprof weights its samples by: it stamps each
sample, and a sample stands for the time since the one before).  Run alone, each loop's
time is its true share of the run (traces.known_split runs the parts alone and together,
alternating, and compares the profile's shares with them).

Each loop carries a value from one iteration to the next (``k``, ``total``), so its speed is
set by that chain of dependent operations, not by how the processor's front end meets the JIT's
code: a loop of independent iterations (``light`` was one) runs faster or slower from one
process to the next with where its code lands (docs/reading-traces.md), and its time alone then
says little about its share of another process.
"""
import json
import sys
import time


def scale(x):
    return x * 1.000001 + 0.25


def mix(x, k):
    return (x * 31 + k) % 1000003


def light(n):
    total, k = 0.0, 7
    for i in range(n):
        k = mix(k, i)
        total += scale(k)
    return total


def heavy(n):
    total = 0
    for i in range(n):
        total += mix(i, 3) + mix(total & 1023, i)
        total &= 0xFFFFFFF
    return total


def main(n_light, n_heavy, rounds=1):
    """Both loops, ``rounds`` times each, alternating (with several rounds main's own loop is
    compiled too, and enters the loops' code from its own: JIT-to-JIT calls)."""
    timed = {"light": 0.0, "heavy": 0.0, "wall": {"light": 0.0, "heavy": 0.0}}
    for _ in range(rounds):
        start, wall_start = time.process_time(), time.perf_counter()
        light(n_light // rounds)
        middle, wall_middle = time.process_time(), time.perf_counter()
        heavy(n_heavy // rounds)
        timed["light"] += middle - start
        timed["heavy"] += time.process_time() - middle
        timed["wall"]["light"] += wall_middle - wall_start
        timed["wall"]["heavy"] += time.perf_counter() - wall_middle
    return timed


def alone(part, n, rounds=1):
    function = light if part == "light" else heavy
    start, wall_start = time.process_time(), time.perf_counter()
    for _ in range(rounds):
        function(n // rounds)
    return {part: time.process_time() - start, "wall": {part: time.perf_counter() - wall_start}}


def untimed(rounds, n):
    """Both loops ``rounds`` times, ``n`` iterations each, with no clock read between them:
    the shape tests/test_jit_attribution.py checks the JIT log's corrections on."""
    for _ in range(rounds):
        light(n)
        heavy(n)


if __name__ == "__main__":
    if sys.argv[1] == "untimed":
        untimed(int(sys.argv[2]), int(sys.argv[3]))
        sys.exit(0)
    part, n_light, n_heavy = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
    rounds = int(sys.argv[5]) if len(sys.argv) > 5 else 1
    timed = main(n_light, n_heavy, rounds) if part == "both" else alone(
        part, n_light if part == "light" else n_heavy, rounds)
    if len(sys.argv) > 4:
        with open(sys.argv[4], "w") as out:
            json.dump(timed, out)
