"""The report of the pid_vs_cma study: a text table (``--json``: the rows)."""


def render(rows):
    lines = ["%5s %9s %11s %7s %10s %11s %7s %10s %7s" % (
        "seed", "evals", "ev GA best", "GA s", "GA to fly", "CMA-ES best", "CMA s",
        "CMA to fly", "CMA/GA")]
    for r in rows:
        lines.append("%5d %9d %11.2f %7.2f %10s %11.2f %7.2f %10s %7.3f" % (
            r["seed"], r["evaluations"], r["ga_best"], r["ga_seconds"],
            never(r["ga_evaluations_to_fly"]), r["cma_best"], r["cma_seconds"],
            never(r["cma_evaluations_to_fly"]), r["cma_best"] / r["ga_best"]))
    ga = sorted(r["ga_best"] for r in rows)
    cmaes = sorted(r["cma_best"] for r in rows)
    lines.append("median best: ev GA %.2f, CMA-ES %.2f; flies: GA %d of %d, CMA-ES %d of %d" % (
        ga[len(ga) // 2], cmaes[len(cmaes) // 2], sum(r["ga_flies"] for r in rows), len(rows),
        sum(r["cma_flies"] for r in rows), len(rows)))
    lines.append("to fly: evaluations spent when the best so far first flew (training steps "
                 "and the validation grid, as --until-flies)")
    return "\n".join(lines)


def never(evaluations):
    return "never" if evaluations is None else str(evaluations)
