"""What a child's records say, read by the runner: how many generations a records file
holds, and its last run's end record (why it ended, where its steady state began).  Read
from the records (ev.store.records), never from what the child printed."""
from ev.store.records import EndRecord, GenerationRecord, joined_end, read_records


def records_of(path):
    """The records of a file (ev.store.records' RunRecord, GenerationRecord, EndRecord);
    [] when it cannot be read (the run never started)."""
    try:
        found, _ = read_records(path)
    except OSError:
        return []
    return found


def end_of(path):
    """The end of the last run in a records file (an EndRecord), or None (none written: the
    child was killed, or wrote no records).  A warm process that ran a round in parts wrote
    one end per part: they are joined (ev.store.records.joined_end)."""
    found = records_of(path)
    ends = [r for r in found if isinstance(r, EndRecord)]
    if not ends:
        return None
    run = ends[-1].run
    if run is None:
        return ends[-1]
    return joined_end([e for e in ends if e.run == run],
                      [g for g in found if isinstance(g, GenerationRecord) and g.run == run])


def generations_of(path):
    """The generation records of a file, in order (GenerationRecords)."""
    return [r for r in records_of(path) if isinstance(r, GenerationRecord)]
