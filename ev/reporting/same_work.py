"""The same-work check: cells (and the rounds of a cell) run with the same seed, population
and controller shape must find the same best fitness at every generation they share."""

SAME_WORK_RTOL = 1e-9   # numpy's BLAS may round the last bits differently


def with_same_work(rows):
    """New rows, each with "same_work": True, False, or None when the row has no peer to
    compare with (a cell's own rounds are peers too); ``rows`` are left as they were."""
    return [dict(row, same_work=same_work(row, rows)) for row in rows]


def same_work(row, rows):
    own = [best for best in row.get("_rounds_best", [])[1:] if best]
    peers = [r["best_by_generation"] for r in rows if r is not row
             and same_experiment(r, row) and r["best_by_generation"]] + own
    if not peers or not row["best_by_generation"]:
        return None
    return all(close(a, b) for peer in peers for a, b in zip(row["best_by_generation"], peer))


def same_experiment(a, b):
    keys = ("seed", "population", "shape", "controller")
    return all(a.get(key) == b.get(key) for key in keys)


def close(a, b):
    """Equal within SAME_WORK_RTOL; two infinite (or unrecorded: null) fitnesses are equal."""
    if a is None or b is None:
        return a is b
    return a == b or abs(a - b) <= SAME_WORK_RTOL * max(abs(a), abs(b))
