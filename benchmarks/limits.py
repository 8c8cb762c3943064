"""python -m benchmarks.limits: the study's old name (``ev bench limits``; its code is
ev.studies.limits)."""
from ev.studies.limits.command import main

if __name__ == "__main__":
    main()
