"""The PID controller, step-response figures and the flies verdict (issue 8)."""
import json
import math
import pathlib

import pytest

from conftest import run_module
from ev.model.fitness import DT, ENVIRONMENTS, evaluate
from ev.model.pid import (GAIN_NAMES, HOVER, PID_SHAPE, gains_from_state_space, mutate_gains,
                    pid_creature_class, random_gains, state_space)
from ev.model.replay import assess, fly_recorded
from ev.common.rng import Rng
from ev.model.step_response import flies, step_info
from test_cli import fitness_lines, other_interpreters

FIXTURES = pathlib.Path(__file__).parent / "fixtures"
# Saved by `ev.cli.evolve --controller pid -n 500 --seed 1 --until-flies --save-best` (flies), and by
# the same run with -g 400 --seed 4 and no --until-flies: a better fitness, and it does not fly.
FLYING = FIXTURES / "flying_pid.json"
FIT_BUT_NOT_FLYING = FIXTURES / "fit_pid_that_does_not_fly.json"

TIMES = [DT * (i + 1) for i in range(400)]


def test_an_ideal_step():
    info = step_info(TIMES, [5.0] * 400, 3.0, 5.0)
    assert info.overshoot == 0.0 and info.steady_state_error == 0.0
    assert info.settling_time == pytest.approx(DT) and info.rise_time == 0.0
    assert flies(info)


def test_a_first_order_lag():
    tau = 0.5
    response = [3.0 + 2.0 * (1.0 - math.exp(-t / tau)) for t in TIMES]
    info = step_info(TIMES, response, 3.0, 5.0)
    assert info.overshoot == 0.0
    # 10% -> 90%: tau * ln 9; into the 2% band: tau * ln 50 (to the next sample).
    assert info.rise_time == pytest.approx(tau * math.log(9.0), abs=2 * DT)
    assert info.settling_time == pytest.approx(tau * math.log(50.0), abs=DT)
    assert flies(info)


def test_an_overshooting_second_order_response():
    zeta, omega = 0.3, 4.0
    wd = omega * math.sqrt(1 - zeta ** 2)
    response = [10.0 - 2.0 * math.exp(-zeta * omega * t) * (
        math.cos(wd * t) + zeta / math.sqrt(1 - zeta ** 2) * math.sin(wd * t)) for t in TIMES]
    info = step_info(TIMES, response, 8.0, 10.0)   # a 2 m step down-up from 8 to 10
    expected = math.exp(-math.pi * zeta / math.sqrt(1 - zeta ** 2))   # 37%
    assert info.overshoot == pytest.approx(expected, rel=0.01)
    assert not flies(info)


def test_a_response_that_never_settles_has_no_settling_time():
    info = step_info(TIMES[:200], [4.0] * 200, 3.0, 5.0)
    assert info.settling_time is None and info.steady_state_error == pytest.approx(0.5)
    assert not info.settled and not flies(info)


def test_gains_round_trip_through_the_state_space_form():
    rng = Rng(4)
    for _ in range(50):
        gains = random_gains(rng)
        matrix, constant = state_space(gains)
        assert len(matrix) == PID_SHAPE.rows * PID_SHAPE.cols
        assert gains_from_state_space(matrix, constant) == pytest.approx(gains[:3], rel=1e-12)
        assert constant == [0.0, 0.0, HOVER]


def test_the_hover_command_carries_the_weight():
    from ev.model.quadcopter import Quadcopter
    quad = Quadcopter(100.0)
    quad.set_thrust(HOVER)
    for _ in range(1000):
        quad.step(DT)
    assert HOVER == 0.5 and abs(quad.altitude - 100.0) < 1e-9


def test_mutations_are_scale_free_and_keep_the_sign():
    rng = Rng(5)
    gains = (1e-3, 1.0, 1e3, 0.5)   # kp, ki, kd, error limit
    ratios = []
    for _ in range(2000):
        child, _ = mutate_gains(rng, gains)
        assert all(c > 0 for c in child)
        ratios.append([c / g for c, g in zip(child, gains)])
    for column in zip(*ratios):   # every gain moves by the same relative amounts
        changed = sorted(abs(math.log(r)) for r in column if r != 1.0)
        assert 0.05 < changed[len(changed) // 2] < 0.5


@pytest.mark.parametrize("variant", ["numpy", "specialized"])
def test_the_pid_computes_what_its_gains_say(variant):
    """Steps of the compiled controller against the PID formula by hand, the error clamped."""
    from ev.backends.registry import get_variant
    kp, ki, kd, limit = 0.8, 0.05, 0.3, 1.5
    cls = pid_creature_class(get_variant(variant, PID_SHAPE).creature_class)
    creature = cls((kp, ki, kd, limit))
    creature.reset()
    # The command uses the integral of the errors before this step's.
    creature.run_step([5.0, 3.0])                     # error 2 -> 1.5; previous = 3.0
    out = creature.run_step([5.0, 3.1])[0]            # error 1.9 -> 1.5
    assert out == pytest.approx(HOVER + kp * 1.5 + ki * DT * 1.5 - kd * 0.1 / DT, rel=1e-12)
    out = creature.run_step([5.0, 4.0])[0]            # error 1.0: inside the limit
    assert out == pytest.approx(HOVER + kp * 1.0 + ki * DT * 3.0 - kd * 0.9 / DT, rel=1e-12)
    out = creature.run_step([0.0, 9.0])[0]            # error -9 -> -1.5
    assert out == pytest.approx(HOVER - kp * 1.5 + ki * DT * 4.0 - kd * 5.0 / DT, rel=1e-12)


@pytest.mark.parametrize("variant", ["numpy", "vectorized"])
def test_every_creature_kind_flies_the_pid_alike(variant):
    from ev.backends.registry import get_variant
    rng = Rng(6)
    gains = [random_gains(rng) for _ in range(60)]
    reference = [pid_creature_class(get_variant("specialized", PID_SHAPE).creature_class)(g)
                 for g in gains]
    for creature in reference:
        creature.fitness = evaluate(creature)
    chosen = get_variant(variant, PID_SHAPE)
    others = [pid_creature_class(chosen.creature_class)(g) for g in gains]
    chosen.evaluate_all(others)
    # vectorized sums in the unrolled code's order, the numpy PID creature too: the same bits
    assert [b.fitness for b in others] == [a.fitness for a in reference]


def test_a_replayed_pid_flight_scores_as_the_evolution_scored_it():
    from specialized import creature_class_for
    creature = pid_creature_class(creature_class_for(PID_SHAPE))((0.5, 0.0, 0.3, 2.0))
    total = sum(fly_recorded(creature, env).fitness for env in ENVIRONMENTS)
    assert total == evaluate(creature)
    assert len(assess(creature)) == len(ENVIRONMENTS)


def test_until_flies_exits_1_when_the_budget_runs_out(tmp_path):
    best = tmp_path / "best.json"
    result = run_module("ev.main", "--controller", "pid", "-n", 20, "-g", 3, "--seed", 2,
                        "--until-flies", "--save-best", best)
    assert result.returncode == 1, result.stderr
    assert "did not fly within 3 generations" in result.stdout
    assert len(fitness_lines(result.stdout)) == 3
    saved = json.loads(best.read_text())
    assert saved["controller"] == "pid" and set(saved["gains"]) == set(GAIN_NAMES)

    shown = run_module("ev.reporting.show", best, "--json", "--random-environments", 4, "--seed", 1)
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert len(report["environments"]) == 9 and report["flies"] in (True, False)
    assert report["gains"] == saved["gains"]
    for env in report["environments"]:
        assert set(env) >= {"start", "setpoint", "seconds", "fitness", "rise_time",
                            "settling_time", "overshoot", "steady_state_error", "settled"}
        assert 0.0 <= env["start"] <= 500.0 and env["seconds"] in (2.0, 4.0)


def test_a_pid_with_other_state_vars_is_a_usage_error():
    result = run_module("ev.main", "--controller", "pid", "--state-vars", 3, "-g", 1)
    assert result.returncode == 2 and "PID controller has 2" in result.stderr


def test_show_plots_altitude_band_and_motor(tmp_path):
    best = tmp_path / "best.json"
    assert run_module("ev.main", "--controller", "pid", "-n", 12, "-g", 2, "--seed", 3,
                      "--save-best", best).returncode == 0
    plot = tmp_path / "flight.png"
    shown = run_module("ev.reporting.show", best, "--plot", plot, "--random-environments", 2)
    assert shown.returncode == 0, shown.stderr
    assert "flies: " in shown.stdout and "PID gains: kp = " in shown.stdout
    assert plot.read_bytes()[:4] == b"\x89PNG"


@pytest.mark.skipif(len(other_interpreters()) < 2,
                    reason="needs EV_CPYTHON_PY and EV_PYPY_PY (set by run_tests.sh)")
def test_a_pid_seed_prints_the_same_lines_on_cpython_and_pypy():
    outputs = []
    for python in other_interpreters():
        result = run_module("ev.main", "--controller", "pid", "-n", 30, "-g", 5, "--seed", 11,
                            python=python)
        assert result.returncode == 0, result.stderr
        outputs.append(fitness_lines(result.stdout))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 5


def test_the_cma_benchmark_runs_both_on_the_same_budget_and_fitness():
    pytest.importorskip("cma", reason="pycma is installed by the project's set-up")
    result = run_module("ev.studies.pid_vs_cma", "--seeds", 1, "-n", 8, "-g", 3, "--json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)["rows"]
    assert row["evaluations"] == 8 + 2 * 4 and row["cma_evaluations"] >= row["evaluations"]
    assert row["cma_evaluations"] < row["evaluations"] + 10   # one CMA population at most
    evolved = run_module("ev.main", "--controller", "pid", "-n", 8, "-g", 3, "--seed", 1)
    last = fitness_lines(evolved.stdout)[-1]
    assert "%.2f" % row["ga_best"] == last[1].strip()   # the benchmark's GA is ev's
    from specialized import creature_class_for
    replayed = pid_creature_class(creature_class_for(PID_SHAPE))(row["cma_gains"])
    assert evaluate(replayed) == pytest.approx(row["cma_best"], rel=1e-12)


def test_until_flies_exits_0_when_a_creature_flies(tmp_path):
    best = tmp_path / "best.json"
    result = run_module("ev.main", "--controller", "pid", "-n", 60, "-g", 30, "--seed", 8,
                        "--until-flies", "--save-best", best)
    assert result.returncode == 0, result.stderr
    lines = fitness_lines(result.stdout)
    assert 1 <= len(lines) < 30
    assert "# flies: generation %d's best" % (len(lines) - 1) in result.stdout
    from ev.model.replay import flies_and_generalizes
    from ev.store.creature_files import load_creature
    creature = load_creature(str(best))
    assert flies_and_generalizes(creature)
    # ... and the generation before it had no such creature: it stopped at the first.
    before = run_module("ev.main", "--controller", "pid", "-n", 60, "-g", len(lines) - 1,
                        "--seed", 8, "--until-flies", "--save-best", tmp_path / "before.json")
    assert before.returncode == 1 or len(lines) == 1
    if len(lines) > 1:
        assert not flies_and_generalizes(load_creature(str(tmp_path / "before.json")))


def test_the_validation_grid_covers_every_step_size_up_and_down():
    from ev.model.replay import VALIDATION_ENVIRONMENTS
    steps = sorted(env.setpoint - env.start for env in VALIDATION_ENVIRONMENTS)
    assert steps[0] == -10.0 and steps[-1] == 10.0 and min(map(abs, steps)) == 0.5
    assert len(steps) == 40 and all(env.seconds == 4.0 for env in VALIDATION_ENVIRONMENTS)


def test_the_known_good_controller_flies_on_unseen_steps():
    shown = run_module("ev.reporting.show", FLYING, "--json", "--random-environments", 20)
    assert shown.returncode == 0, shown.stderr
    report = json.loads(shown.stdout)
    assert report["flies"] is True and len(report["environments"]) == 25
    for env in report["environments"]:
        assert env["overshoot"] <= 0.10 and env["steady_state_error"] <= 0.02
        assert env["settling_time"] <= 0.85 * env["seconds"]


def test_a_fitter_controller_that_does_not_fly():
    """Fitness is not the verdict: the evolution's optimum settles a 2 m step down too late."""
    from ev.store.creature_files import load_creature
    fit, flying = load_creature(str(FIT_BUT_NOT_FLYING)), load_creature(str(FLYING))
    assert evaluate(fit) < evaluate(flying)
    shown = run_module("ev.reporting.show", FIT_BUT_NOT_FLYING, "--json")
    report = json.loads(shown.stdout)
    assert report["flies"] is False
    late = [env for env in report["environments"]
            if env["settling_time"] is None or env["settling_time"] > 0.85 * env["seconds"]]
    assert late and all(env["setpoint"] < env["start"] for env in late)


def test_the_clamp_is_what_makes_it_fly():
    """The same gains without the clamp overshoot the 10 m step: a linear PID cannot fly."""
    from ev.store.creature_files import load_creature
    gains = load_creature(str(FLYING)).gains
    from specialized import creature_class_for
    unclamped = pid_creature_class(creature_class_for(PID_SHAPE))(gains[:3] + (1e9,))
    infos = [info for _, info in assess(unclamped)]
    assert max(info.overshoot for info in infos) > 0.10


def test_files_of_the_first_pid_genome_are_refused_in_one_line(tmp_path):
    saved = json.loads(FLYING.read_text())
    saved["gains"] = {"kp": 0.5, "ki": 0.0, "kd": 0.3, "hover": 0.5}
    old = tmp_path / "old.json"
    old.write_text(json.dumps(saved))
    shown = run_module("ev.reporting.show", old)
    assert shown.returncode == 1 and "Traceback" not in shown.stderr
    assert "kp, ki, kd, hover" in shown.stderr and len(shown.stderr.strip().splitlines()) == 1
