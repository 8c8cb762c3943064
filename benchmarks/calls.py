"""python -m benchmarks.calls: the study's old name (``ev bench calls``; its code is
ev.studies.calls)."""
from ev.studies.calls.command import main

if __name__ == "__main__":
    main()
