"""Moved to ev.reporting.recordings (it knows ev's results folders and reads their records).
This name stays only for traces.summary until the summary of a matrix folder moves into ev."""
from ev.reporting.recordings import recording_cost, timed_median  # noqa: F401
