"""The model of the numpy_share study: numpy's share of a generation from the counted calls
and the timed statements,

    share = run_step calls per generation x (run_step whole - its Python glue) / s/gen,

and the run_step's whole share beside it (what the glue adds); the row it prints."""
import statistics
import sys


def share_row(s_per_gen, times, calls, whole, glue):
    """The printed row: ``times`` the CPU seconds of every generation, ``calls`` the run_step
    calls of each (the first left out, as from s/gen), ``whole`` and ``glue`` seconds per
    call."""
    timed_calls = statistics.median(calls[1:])
    share = 100.0 * timed_calls * (whole - glue) / s_per_gen
    return {"python": sys.version.split()[0], "s_per_gen": round(s_per_gen, 4),
            "generation_seconds": [round(t, 4) for t in times],
            "run_step_calls_per_gen": timed_calls,
            "run_step_whole_us": round(whole * 1e6, 3),
            "run_step_glue_us": round(glue * 1e6, 3),
            "numpy_statements_share_pct": round(share, 1),
            "run_step_share_pct": round(100.0 * timed_calls * whole / s_per_gen, 1)}
