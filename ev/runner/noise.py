"""The machine's own noise during a run: a fixed workload (pure Python, the same every time
and in every run) timed by the runner between rounds, while no cell runs.  Its spread over
the run says how much the machine itself moved; the report prints it beside the figures."""
import time

WORK = 400000     # about 0.1 s on CPython 3.11 on a 2-core VM


def fixed_workload():
    """Integer arithmetic and a list: what the GA's own Python does, without ev."""
    total = 0
    values = []
    for i in range(WORK):
        total = (total + i * i) % 1000003
        if i % 97 == 0:
            values.append(total)
    values.sort()
    return total + len(values)


def time_workload():
    """Seconds the fixed workload took, now."""
    began = time.perf_counter()
    fixed_workload()
    return time.perf_counter() - began
