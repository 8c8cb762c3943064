"""python -m ev.studies.sampler_field (ev bench sampler_field)."""
from ev.studies.sampler_field.command import main

main()
