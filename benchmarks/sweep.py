"""python -m benchmarks.sweep: the study's old name (``ev bench sweep``; its code is
ev.studies.sweep)."""
from ev.studies.sweep.command import main

if __name__ == "__main__":
    main()
