"""The sampler_field study's table: a sampler that failed to record (austin 3.7 on CPython
3.14: "Cannot launch the given command") is not a crash of the program."""
from ev.studies.sampler_field.report import cell


def test_a_sampler_that_failed_to_record_is_not_a_crash():
    runs = [{"sampler": "austin", "crashed": False, "failed": True, "overhead": 2.0},
            {"sampler": "austin", "crashed": True, "failed": False, "overhead": None},
            {"sampler": "austin", "crashed": False, "failed": False, "overhead": 1.5}]
    assert cell(runs) == "1/3 crashed, 1 failed to record; x1.50 [1.50-1.50]"
    assert cell(runs[2:]) == "0/1 crashed; x1.50 [1.50-1.50]"


import os  # noqa: E402
import sys  # noqa: E402

import pytest  # noqa: E402

from traces import samplers  # noqa: E402

CRASHES = "import os, signal\nprint('working')\nos.kill(os.getpid(), signal.SIGSEGV)\n"


@pytest.mark.skipif(hasattr(sys, "pypy_version_info") or samplers.missing("py-spy")
                    or not samplers.has_vmprof(), reason="CPython with py-spy and vmprof")
@pytest.mark.parametrize("sampler", ["py-spy", "vmprof"])
def test_a_crash_is_told_by_what_traces_record_says_in_records_not_by_its_messages(
        tmp_path, sampler):
    """A program killed by SIGSEGV: under a sampler outside it, traces.record's description
    says it ended without an exit status; under vmprof, it exits 128 + the signal.  Either
    way a crash, whatever its messages say (they are for people)."""
    from ev.studies.sampler_field.cases import record
    program = tmp_path / "crashes.py"
    program.write_text(CRASHES)
    entry, _ = record(str(program), 1, sampler, sampler, [], str(tmp_path / "c.prof"))
    assert entry["crashed"] and not entry["failed"], entry
    fine = tmp_path / "fine.py"
    fine.write_text("print(sum(i * i for i in range(2000000)))\n")
    entry, _ = record(str(fine), 1, sampler, sampler, [], str(tmp_path / "f.prof"))
    assert not entry["crashed"] and not entry["failed"] and entry["exit"] == 0, entry
    assert os.path.exists(str(tmp_path / "f.prof.meta.json"))
