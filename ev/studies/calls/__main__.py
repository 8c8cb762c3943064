"""python -m ev.studies.calls (ev bench calls)."""
from ev.studies.calls.command import main

main()
