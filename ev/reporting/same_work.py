"""The same-work check: cells (and the rounds of a cell) run with the same seed, population
and controller shape must find the same best fitness at every generation they share -- by
generation number: a warm cell's slices cover different generations, and cells run different
numbers of them."""

SAME_WORK_RTOL = 1e-9   # numpy's BLAS may round the last bits differently


def with_same_work(rows):
    """New rows, each with "same_work": True, False, or None when the row has no peer to
    compare with (a cell's own rounds are peers too); ``rows`` are left as they were."""
    return [dict(row, same_work=same_work(row, rows)) for row in rows]


def same_work(row, rows):
    """True when every generation the row shares with a peer (another cell of the same
    experiment, or another round of its own) has the same best fitness; None when it shares
    none."""
    mine = row["best_by_generation"] or {}
    own = [best for best in row.get("_rounds_best", [])[1:] if best]
    peers = [r["best_by_generation"] for r in rows if r is not row
             and same_experiment(r, row) and r["best_by_generation"]] + own
    shared = [(mine[generation], peer[generation]) for peer in peers
              for generation in sorted(set(mine) & set(peer))]
    if not shared:
        return None
    return all(close(a, b) for a, b in shared)


def same_experiment(a, b):
    keys = ("seed", "population", "shape", "controller")
    return all(a.get(key) == b.get(key) for key in keys)


def close(a, b):
    """Equal within SAME_WORK_RTOL; two infinite (or unrecorded: null) fitnesses are equal."""
    if a is None or b is None:
        return a is b
    return a == b or abs(a - b) <= SAME_WORK_RTOL * max(abs(a), abs(b))
