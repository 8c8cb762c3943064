"""python -m benchmarks.numpy_share: the study's old name (``ev bench numpy_share``; its code is
ev.studies.numpy_share)."""
from ev.studies.numpy_share.command import main

if __name__ == "__main__":
    main()
