"""Times the calls study's cases in this interpreter with pyperf (run by its command).

    python -m ev.studies.calls.timer -o FILE [pyperf's options]   the pyperf suite, as JSON
    python -m ev.studies.calls.timer --unavailable                 {case name: why}, its answer
                                                                   (ev.common.result_file)

pyperf runs each case in fresh worker processes (this module again, with ``--worker``),
calibrates the loop count, and on PyPy the warm-up, which is why the cases are statements
rather than functions: pyperf's timeit compiles each into its own loop.
"""
from ev.studies.calls.cases import CASES
from ev.common import result_file


def benchmark_name(case):
    return "%s: %s" % (case.group, case.name)


def unavailable_cases():
    """{case name: why} for the cases whose set-up fails here (the C extension not built)."""
    unavailable = {}
    for case in CASES:
        try:
            exec(case.setup, {})
        except ImportError as error:
            unavailable[benchmark_name(case)] = "not built here (%s)" % error
    return unavailable


def main():
    import pyperf
    runner = pyperf.Runner(program_args=("-m", "ev.studies.calls.timer"))
    runner.argparser.add_argument("--unavailable", action="store_true",
                                  help="answer the cases that cannot run here (ev.common.result_file)")
    args = runner.parse_args()
    unavailable = unavailable_cases()
    if args.unavailable:
        result_file.answer(unavailable)
        return
    for case in CASES:
        name = benchmark_name(case)
        if name not in unavailable:
            runner.timeit(name, case.stmt, case.setup)


if __name__ == "__main__":
    main()
