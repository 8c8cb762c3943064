"""The profile model's names where older code imports them (see traces.model)."""
from traces.model import (GC, JIT, KINDS, MARKER, NATIVE, PY, UNKNOWN, Frame,  # noqa: F401
                          Profile, Sample)
