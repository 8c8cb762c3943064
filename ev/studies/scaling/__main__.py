"""python -m ev.studies.scaling (ev bench scaling)."""
from ev.studies.scaling.command import main

main()
