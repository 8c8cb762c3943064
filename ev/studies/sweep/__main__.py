"""python -m ev.studies.sweep (ev bench sweep)."""
from ev.studies.sweep.command import main

main()
