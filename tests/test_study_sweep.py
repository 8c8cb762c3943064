"""The sweep study (ev bench sweep): both variants measured over rounds with their range, the
crossover and its words, the rounds' rotation, and sweep.jsonl of either format."""
import pytest


def test_sweep_measures_both_variants_over_rounds_with_their_range(run, tmp_path):
    import json
    import sys
    from statistics import median
    from ev.studies.sweep.sweep_file import read
    result = run("ev.studies.sweep", "--max-state-vars", 3, "--budget", 0.002, "--rounds", 2,
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
    from ev.studies.sweep.model import crossovers
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
    from ev.studies.sweep.model import combine, crossovers, verdicts
    from ev.studies.sweep.report import conclusions
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
    from ev.studies.sweep.cases import run_rounds
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
    from ev.studies.sweep.sweep_file import BadSweepFile, read
    old = [{"implementation": "cpython", "version": "3.11.7", "variant": variant,
            "state_vars": k, "rows": k + 1, "cols": k + 2, "size": (k + 1) * (k + 2),
            "ns_per_call": ns}
           for k, numpy, unrolled in ((1, 2285, 325), (8, 2365, 2851))
           for variant, ns in (("numpy", numpy), ("unrolled", unrolled))]
    path = tmp_path / "sweep.jsonl"
    path.write_text("".join(json.dumps(r) + "\n" for r in old))
    head, records = read(str(path))
    assert head == {"format": 1} and records == old
    result = run("ev.studies.sweep", "--report", path, "--out", tmp_path / "again")
    assert result.returncode == 0, result.stderr
    assert "crossover on cpython: numpy is faster from 90 multiply-adds" in result.stdout
    assert "2285 ns" in result.stdout and "median of 1 round" in result.stdout
    assert (tmp_path / "again" / "sweep.png").read_bytes()[:4] == b"\x89PNG"
    path.write_text(json.dumps({"format": 3, "benchmark": "benchmarks.sweep"}) + "\n"
                    + json.dumps(old[0]) + "\n")
    with pytest.raises(BadSweepFile, match="format 3"):
        read(str(path))
