"""python -m ev.studies.limits (ev bench limits)."""
from ev.studies.limits.command import main

main()
