"""python -m ev.reporting.fly_report RESULTS_DIR [--json] [--no-plots]: time to a flying controller.

Reads the records of ``./run_all.sh --task fly`` (every cell ran ``ev.cli.evolve --controller pid
--until-flies``: each generation record says whether its best creature flies) and gives, per
cell, the generations, evaluations and seconds of evolution until the first flying
controller.  Same seed, same work: every cell must fly at the same generation with the same
best fitness, and the report says whether they did.

The ``--json`` document's format history ("format": "ev-fly-report", "version"; ``read_json``
reads every version):

    1 - {"format", "version", "rows": [one object per cell]}.  Before it had a name (ev
        at commit 6b10243 and earlier) the document was the bare list of rows.
"""
import os
import sys

import click

from ev.common.stats import REPEAT_RULE, Interval, few_rounds_note
from ev.reporting.load import group_cells
from ev.common.formats import rows_format
from ev.reporting.output import (check_replaceable, draw, fmt, plural, read_folder, warn,
                                 write_report)
from ev.reporting.same_work import close
from ev.reporting.words import ratio_text


FLY_REPORT = rows_format("ev-fly-report")


def read_json(path):
    """The rows of an ``ev fly-report --json`` document saved to ``path``, of any version."""
    return FLY_REPORT.load(path)["rows"]


def first_flight(run):
    """A report row of one cell-round: where its first flying controller appeared, or that
    none did within the generations it ran."""
    gens = run["generations"]
    flown = next((i for i, g in enumerate(gens) if g.get("flies")), None)
    until = gens[:flown + 1] if flown is not None else gens
    record = run["run"]
    return {
        "cell": run["name"],
        "interpreter": "%s %s" % (record["implementation"], record["version"]),
        "variant": record["variant"],
        "population": record["population"],
        "seed": record["seed"],
        "budget": record.get("generations"),
        "checked": all("flies" in g for g in gens) and bool(gens),
        "flies": flown is not None,
        "generations": len(until),
        "evaluations": sum(g["evaluated"] for g in until),
        "seconds": sum(g["seconds"] for g in until),
        "first_generation_seconds": gens[0]["seconds"] if gens else None,
        "best_fitness": until[-1]["min"] if until else None,
    }


def cell_row(runs):
    """A cell's row over its rounds: round 1's generations and fitness, the seconds to fly
    as the median over rounds with its repeat range (``rounds_agree``: every round
    flew at the same generation with the same best fitness, as the same seed must)."""
    rounds = [first_flight(r) for r in runs]
    row = dict(rounds[0])
    seconds = Interval([r["seconds"] for r in rounds])
    row.update(rounds=len(rounds), seconds=seconds.median, seconds_low=seconds.low,
               seconds_high=seconds.high,
               spread=seconds.spread if len(rounds) > 1 else None,
               seconds_by_round=dict((run["round"], r["seconds"]) for run, r in zip(runs, rounds)),
               rounds_agree=all(r["generations"] == row["generations"]
                                and close(r["best_fitness"], row["best_fitness"])
                                for r in rounds))
    return row


def holds_fly_records(folder, runs):
    """True when the folder is a fly run: matrix.json says so, or a generation record says
    whether its best creature flies."""
    return folder.task == "fly" or any("flies" in g for r in runs for g in r["generations"])


def what_it_holds(folder, runs):
    """The one-line refusal for a folder that is not a fly run: what it holds instead."""
    cells = sorted(set(r["name"] for r in runs))
    return ("%s holds no fly-task records: %d run(s) of %s (task: %s), whose generations do not "
            "say whether they fly; read it with python -m ev.reporting.report, or make a fly "
            "run with ./run_all.sh --task fly" % (
                folder.path, len(runs), ", ".join(cells[:6]) + (" ..." if len(cells) > 6 else ""),
                folder.task or "a benchmark, ev.cli.evolve without --until-flies"))


def add_ratios(rows):
    """Each cell's seconds to fly against the fastest cell's, and the same-work check."""
    flying = [r for r in rows if r["flies"]]
    fastest = min(flying, key=lambda r: r["seconds"]) if flying else None
    reference = flying[0] if flying else None
    for r in rows:
        ratio = within_rounds(r, fastest) if r["flies"] and fastest else Interval([])
        r["x_fastest"], r["x_fastest_low"], r["x_fastest_high"] = (ratio.median, ratio.low,
                                                                   ratio.high)
        r["same_work"] = (None if reference is None or not r["flies"] else
                          r["generations"] == reference["generations"]
                          and close(r["best_fitness"], reference["best_fitness"])
                          and r["rounds_agree"])


def within_rounds(row, fastest):
    """The row's seconds to fly over the fastest cell's, round by round (the rounds both
    have), as an Interval."""
    common = set(row["seconds_by_round"]) & set(fastest["seconds_by_round"])
    return Interval(row["seconds_by_round"][k] / fastest["seconds_by_round"][k]
                    for k in common if fastest["seconds_by_round"][k])


def markdown(rows, skipped, written=()):
    flying = [r for r in rows if r["flies"]]
    first = rows[0]
    lines = ["# Time to a flying PID controller", "",
             "Population %d, seed %s, budget %s per cell, %s per cell: each cell evolves "
             "(`python -m ev.main --controller pid --until-flies`) until its best creature "
             "flies the five training steps and the validation grid (ev.model.replay)."
             % (first["population"], first["seed"], plural(first["budget"], "generation"),
                plural(max(r["rounds"] for r in rows), "round")), "",
             "| cell | interpreter | generations to fly | evaluations | seconds to fly "
             "| x fastest | first generation s | best fitness | same work |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in sorted(rows, key=lambda r: (not r["flies"], r["seconds"])):
        lines.append("| %s | %s | %s | %d | %s | %s | %.3f | %s | %s |" % (
            r["cell"], r["interpreter"],
            to_fly(r),
            r["evaluations"], seconds_text(r) if r["flies"] else "-",
            ratio_text(r["x_fastest"], r["x_fastest_low"], r["x_fastest_high"])
            if r["x_fastest"] else "-",
            r["first_generation_seconds"], fmt(r["best_fitness"], "%.2f"),
            {True: "yes", False: "**no**", None: "-"}[r["same_work"]]))
    for cell, reason in skipped:
        lines.append("| %s | not run: %s | | | | | | | |" % (cell, reason))
    lines.append("")
    rounds = max(r["rounds"] for r in rows)
    if rounds > 1:
        few = few_rounds_note(rounds)
        lines += ["Seconds to fly: the median over rounds (%s).%s" % (
            REPEAT_RULE, " " + few if few else ""), ""]
    lines.extend(reading(rows, flying))
    if written:
        lines += ["", "Plot: [time to fly](%s)." % os.path.basename(written[0])]
    return "\n".join(lines) + "\n"


def seconds_text(row):
    """'1.23' or, over rounds, '1.23 (1.20-1.31)'."""
    low, high = "%.2f" % row["seconds_low"], "%.2f" % row["seconds_high"]
    if row["rounds"] > 1 and low != high:
        return "%.2f (%s-%s)" % (row["seconds"], low, high)
    return "%.2f" % row["seconds"]


def to_fly(row):
    if row["flies"]:
        return str(row["generations"])
    if not row["checked"]:
        return "not a fly run (%s)" % plural(row["generations"], "generation")
    return "did not fly in %d" % row["generations"]


def reading(rows, flying):
    """Plain sentences: what the table says."""
    unchecked = [r["cell"] for r in rows if not r["checked"]]
    lines = []
    if unchecked:
        lines.append("Not a fly run (no --until-flies records): %s; their rows say nothing "
                     "about flying." % ", ".join(unchecked))
    if not flying:
        lines.append("No cell found a flying controller within its budget.")
        return lines
    fastest = min(flying, key=lambda r: r["seconds"])
    slowest = max(flying, key=lambda r: r["seconds"])
    apart = (slowest["x_fastest_low"] or 0) > 1     # the ratio within rounds decides
    if slowest is fastest:
        lines.append("%s found a flying controller after %s s of evolution."
                     % (fastest["cell"], seconds_text(fastest)))
    elif apart:
        lines.append("Fastest: %s, a flying controller after %s s of evolution; slowest: %s, "
                     "%s s (%s as long, within rounds) for the same %d generations."
                     % (fastest["cell"], seconds_text(fastest), slowest["cell"],
                        seconds_text(slowest), ratio_text(slowest["x_fastest"],
                                                          slowest["x_fastest_low"],
                                                          slowest["x_fastest_high"]),
                        slowest["generations"]))
    else:
        lines.append("No measurable difference between the fastest cell, %s (%s s), and the "
                     "slowest, %s (%s s): the range of their ratio within rounds holds 1 (%s)."
                     % (fastest["cell"], seconds_text(fastest), slowest["cell"],
                        seconds_text(slowest), ratio_text(slowest["x_fastest"],
                                                          slowest["x_fastest_low"],
                                                          slowest["x_fastest_high"])))
    if any(r["same_work"] is False for r in rows):
        lines.append("**Warning**: the cells did not do the same work (another generation or "
                     "another best fitness at the first flight).")
    return lines


def fly_plots(rows, folder):
    """The report's plot, drawn when write_report asks for it (after the markdown)."""
    yield plot(rows, folder)


def plot(rows, folder):
    """Seconds of evolution to the first flying controller per cell, log scale: a point at the
    median over rounds, its repeat range as an error bar (points, not bars: a bar's length on
    a log axis says nothing)."""
    flying = sorted((r for r in rows if r["flies"]), key=lambda r: r["seconds"])
    if not flying:
        return None
    from ev.reporting.plots import plt, save
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(flying) + 2.0))
    for y, r in enumerate(flying):
        low, high = bounds(r)
        ax.errorbar(r["seconds"], y, xerr=[[r["seconds"] - low], [high - r["seconds"]]],
                    fmt="o", color="tab:blue", capsize=4, markersize=7)
        ax.text(high * 1.15, y, "%.2f s (%s)" % (r["seconds"], plural(r["generations"],
                                                                      "generation")),
                va="center", fontsize=9)
    ax.set_yticks(range(len(flying)))
    ax.set_yticklabels([r["cell"] for r in flying])
    ax.set_ylim(-0.7, len(flying) - 0.3)
    ax.set_xscale("log")
    ax.set_xlim(min(bounds(r)[0] for r in flying) / 2, max(bounds(r)[1] for r in flying) * 8)
    rounds = max(r["rounds"] for r in flying)
    ax.set_xlabel("seconds of evolution until the best creature flies (log scale)\n"
                  "median over %s%s" % (plural(rounds, "round"),
                                        "; error bar = 99% repeat range" if rounds > 1
                                        else ""))
    ax.set_title("Time to a flying PID controller: population %d, seed %s"
                 % (flying[0]["population"], flying[0]["seed"]), fontsize=11)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    return save(fig, os.path.join(folder, "time_to_fly.png"))


def bounds(row):
    """(low, high) of a row's seconds to fly: its repeat range, or the median twice."""
    low, high = row.get("seconds_low"), row.get("seconds_high")
    if low is None or high is None:
        return row["seconds"], row["seconds"]
    return low, high


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON, for scripts.")
@click.option("--no-plots", is_flag=True, help="Do not write time_to_fly.png.")
def main(folder, as_json, no_plots):
    """Seconds and generations to the first flying PID controller, per cell of a
    `./run_all.sh --task fly` run."""
    found = read_folder(folder)
    warn(found.problems)
    runs = [r for r in found.runs if r["generations"]]
    if not runs:
        raise click.ClickException("%s: no results (*.jsonl with generations) found" % folder)
    if not holds_fly_records(found, runs):
        raise click.ClickException(what_it_holds(found, runs))
    rows = [cell_row(cell) for cell in group_cells(runs).values()]
    add_ratios(rows)
    if as_json:
        click.echo(FLY_REPORT.dumps({"rows": rows}, indent=1))
        return
    path = os.path.join(folder, "fly_report.md")
    check_replaceable(path)
    written = [] if no_plots else draw(fly_plots(rows, folder))
    text = markdown(rows, found.skipped, written)
    click.echo(text)
    write_report(path, text, written)


if __name__ == "__main__":
    sys.exit(main())
