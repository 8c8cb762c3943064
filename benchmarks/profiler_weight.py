"""python -m benchmarks.profiler_weight: the study's old name (``ev bench profiler_weight``;
its code is ev.studies.profiler_weight)."""
from ev.studies.profiler_weight.cases import why_not  # noqa: F401
from ev.studies.profiler_weight.command import main
from ev.studies.profiler_weight.model import distortions, with_overheads  # noqa: F401
from ev.studies.profiler_weight.report import markdown  # noqa: F401

if __name__ == "__main__":
    main()
