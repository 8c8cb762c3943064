"""Undo a false frame in CPython 3.11 profiles recorded by vmprof 0.6 with native frames.

vmprof's signal handler walks the native stack outwards and, at the first frame of the eval
loop, writes the Python frames instead.  In the sample it loses the frame the signal
interrupted (measured here: 500 of 500 samples of ``time.sleep`` end in ``time_sleep``, never
in libc's ``clock_nanosleep`` where the thread was blocked).  When that lost frame is the eval
loop itself -- the interpreter running a Python function's bytecode -- what is left is the C
call chain that *entered* that eval loop (``_PyObject_Call > _PyEval_Vector`` for a function
called from C, e.g. by click), recorded as if the Python function had called it.  Such samples
are the interpreter executing the innermost Python function: this processor drops those native
frames, so the time counts as that function's own.  (When no C frame entered the loop, vmprof
itself records the Python frames alone, and the sample is already right.)

The lost frame also shifts other C time by one frame: a C function called straight from the
eval loop (``PyFloat_FromDouble``) shows as the Python function's time, and a sample in a
C callee shows as its caller.  That cannot be undone from the profile; traces.profile says so.
"""
from traces.samples import PY

# The functions through which C code enters the eval loop; the last of them calls the loop.
EVAL_ENTRY = frozenset(("_PyEval_Vector", "_PyEval_EvalFrame", "_PyEval_EvalFrameDefault",
                        "PyEval_EvalCode", "_PyEval_EvalCode"))


def fold_eval_entry_frames(profile):
    """A Profile whose CPython samples that end in an eval-loop entry end at the innermost
    Python frame instead; ``profile.folded_weight`` says how much time moved."""
    if profile.interpreter != "cpython":
        return profile
    samples, folded = [], 0.0
    for frames, weight in profile.samples:
        python_end = innermost_python_end(frames)
        natives = frames[python_end:]
        if python_end and natives and natives[-1].name in EVAL_ENTRY:
            frames = frames[:python_end]
            folded += weight
        samples.append((frames, weight))
    repaired = profile.derived(samples, profile.runtime_seconds)
    repaired.folded_weight = folded
    return repaired


def innermost_python_end(frames):
    """Index just past the innermost Python frame (0 when there is none)."""
    for index in range(len(frames) - 1, -1, -1):
        if frames[index].kind == PY:
            return index + 1
    return 0
