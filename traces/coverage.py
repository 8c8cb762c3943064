"""Moved to ev.reporting.recordings (it knows ev's results folders and reads their records).
This name stays only for traces.summary, traces.profile and traces.jitlog until their
matrix-aware parts move into ev too; traces itself should import nothing of ev."""
from ev.reporting.recordings import (JIT_LOG_COVERS, WHOLE_RUN, profile_coverage,  # noqa: F401
                                     recording_entry)
