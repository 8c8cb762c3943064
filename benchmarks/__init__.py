"""The studies' old names: ``python -m benchmarks.NAME`` runs ``ev bench NAME`` (the study's
code is the package ev.studies.NAME)."""
