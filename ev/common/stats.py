"""Summaries of per-generation timings."""


def median(values):
    ordered = sorted(values)
    if not ordered:
        return None
    mid = len(ordered) // 2
    if len(ordered) % 2:
        return ordered[mid]
    return (ordered[mid - 1] + ordered[mid]) / 2.0


def steady_median(seconds):
    """Median seconds per generation without the first (imports, JIT warm-up); with a single
    generation, that one."""
    return median(seconds[1:] if len(seconds) > 1 else seconds)
