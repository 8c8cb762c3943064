"""python -m ev.studies.interleave (ev bench interleave)."""
from ev.studies.interleave.command import main

main()
