"""python -m ev.reporting.fly_report RESULTS_DIR [--json] [--no-plots]: time to a flying controller.

Reads the records of ``./run_all.sh --task fly`` (every cell ran ``ev.cli.main --controller pid
--until-flies``: each generation record says whether its best creature flies) and gives, per
cell, the generations, evaluations and seconds of evolution until the first flying
controller.  Same seed, same work: every cell must fly at the same generation with the same
best fitness, and the report says whether they did.
"""
import json
import os
import sys

import click

from ev.reporting.report import close, fmt, load_cells, not_run, warn, write_report


def first_flight(cell):
    """A report row of one cell: where its first flying controller appeared, or that none
    did within the generations it ran."""
    gens = sorted(cell["generations"], key=lambda g: g["generation"])
    flown = next((i for i, g in enumerate(gens) if g.get("flies")), None)
    until = gens[:flown + 1] if flown is not None else gens
    run = cell["run"]
    return {
        "cell": cell["name"],
        "interpreter": "%s %s" % (run["implementation"], run["version"]),
        "variant": run["variant"],
        "population": run["population"],
        "seed": run["seed"],
        "budget": run.get("generations"),
        "checked": all("flies" in g for g in gens) and bool(gens),
        "flies": flown is not None,
        "generations": len(until),
        "evaluations": sum(g["evaluated"] for g in until),
        "seconds": sum(g["seconds"] for g in until),
        "first_generation_seconds": gens[0]["seconds"] if gens else None,
        "best_fitness": until[-1]["min"] if until else None,
    }


def add_ratios(rows):
    """Each cell's seconds to fly against the fastest cell's, and the same-work check."""
    flying = [r for r in rows if r["flies"]]
    fastest = min((r["seconds"] for r in flying), default=None)
    reference = flying[0] if flying else None
    for r in rows:
        r["x_fastest"] = r["seconds"] / fastest if r["flies"] and fastest else None
        r["same_work"] = (None if reference is None or not r["flies"] else
                          r["generations"] == reference["generations"]
                          and close(r["best_fitness"], reference["best_fitness"]))


def markdown(rows, skipped):
    flying = [r for r in rows if r["flies"]]
    first = rows[0]
    lines = ["# Time to a flying PID controller", "",
             "Population %d, seed %s, budget %s generations per cell: each cell evolves "
             "(`ev.cli.main --controller pid --until-flies`) until its best creature flies the "
             "five training steps and the validation grid (ev.model.replay)."
             % (first["population"], first["seed"], first["budget"]), "",
             "| cell | interpreter | generations to fly | evaluations | seconds to fly "
             "| x fastest | first generation s | best fitness | same work |",
             "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |"]
    for r in sorted(rows, key=lambda r: (not r["flies"], r["seconds"])):
        lines.append("| %s | %s | %s | %d | %s | %s | %.3f | %s | %s |" % (
            r["cell"], r["interpreter"],
            to_fly(r),
            r["evaluations"], "%.2f" % r["seconds"] if r["flies"] else "-",
            "%.1f" % r["x_fastest"] if r["x_fastest"] else "-",
            r["first_generation_seconds"], fmt(r["best_fitness"], "%.2f"),
            {True: "yes", False: "**no**", None: "-"}[r["same_work"]]))
    for cell, reason in skipped:
        lines.append("| %s | not run: %s | | | | | | | |" % (cell, reason))
    lines.append("")
    lines.extend(reading(rows, flying))
    return "\n".join(lines) + "\n"


def to_fly(row):
    if row["flies"]:
        return str(row["generations"])
    if not row["checked"]:
        return "not a fly run (%d generations)" % row["generations"]
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
    lines.append("Fastest: %s, a flying controller after %.2f s of evolution; slowest: %s, "
                 "%.2f s (%.0fx longer) for the same %d generations."
                 % (fastest["cell"], fastest["seconds"], slowest["cell"], slowest["seconds"],
                    slowest["x_fastest"], slowest["generations"]))
    if any(r["same_work"] is False for r in rows):
        lines.append("**Warning**: the cells did not do the same work (another generation or "
                     "another best fitness at the first flight).")
    return lines


def fly_plots(rows, folder):
    """The report's plot, drawn when write_report asks for it (after the markdown)."""
    yield plot(rows, folder)


def plot(rows, folder):
    """Seconds of evolution to the first flying controller per cell, log scale."""
    flying = sorted((r for r in rows if r["flies"]), key=lambda r: r["seconds"])
    if not flying:
        return None
    from ev.reporting.plots import plt, save
    fig, ax = plt.subplots(figsize=(9, 0.55 * len(flying) + 2.0))
    for y, r in enumerate(flying):
        ax.barh(y, r["seconds"], color="tab:blue")
        ax.text(r["seconds"] * 1.1, y, "%.2f s (%d generations)" % (r["seconds"],
                                                                   r["generations"]),
                va="center", fontsize=9)
    ax.set_yticks(range(len(flying)))
    ax.set_yticklabels([r["cell"] for r in flying])
    ax.set_xscale("log")
    ax.set_xlim(min(r["seconds"] for r in flying) / 2, max(r["seconds"] for r in flying) * 8)
    ax.set_xlabel("seconds of evolution until the best creature flies (log scale)")
    ax.set_title("Time to a flying PID controller: population %d, seed %s"
                 % (flying[0]["population"], flying[0]["seed"]), fontsize=11)
    ax.grid(True, axis="x", which="both", alpha=0.3)
    return save(fig, os.path.join(folder, "time_to_fly.png"))


@click.command(context_settings={"help_option_names": ["-h", "--help"]})
@click.argument("folder", type=click.Path(exists=True, file_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the rows as JSON, for scripts.")
@click.option("--no-plots", is_flag=True, help="Do not write time_to_fly.png.")
def main(folder, as_json, no_plots):
    """Seconds and generations to the first flying PID controller, per cell of a
    `./run_all.sh --task fly` run."""
    cells, problems = load_cells(folder)
    warn(problems)
    cells = [c for c in cells if c["generations"]]
    if not cells:
        raise click.ClickException("%s: no results (*.jsonl with generations) found" % folder)
    rows = [first_flight(c) for c in cells]
    add_ratios(rows)
    if as_json:
        click.echo(json.dumps(rows, indent=1))
        return
    text = markdown(rows, not_run(folder))
    click.echo(text)
    write_report(os.path.join(folder, "fly_report.md"), text,
                 () if no_plots else fly_plots(rows, folder))


if __name__ == "__main__":
    sys.exit(main())
