"""python -m ev.studies.clip_literals (ev bench clip_literals)."""
from ev.studies.clip_literals.command import main

main()
