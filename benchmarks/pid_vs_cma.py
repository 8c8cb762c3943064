"""python -m benchmarks.pid_vs_cma: the study's old name (``ev bench pid_vs_cma``; its code is
ev.studies.pid_vs_cma)."""
from ev.studies.pid_vs_cma.command import main

if __name__ == "__main__":
    main()
