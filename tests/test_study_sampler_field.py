"""The sampler_field study's table: a sampler that failed to record (austin 3.7 on CPython
3.14: "Cannot launch the given command") is not a crash of the program."""
from ev.studies.sampler_field.report import cell


def test_a_sampler_that_failed_to_record_is_not_a_crash():
    runs = [{"sampler": "austin", "crashed": False, "failed": True, "overhead": 2.0},
            {"sampler": "austin", "crashed": True, "failed": False, "overhead": None},
            {"sampler": "austin", "crashed": False, "failed": False, "overhead": 1.5}]
    assert cell(runs) == "1/3 crashed, 1 failed to record; x1.50 [1.50-1.50]"
    assert cell(runs[2:]) == "0/1 crashed; x1.50 [1.50-1.50]"
