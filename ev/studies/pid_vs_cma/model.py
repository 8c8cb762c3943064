"""The model of the pid_vs_cma study: one row per seed, the GA and CMA-ES side by side."""
from ev.model.replay import flies_and_generalizes
from ev.studies.pid_vs_cma.cases import run_cma, run_ga


def compare(seeds, population, generations, cma):
    rows = []
    for seed in seeds:
        ga = run_ga(seed, population, generations)
        cmaes = run_cma(cma, seed, ga[1])
        rows.append({"seed": seed, "evaluations": ga[1],
                     "ga_best": ga[0], "ga_seconds": ga[2],
                     "ga_flies": flies_and_generalizes(ga[3]),
                     "ga_evaluations_to_fly": ga[4].evaluations,
                     "ga_seconds_to_fly": ga[4].seconds,
                     "ga_gains": list(ga[3].gains),
                     "cma_best": cmaes[0], "cma_evaluations": cmaes[1],
                     "cma_seconds": cmaes[2], "cma_flies": flies_and_generalizes(cmaes[3]),
                     "cma_evaluations_to_fly": cmaes[4].evaluations,
                     "cma_seconds_to_fly": cmaes[4].seconds,
                     "cma_gains": list(cmaes[3].gains)})
    return rows
