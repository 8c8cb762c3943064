import random

import pytest

from ev.model.creature import Creature
from ev.model.creature_base import DEFAULT_SHAPE, Shape
from ev.model.fitness import evaluate
from ev.common.rng import Rng
from specialized import creature_class_for
from specialized import generator
from specialized.creature import SpecializedCreature
from test_cli import fitness_lines


def test_generated_code_equals_numpy_for_many_random_shapes_and_inputs():
    rng, draw = Rng(31), random.Random(32)
    for _ in range(300):
        shape = Shape(draw.randint(1, 4), draw.randint(1, 3), draw.randint(0, 6))
        reference = Creature.random(rng, shape)
        unrolled = generator.creature_class_for(shape)(
            reference.matrix_values, reference.constant_values, shape)
        for _ in range(5):
            inputs = [draw.uniform(-100, 100) for _ in range(shape.inputs)]
            expected, got = reference.run_step(inputs), unrolled.run_step(inputs)
            assert len(got) == shape.outputs
            assert got == pytest.approx(expected, rel=1e-12, abs=1e-9)
            assert unrolled.state == pytest.approx(reference.state[:shape.state_vars].tolist(),
                                                   rel=1e-12, abs=1e-9)


def test_generated_code_for_the_article_shape_matches_the_hand_written_one_exactly():
    generated_class = generator.creature_class_for(DEFAULT_SHAPE)
    rng, draw = Rng(5), random.Random(6)
    for _ in range(500):
        hand = SpecializedCreature.random(rng)
        gen = generated_class(hand.matrix_values, hand.constant_values)
        for _ in range(20):
            inputs = [draw.uniform(-300, 300), draw.uniform(0, 300)]
            assert gen.run_step(inputs) == hand.run_step(inputs)
            assert gen.state == [hand.state0]
    assert evaluate(gen) == evaluate(hand)


def test_each_shape_is_compiled_once():
    shape = Shape(3, 2, 7)  # a shape no other test uses
    before = generator.compile_count
    first = creature_class_for(shape)
    assert generator.compile_count == before + 1
    assert creature_class_for(shape) is first
    assert creature_class_for(Shape(3, 2, 7)) is first
    assert generator.compile_count == before + 1


def test_shapes_beyond_the_limit_are_refused_clearly():
    too_big = Shape(2, 1, 63)                     # 64 x 65 = 4160 multiply-adds
    assert too_big.rows * too_big.cols > generator.MAX_MULTIPLY_ADDS
    with pytest.raises(generator.ShapeTooLarge, match="4160 multiply-adds.*numpy"):
        generator.creature_class_for(too_big)
    assert generator.source_for(Shape(2, 1, 62))  # 63 x 64 = 4032: still allowed


def test_the_cli_runs_a_pid_sized_controller_identically_with_every_variant(run):
    lines = []
    for variant in ("numpy", "specialized", "vectorized"):
        result = run("ev.main", "-n", 12, "-g", 3, "--seed", 8, "--state-vars", 2,
                     "--creature", variant)
        assert result.returncode == 0, result.stderr
        lines.append(fitness_lines(result.stdout))
    assert lines[0] == lines[1] == lines[2] and len(lines[0]) == 3


def test_sweep_measures_both_variants_over_rounds_with_their_range(run, tmp_path):
    import json
    import sys
    from statistics import median
    from benchmarks.sweep_report import read
    result = run("benchmarks.sweep", "--max-state-vars", 3, "--budget", 0.002, "--rounds", 2,
                 "--python", sys.executable, "--out", tmp_path)
    assert result.returncode == 0, result.stderr
    head, records = read(str(tmp_path / "sweep.jsonl"))
    first = json.loads((tmp_path / "sweep.jsonl").read_text().splitlines()[0])
    assert first == head and head["format"] == 2 and head["rounds"] == 2
    assert head["order"] == [[head["interpreters"][0]]] * 2
    assert sorted((r["variant"], r["state_vars"]) for r in records) == sorted(
        (v, k) for v in ("numpy", "unrolled") for k in (1, 2, 3))
    for r in records:
        assert r["size"] == (r["state_vars"] + 1) * (r["state_vars"] + 2)
        assert r["rounds"] == 2 and len(r["ns_per_call_by_round"]) == 2
        assert min(r["ns_per_call_by_round"]) > 0
        assert r["ns_per_call"] == median(r["ns_per_call_by_round"])
        assert r["ns_per_call_low"] <= min(r["ns_per_call_by_round"])
        assert r["ns_per_call_high"] >= max(r["ns_per_call_by_round"])
        assert r["implementation"] == ("pypy" if hasattr(sys, "pypy_version_info")
                                       else "cpython")
    assert "round 2 of 2" in result.stdout and "crossover on" in result.stdout
    assert (tmp_path / "sweep.png").read_bytes()[:4] == b"\x89PNG"


def test_crossover_is_the_size_from_which_numpy_wins_for_good():
    from benchmarks.sweep import crossovers
    def rec(size, numpy, unrolled):
        return [{"implementation": "x", "size": size, "variant": "numpy", "ns_per_call": numpy},
                {"implementation": "x", "size": size, "variant": "unrolled",
                 "ns_per_call": unrolled}]
    records = rec(6, 100, 10) + rec(12, 50, 60) + rec(20, 100, 90) + rec(30, 100, 200)
    assert crossovers(records) == {"x": 30}
    assert crossovers(rec(6, 100, 10)) == {"x": None}


def rounds_of(**by_size):
    """Workers' records per round for one interpreter "x": size=(numpy values, unrolled
    values), a value per round."""
    count = len(next(iter(by_size.values()))[0])
    return [[{"implementation": "cpython", "interpreter": "x", "variant": variant,
              "state_vars": int(name[1:]), "size": int(name[1:]),
              "ns_per_call": values[number]}
             for name, pair in sorted(by_size.items())
             for variant, values in zip(("numpy", "unrolled"), pair)]
            for number in range(count)]


def test_rounds_that_disagree_widen_the_interval_and_the_crossover_says_so():
    from benchmarks.sweep_report import combine, conclusions, crossovers, verdicts
    from ev.common.stats import Interval
    # The same medians twice: once from rounds that agree, once from rounds that disagree.
    agreeing = combine(rounds_of(s6=([100, 101, 99], [10, 10.1, 9.9]),
                                 s12=([55, 55.2, 54.8], [60, 60.2, 59.8]),
                                 s20=([100, 100.2, 99.8], [90, 90.2, 89.8]),
                                 s30=([100, 101, 99], [200, 202, 198])))
    disagreeing = combine(rounds_of(s6=([100, 101, 99], [10, 10.1, 9.9]),
                                    s12=([55, 80, 40], [60, 61, 59]),
                                    s20=([100, 130, 80], [90, 91, 89]),
                                    s30=([100, 101, 99], [200, 202, 198])))
    twelve = [r for r in disagreeing if r["size"] == 12 and r["variant"] == "numpy"][0]
    assert twelve["rounds"] == 3 and twelve["ns_per_call_by_round"] == [55, 80, 40]
    assert twelve["ns_per_call"] == 55
    found = Interval([55, 80, 40], over="rounds")
    assert (twelve["ns_per_call_low"], twelve["ns_per_call_high"]) == (found.low, found.high)
    assert twelve["ns_per_call_low"] < 40 and twelve["ns_per_call_high"] > 80
    assert crossovers(agreeing) == crossovers(disagreeing) == {"x": 30}
    assert verdicts(agreeing)["x"] == [(6, "unrolled"), (12, "numpy"), (20, "unrolled"),
                                       (30, "numpy")]
    assert conclusions(agreeing) == [
        "crossover on x: numpy is faster from 30 multiply-adds per call on (unrolled faster at "
        "size 6; numpy faster at size 12; unrolled faster at size 20; numpy faster from 30)"]
    assert conclusions(disagreeing) == [
        "crossover on x: numpy is faster from 30 multiply-adds per call on (unrolled faster at "
        "size 6; no measurable difference at sizes 12-20; numpy faster from 30)"]
    # Noise at the largest size: numpy is faster at none from which it stays faster.
    tail = combine(rounds_of(s6=([100, 101, 99], [10, 10.1, 9.9]),
                             s30=([100, 101, 99], [200, 202, 198]),
                             s42=([100, 160, 70], [120, 121, 119])))
    assert crossovers(tail) == {"x": None}
    assert conclusions(tail) == [
        "crossover on x: numpy is not measurably faster from any size on (unrolled faster at "
        "size 6; numpy faster at size 30; no measurable difference at size 42)"]


def test_each_round_runs_every_interpreter_in_a_rotated_order():
    from benchmarks.sweep import run_rounds
    calls = []
    def worker(interpreter, label, max_state_vars, budget):
        calls.append(label)
        return [{"implementation": "cpython", "variant": "numpy", "state_vars": 1, "size": 6,
                 "ns_per_call": float(len(calls))}]
    chosen = [("a", "cpython", None), ("b", "pypy", None), ("c", "cpython", None)]
    by_round, order = run_rounds(chosen, 4, 1, 0.0, worker=worker, say=lambda line: None)
    assert order == [["a", "b", "c"], ["b", "c", "a"], ["c", "a", "b"], ["a", "b", "c"]]
    assert calls == [label for labels in order for label in labels]
    assert [[(r["interpreter"], r["round"]) for r in found] for found in by_round] == [
        [(label, number + 1) for label in labels] for number, labels in enumerate(order)]


def test_a_sweep_file_of_either_format_is_read_and_reported(run, tmp_path):
    import json
    from benchmarks.sweep_report import BadSweepFile, read
    old = [{"implementation": "cpython", "version": "3.11.7", "variant": variant,
            "state_vars": k, "rows": k + 1, "cols": k + 2, "size": (k + 1) * (k + 2),
            "ns_per_call": ns}
           for k, numpy, unrolled in ((1, 2285, 325), (8, 2365, 2851))
           for variant, ns in (("numpy", numpy), ("unrolled", unrolled))]
    path = tmp_path / "sweep.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in old))
    head, records = read(str(path))
    assert head == {"format": 1} and records == old
    result = run("benchmarks.sweep", "--report", path, "--out", tmp_path / "again")
    assert result.returncode == 0, result.stderr
    assert "crossover on cpython: numpy is faster from 90 multiply-adds" in result.stdout
    assert "2285 ns" in result.stdout and "median of 1 round" in result.stdout
    assert (tmp_path / "again" / "sweep.png").read_bytes()[:4] == b"\x89PNG"
    path.write_text(json.dumps({"format": 3, "benchmark": "benchmarks.sweep"}) + "\n"
                    + json.dumps(old[0]) + "\n")
    with pytest.raises(BadSweepFile, match="format 3"):
        read(str(path))
