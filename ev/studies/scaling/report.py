"""The report of the scaling study: its tables in markdown, with the model's assumptions."""
import math

from ev.common.stats import REPEAT_RULE
from ev.studies.scaling.model import ASSUMPTIONS, lowest_highest


def fmt(value, pattern="%.3f"):
    if value is None:
        return "-"
    if isinstance(value, tuple):
        return "%s [%s-%s]" % (pattern % value[0], pattern % value[1], pattern % value[2])
    return pattern % value


def cores(value):
    return "none" if value is None or not math.isfinite(value) else "%d" % value


def markdown(report):
    options = report["options"]
    lines = ["ev.main -g %(generations)d --seed %(seed)d, %(rounds)d rounds (serial, "
             "--workers 1, --workers 2 in a rotated order per round); s/gen: median over "
             "generations 1-%(last)d; cells: median [99%% repeat range] over rounds (below); "
             "cores: median [lowest-highest] over rounds."
             % dict(options, last=options["generations"] - 1), "",
             "| cell | population | serial s/gen | 1 worker | 2 workers | speed-up (2) "
             "| efficiency (2) |", "| --- | ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in report["efficiency"]:
        lines.append("| %s | %d | %s | %s | %s | %s | %s |" % (
            row["cell"], row["population"], fmt(row["serial"]), fmt(row["workers_1"]),
            fmt(row["workers_2"]), fmt(row["speedup_2"], "%.2f"),
            fmt(row["efficiency_2"], "%.2f")))
    for skip in report["skipped"]:
        lines.append("| %s | %d | not run: over --max-seconds %.0f | | | | |" % (
            skip["cell"], skip["population"], options["max_seconds"]))
    lines += ["", "Shipping a generation's work to 2 workers, no-op evaluation "
              "(ev.studies.scaling.ship: the children's genomes out, fitnesses back; round trip: "
              "median [lowest-highest] of the repeats in one process):", "",
              "| interpreter | population | creatures | bytes out | bytes back "
              "| round trip ms |", "| --- | ---: | ---: | ---: | ---: | ---: |"]
    for ship in report["shipping"]:
        lines.append("| %s | %d | %d | %d | %d | %s |" % (
            ship["implementation"], ship["population"], ship["creatures"], ship["bytes_out"],
            ship["bytes_back"], fmt(lowest_highest([1000 * s for s in ship["seconds"]]),
                                    "%.2f")))
    lines += ["", "CPython + numpy cores to match one PyPy + specialized core:", "",
              "| population | CPython+numpy s/gen | serial part s | PyPy+specialized s/gen "
              "| cores: median [lowest-highest] | model check, 2 workers: predicted / measured |",
              "| ---: | ---: | ---: | ---: | ---: | ---: |"]
    for row in report["cores_to_match"]:
        match = row["cores_to_match"]
        lines.append("| %d | %.3f | %.3f | %.4f | %s [%s-%s] | %.3f / %.3f |" % (
            row["population"], row["cpython_numpy_s_per_gen"], row["serial_part_s"],
            row["pypy_specialized_s_per_gen"], cores(match["median"]), cores(match["min"]),
            cores(match["max"]), row["predicted_2_workers"], row["measured_2_workers"]))
    if not report["cores_to_match"]:
        lines.append("| (needs cpython-numpy and pypy-specialized at the same population) "
                     "| | | | | |")
    return "\n".join(lines + ["", ASSUMPTIONS, "", "Over rounds: " + REPEAT_RULE + "."])
