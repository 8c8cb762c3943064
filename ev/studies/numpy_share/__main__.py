"""python -m ev.studies.numpy_share (ev bench numpy_share)."""
from ev.studies.numpy_share.command import main

main()
