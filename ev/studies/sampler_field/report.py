"""The report of the sampler_field study: a markdown table, benchmark x sampler."""
import statistics

from ev.studies.sampler_field.cases import LABELS, NAMED


def table(entries):
    """Markdown: benchmark x sampler: crashes, agreement with py-spy, overhead."""
    by = {}
    for entry in entries:
        for found in entry["runs"]:
            by.setdefault((entry["benchmark"], found["sampler"]), []).append(found)
    names = sorted(set(e["benchmark"] for e in entries), key=lambda n: (n not in NAMED, n))
    labels = [label for label in LABELS if any(k[1] == label for k in by)]
    head = "| benchmark | " + " | ".join(labels) + " |"
    lines = [head, "|" + " --- |" * (len(labels) + 1)]
    for name in names:
        cells = [cell(by.get((name, label), [])) for label in labels]
        lines.append("| %s | %s |" % (name, " | ".join(cells)))
    lines += ["", "Each cell: recordings that crashed (the program died or hung) / recordings, "
              "and those the sampler failed to make; agreement with py-spy "
              "(top 5 by self time, C folded into its Python caller): the largest difference "
              "in points, * where the functions differed; overhead: median of recorded / "
              "plain wall time [min-max] over the rounds, each ratio taken beside its own "
              "plain run."]
    return "\n".join(lines) + "\n"


def cell(runs):
    if not runs:
        return "-"
    if all("missing" in r for r in runs):
        return "not installed"
    done = [r for r in runs if "missing" not in r]
    crashed = sum(1 for r in done if r["crashed"])
    failed = sum(1 for r in done if r.get("failed"))
    text = "%d/%d crashed" % (crashed, len(done))
    if failed:
        text += ", %d failed to record" % failed
    agreed = [r["agreement"] for r in done if "agreement" in r]
    if agreed:
        text += "; agree %.1f%s" % (100 * max(a["largest_difference"] for a in agreed),
                                    "" if all(a["same_functions"] for a in agreed) else "*")
    ratios = sorted(r["overhead"] for r in done if r.get("overhead") and not r["crashed"]
                    and not r.get("failed"))
    if ratios:
        text += "; x%.2f [%.2f-%.2f]" % (statistics.median(ratios), ratios[0], ratios[-1])
    return text
