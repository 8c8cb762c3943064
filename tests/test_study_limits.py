"""The limits study (ev bench limits) on a tiny budget: it runs, checks fitness, and its ratios are arithmetic;
its yardstick (the lean flight loop) and its full-thrust batches are what they say."""
import json
import re
import sys

import pytest

from ev.studies.limits.batches import full_thrust_batches
from ev.studies.limits.timer import creatures_of
from ev.studies.limits.lean_flight import creature_class, evaluate_all as lean_evaluate_all
from ev.studies.limits.model import summarize
from ev.model.creature_base import DEFAULT_SHAPE
from ev.model.fitness import FAILED, evaluate
from ev.model.quadcopter import Quadcopter

from test_native import check_against_python

IS_PYPY = hasattr(sys, "pypy_version_info")


def test_the_benchmark_runs_every_contender_of_this_interpreter(run):
    result = run("ev.studies.limits", "-n", 8, "-g", 2, "--rounds", 2, "--python",
                 sys.executable, "--json")
    assert result.returncode == 0, result.stderr
    rows = dict((r["contender"], r) for r in json.loads(result.stdout)["rows"])
    prefix = "pypy-" if IS_PYPY else "cpython-"
    assert prefix + "specialized" in rows and prefix + "c" in rows
    measured = [r for r in rows.values() if "unavailable" not in r]
    assert all(r["agrees"] and r["ms_per_batch"] > 0 for r in measured)
    assert rows[prefix + "c"]["vs_c"] == 1.0
    assert ("pypy-lean" in rows) == IS_PYPY


def test_full_thrust_batches_say_which_creatures_they_hold_and_check_them(run):
    result = run("ev.studies.limits", "-n", 8, "-g", 2, "--rounds", 1, "--python",
                 sys.executable, "--batches", "full-thrust")
    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("12 controllers at full thrust, 1 interleaved rounds")
    assert "**NO" not in result.stdout and "| bit for bit |" in result.stdout
    assert "recording" not in result.stderr   # no GA run is needed for these


def test_the_lean_flight_loop_gives_ev_s_fitness_bit_for_bit():
    check_against_python(lean_evaluate_all, DEFAULT_SHAPE)


def test_full_thrust_controllers_fly_at_full_thrust_and_carry_ev_s_fitness():
    batches = full_thrust_batches(5, 3)
    assert [len(b["fitness"]) for b in batches] == [5, 5, 5]
    creatures = [c for b in batches for c in creatures_of(b, creature_class)]
    assert len(set(tuple(c.constant_values) for c in creatures)) == 15
    fitnesses = [f for b in batches for f in b["fitness"]]
    assert fitnesses == [evaluate(c) for c in creatures] and FAILED not in fitnesses
    for creature in creatures:
        creature.reset()
        quad = Quadcopter(3.0)
        for _ in range(50):   # the command is clipped to 1.0 whatever the altitude
            quad.set_thrust(creature.run_step([5.0, quad.altitude])[0])
            assert quad.a1 == 1.0
            quad.step(0.01)


def test_several_timed_passes_are_each_checked_and_named_in_the_table(run):
    result = run("ev.studies.limits", "-n", 8, "-g", 1, "--rounds", 1, "--passes", 3,
                 "--python", sys.executable)
    assert result.returncode == 0, result.stderr
    assert "1 interleaved rounds of 3 timed pass(es)" in result.stdout
    specialized = ("pypy-" if IS_PYPY else "cpython-") + "specialized"
    assert re.search(r"\| %s \| [0-9.]+ \|.*\| bit for bit \|" % specialized, result.stdout)
    assert run("ev.studies.limits", "--passes", 0).returncode == 2


def round_of(**seconds):
    return dict((name, {"seconds": s, "mismatches": 0, "largest_difference": 0.0})
                for name, s in seconds.items())


def test_ratios_are_medians_of_per_round_ratios_and_ms_are_per_250_creatures():
    rounds = [round_of(**{"cpython-c": 1.0, "pypy-specialized": 3.0}),
              round_of(**{"cpython-c": 2.0, "pypy-specialized": 2.0}),
              round_of(**{"cpython-c": 1.0, "pypy-specialized": 2.5})]
    rows = dict((r["contender"], r) for r in summarize(rounds, creatures=500))
    fast = rows["pypy-specialized"]
    assert fast["vs_c"] == 2.5                          # median of 3.0, 1.0, 2.5
    assert fast["ms_per_batch"] == pytest.approx(1250.0)  # 2.5 s per 500 -> per 250
    assert rows["cpython-c"]["vs_pypy_specialized"] == pytest.approx(0.4)


def test_a_contender_off_by_more_than_1e12_is_flagged():
    rounds = [round_of(**{"cpython-c": 1.0})]
    rounds[0]["cpython-numpy"] = {"seconds": 9.0, "mismatches": 3, "largest_difference": 1e-9}
    rows = dict((r["contender"], r) for r in summarize(rounds, creatures=250))
    assert rows["cpython-numpy"]["agrees"] is False
    assert rows["cpython-c"]["agrees"] is True
