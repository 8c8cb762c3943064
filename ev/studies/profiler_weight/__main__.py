"""python -m ev.studies.profiler_weight (ev bench profiler_weight)."""
from ev.studies.profiler_weight.command import main

main()
