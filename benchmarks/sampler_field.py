"""python -m benchmarks.sampler_field: the study's old name (``ev bench sampler_field``; its code is
ev.studies.sampler_field)."""
from ev.studies.sampler_field.command import main

if __name__ == "__main__":
    main()
