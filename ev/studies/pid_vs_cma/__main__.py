"""python -m ev.studies.pid_vs_cma (ev bench pid_vs_cma)."""
from ev.studies.pid_vs_cma.command import main

main()
