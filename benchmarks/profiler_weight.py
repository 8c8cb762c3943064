"""python -m benchmarks.profiler_weight: the study's old name (``ev bench profiler_weight``; its code is
ev.studies.profiler_weight)."""
from ev.studies.profiler_weight.command import main

if __name__ == "__main__":
    main()
