"""python -m benchmarks.clip_literals: the study's old name (``ev bench clip_literals``; its code is
ev.studies.clip_literals)."""
from ev.studies.clip_literals.command import main

if __name__ == "__main__":
    main()
