"""Will a population fit in this machine's memory?  Refusing at once beats growing until the
kernel kills the run (``-n 1000000000``)."""

# Measured with tracemalloc on CPython 3.11 (Creature.random, shape 2/1/1): the numpy creature
# holds ~1.1 kB, the specialized one ~0.6 kB.  A generation holds parents and children at once,
# and a genome grows with the matrix: a generous budget per creature and matrix entry.
BYTES_PER_CREATURE = 4096
BYTES_PER_GENOME_VALUE = 256


def available_memory():
    """Bytes the kernel says are available (MemAvailable), or None where it does not say."""
    try:
        with open("/proc/meminfo") as meminfo:
            for line in meminfo:
                if line.startswith("MemAvailable:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError, IndexError):
        pass
    return None


def population_bytes(population, shape):
    genome = shape.rows * shape.cols + shape.rows
    return population * (BYTES_PER_CREATURE + BYTES_PER_GENOME_VALUE * genome)


def population_too_large(population, shape, available=None):
    """None when the population fits, else the reason it does not (one line)."""
    available = available_memory() if available is None else available
    needed = population_bytes(population, shape)
    if available is None or needed <= available:
        return None
    return ("%d creatures need about %s of memory; this machine has %s available"
            % (population, human_bytes(needed), human_bytes(available)))


def human_bytes(count):
    for unit in ("bytes", "kB", "MB", "GB", "TB"):
        if count < 1024 or unit == "TB":
            return "%.0f %s" % (count, unit) if unit == "bytes" else "%.1f %s" % (count, unit)
        count /= 1024.0
