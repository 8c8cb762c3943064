"""What the machine was doing when a measurement was taken: CPU model, cores, load average,
frequency governor and available memory (pyperf's ``system show`` is the model).  A timing
means little without them: a load average above about half a core per core says another
program was running, and the figures taken then are suspect.

Everything is read from /proc and /sys where readable; what cannot be read is None, never a
guess."""
import datetime
import os
import platform

from ev.common.capacity import available_memory

BUSY_LOAD_PER_CORE = 0.5   # above this (1-minute load / cores), a run is flagged as disturbed


def machine_facts():
    """{"cpu_model", "cores", "load_average", "governor", "memory_available_bytes", "time"}
    (the MACHINE object of the matrix contract)."""
    return {"cpu_model": cpu_model(), "cores": os.cpu_count() or 1,
            "load_average": load_average(), "governor": governor(),
            "memory_available_bytes": available_memory(),
            "time": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")}


def read_first_line(path):
    try:
        with open(path) as handle:
            return handle.readline().strip() or None
    except OSError:
        return None


def cpu_model():
    try:
        with open("/proc/cpuinfo") as handle:
            for line in handle:
                key, _, value = line.partition(":")
                if key.strip() in ("model name", "Model", "cpu model"):
                    return value.strip()
    except OSError:
        pass
    return platform.processor() or platform.machine() or "unknown"


def load_average():
    try:
        return [round(value, 2) for value in os.getloadavg()]
    except OSError:
        return None


def governor():
    """cpu0's frequency governor ("performance", "powersave", ...); None in most VMs and
    containers, which do not expose cpufreq."""
    return read_first_line("/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor")


def busy_warning(facts):
    """A one-line warning when the 1-minute load says the machine was busy, else None."""
    load = facts.get("load_average")
    cores = facts.get("cores") or 1
    if not load or load[0] <= BUSY_LOAD_PER_CORE * cores:
        return None
    return ("warning: load average %.2f on %d cores (above %.1f per core): another program is "
            "running, or was in the last minute (a set-up that just ended counts too); the "
            "timings may be noisy" % (load[0], cores, BUSY_LOAD_PER_CORE))


def describe(facts):
    """One line for a terminal or a report."""
    load = facts.get("load_average")
    memory = facts.get("memory_available_bytes")
    return "%s, %d cores, load %s, governor %s, %s available" % (
        facts.get("cpu_model"), facts.get("cores"),
        " ".join("%.2f" % value for value in load) if load else "unknown",
        facts.get("governor") or "not readable",
        "%.1f GB" % (memory / 1e9) if memory else "memory unknown")
