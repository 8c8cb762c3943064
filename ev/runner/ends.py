"""What a child's records say, read by the runner: how many generations a records file
holds, and its last run's end record (why it ended, where its steady state began).  Read
from the records (ev.store.records), never from what the child printed."""
from ev.store.records import END, GENERATION, read_records


def records_of(path):
    """The records of a file as dicts; [] when it cannot be read (the run never started)."""
    try:
        found, _ = read_records(path)
    except OSError:
        return []
    return found


def end_of(path):
    """The last end record in a records file (a dict), or None (none written: the child was
    killed, or wrote no records)."""
    ends = [r for r in records_of(path) if r["type"] == END]
    return ends[-1] if ends else None


def generations_of(path):
    """The generation records of a file, in order."""
    return [r for r in records_of(path) if r["type"] == GENERATION]
