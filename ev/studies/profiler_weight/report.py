"""The report of the profiler_weight study: a markdown table (``--json``: the rows)."""
from ev.studies.profiler_weight.cases import MODES


def seconds_cell(result):
    if "not_measured" in result:
        return "not measured: " + result["not_measured"]
    text = "%.4g" % result["seconds_per_generation"]
    if "overhead" in result:
        text += " (%.2fx)" % result["overhead"]
    return text


def markdown(rows, ratios):
    lines = ["| cell | plain s/gen | vmprof s/gen (x plain) | cProfile s/gen (x plain) |",
             "| --- | ---: | ---: | ---: |"]
    for row in rows:
        if "not_run" in row:
            lines.append("| %s | not run: %s | | |" % (row["cell"], row["not_run"]))
        else:
            lines.append("| %s | %s |" % (row["cell"], " | ".join(
                seconds_cell(row[mode]) for mode in MODES)))
    if ratios:
        lines += ["", "| numpy / specialized | " + " | ".join(MODES) + " |",
                  "| --- |" + " ---: |" * len(MODES)]
        for entry in ratios:
            lines.append("| %s | %s |" % (entry["interpreter"], " | ".join(
                "%.2f" % r if r else "-" for r in
                (entry["numpy_over_specialized"][mode] for mode in MODES))))
    return "\n".join(lines) + "\n"


