"""Step-response figures of one flight, in the vocabulary of python-control's ``step_info``,
and the verdict "flies".

For a step from ``start`` to ``setpoint`` (size ``step = setpoint - start``), with the altitude
sampled at ``times``:
- rise time: from first reaching 10% of the step to first reaching 90% of it;
- overshoot: how far the altitude went past the setpoint, as a fraction of |step| (0 if never);
- settling time: the time after which the altitude stays within the band
  setpoint +- SETTLING_BAND * |step|;
- steady-state error: |altitude at the end - setpoint| / |step|.
A quantity that is undefined (the band or 90% never reached) is None.
"""
from collections import namedtuple

SETTLING_BAND = 0.02
MAX_OVERSHOOT = 0.10
MAX_SETTLING_FRACTION = 0.85   # of the flight's duration
MAX_STEADY_STATE_ERROR = 0.02

StepInfo = namedtuple("StepInfo", "rise_time settling_time overshoot steady_state_error "
                                  "settled duration")


def step_info(times, altitudes, start, setpoint):
    """StepInfo of one flight; ``times[i]`` is when ``altitudes[i]`` was measured."""
    step = setpoint - start
    size = abs(step)
    if size == 0.0 or not altitudes:
        raise ValueError("a step response needs a non-zero step and samples")
    progress = [(a - start) / step for a in altitudes]   # 0 at the start, 1 at the setpoint
    return StepInfo(
        rise_time=rise_time(times, progress),
        settling_time=settling_time(times, altitudes, setpoint, SETTLING_BAND * size),
        overshoot=max(0.0, max(progress) - 1.0),
        steady_state_error=abs(altitudes[-1] - setpoint) / size,
        settled=abs(altitudes[-1] - setpoint) <= SETTLING_BAND * size,
        duration=times[-1])


def rise_time(times, progress):
    low = first_time(times, progress, 0.1)
    high = first_time(times, progress, 0.9)
    if low is None or high is None:
        return None
    return high - low


def first_time(times, progress, level):
    return next((t for t, p in zip(times, progress) if p >= level), None)


def settling_time(times, altitudes, setpoint, band):
    """The first time from which every sample is inside the band, or None."""
    if abs(altitudes[-1] - setpoint) > band:
        return None
    index = len(altitudes)
    while index > 0 and abs(altitudes[index - 1] - setpoint) <= band:
        index -= 1
    return times[index] if index < len(times) else None


def flies(info):
    """Meets every criterion: overshoot, settling within the flight, steady-state error."""
    return (info.overshoot <= MAX_OVERSHOOT
            and info.settling_time is not None
            and info.settling_time <= MAX_SETTLING_FRACTION * info.duration
            and info.steady_state_error <= MAX_STEADY_STATE_ERROR)
