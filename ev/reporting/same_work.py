"""The same-work check (a processor: it returns new rows, ``dataclasses.replace`` of the old):
cells run with the same seed, population and controller shape do the same work, so they must
agree, and the report says whether they did.

Of a matrix run (ev.reporting.rows): the cells (and the rounds of a cell) must find the same
best fitness at every generation they share -- by generation number: a warm cell's slices
cover different generations, and cells run different numbers of them.  Of a fly run
(ev.reporting.fly_rows): every cell must fly at the same generation with the same best
fitness, in every round."""
import dataclasses

SAME_WORK_RTOL = 1e-9   # numpy's BLAS may round the last bits differently


def with_same_work(rows):
    """New rows, each with ``same_work``: True, False, or None when the row has no peer to
    compare with (a cell's own rounds are peers too)."""
    return [dataclasses.replace(row, same_work=same_work(row, rows)) for row in rows]


def same_work(row, rows):
    """True when every generation the row shares with a peer (another cell of the same
    experiment, or another round of its own) has the same best fitness; None when it shares
    none."""
    mine = row.best_by_generation or {}
    own = [best for best in row.rounds_best[1:] if best]
    peers = [r.best_by_generation for r in rows if r is not row
             and same_experiment(r, row) and r.best_by_generation] + own
    shared = [(mine[generation], peer[generation]) for peer in peers
              for generation in sorted(set(mine) & set(peer))]
    if not shared:
        return None
    return all(close(a, b) for a, b in shared)


def same_experiment(a, b):
    keys = ("seed", "population", "shape", "controller")
    return all(getattr(a, key) == getattr(b, key) for key in keys)


def with_same_flight(rows):
    """New fly rows, each flying row with ``same_work``: True when it flew at the first
    flying cell's generation with its best fitness, and its own rounds agreed; None for a
    row that did not fly, or when none did."""
    flying = [r for r in rows if r.flies]
    reference = flying[0] if flying else None
    return [dataclasses.replace(row, same_work=None if reference is None or not row.flies else
                                row.generations == reference.generations
                                and close(row.best_fitness, reference.best_fitness)
                                and row.rounds_agree) for row in rows]


def close(a, b):
    """Equal within SAME_WORK_RTOL; two infinite (or unrecorded: null) fitnesses are equal."""
    if a is None or b is None:
        return a is b
    return a == b or abs(a - b) <= SAME_WORK_RTOL * max(abs(a), abs(b))
