"""python -m benchmarks.scaling: the study's old name (``ev bench scaling``; its code is
ev.studies.scaling)."""
from ev.studies.scaling.command import main

if __name__ == "__main__":
    main()
