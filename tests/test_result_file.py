"""ev.common.result_file: a child's answer is the file its parent named, whatever the child
prints; a child that fails or does not answer is one line.  Real child processes throughout."""
import json
import os
import random
import sys
import textwrap

import pytest

from ev.pythons.interpreters import ROOT
from ev.common import result_file

ANSWER = {"seconds": [0.25, 0.5], "name": "cpython-c", "nested": {"unavailable": None}}

# A child that prints random text (lines that look like JSON answers among them) on both
# streams before and after it answers.
CHILD = textwrap.dedent('''
    import json, random, sys
    from ev.common import result_file
    noise = random.Random(int(sys.argv[1]))
    def babble():
        for _ in range(noise.randrange(1, 6)):
            stream = noise.choice([sys.stdout, sys.stderr])
            kind = noise.randrange(3)
            if kind == 0:
                stream.write(json.dumps({"seconds": [noise.random()], "name": "noise"}))
            elif kind == 1:
                stream.write(json.dumps({"format": "ev-child-result", "version": 1,
                                         "result": noise.random()}))
            else:
                stream.write("".join(noise.choice("ab {}[]:,\\"0123456789\\t")
                                     for _ in range(noise.randrange(80))))
            stream.write(noise.choice(["\\n", "", "\\n\\n"]))
    if int(sys.argv[1]):
        babble()
    result_file.answer(json.loads(sys.argv[2]))
    if int(sys.argv[1]):
        babble()
''')


def child(*args):
    return [sys.executable, "-c", CHILD] + [str(arg) for arg in args]


def test_printed_noise_does_not_change_the_answer():
    quiet = result_file.ask(child(0, json.dumps(ANSWER)), cwd=ROOT)
    assert quiet.result == ANSWER and quiet.stdout == ""
    for seed in range(1, 9):
        noisy = result_file.ask(child(seed, json.dumps(ANSWER)), cwd=ROOT)
        assert noisy.result == quiet.result
        assert noisy.stdout or noisy.stderr   # it did print: its log is kept, not read


def test_the_answer_file_is_a_versioned_document_and_leaves_nothing_behind(tmp_path):
    answer = result_file.ask(child(3, "[1, 2]"), cwd=ROOT, folder=str(tmp_path))
    assert answer.result == [1, 2]
    assert os.listdir(str(tmp_path)) == []


def test_run_by_hand_the_child_prints_its_answer():
    env = dict(os.environ)
    env.pop(result_file.VARIABLE, None)
    done = result_file.run_captured(child(0, "7"), env=env, cwd=ROOT)
    assert json.loads(done.stdout) == {"format": "ev-child-result", "version": 1, "result": 7}


@pytest.mark.parametrize("code, said", [
    ("import sys; print('{\"result\": 1}'); sys.exit('the contender broke')",
     "exit status 1: the contender broke"),
    ("print('{\"result\": 1}')", 'it wrote no answer ({"result": 1})'),
    ("pass", "it wrote no answer (it printed nothing)"),
    ("import os; open(os.environ['EV_RESULT_FILE'], 'w').write('{\"format\": \"other\"}')",
     "not an ev-child-result file"),
    ("import os; open(os.environ['EV_RESULT_FILE'], 'w').write("
     "'{\"format\": \"ev-child-result\", \"version\": 9}')", "ev-child-result version 9"),
])
def test_a_child_that_fails_or_does_not_answer_is_one_line(code, said):
    with pytest.raises(result_file.ChildFailed) as failed:
        result_file.ask([sys.executable, "-c", code], cwd=ROOT)
    assert said in str(failed.value) and "\n" not in str(failed.value)


def test_a_missing_interpreter_is_one_line():
    with pytest.raises(result_file.ChildFailed) as failed:
        result_file.ask(["/nonexistent/python", "-c", "pass"])
    assert str(failed.value).startswith("cannot run /nonexistent/python: ")


def test_a_benchmark_child_answers_the_same_through_startup_and_exit_noise(tmp_path,
                                                                           monkeypatch):
    """the calls study asks its timer which cases cannot run; a sitecustomize
    that prints random text when the child starts and when it exits changes nothing."""
    pytest.importorskip("pyperf")
    from ev.studies.calls.command import unavailable_here
    quiet = unavailable_here(sys.executable)
    noise = random.Random(5)
    lines = [json.dumps({"case: %d" % i: "noise"}) for i in range(3)] + [
        "".join(noise.choice("xyz{}\" ") for _ in range(40))]
    (tmp_path / "sitecustomize.py").write_text(textwrap.dedent('''
        import atexit, sys
        LINES = %r
        print(LINES[0]); print(LINES[1], file=sys.stderr)
        atexit.register(lambda: (print(LINES[2]), print(LINES[3])))
    ''' % (lines,)))
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join(
        [str(tmp_path)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]))
    assert unavailable_here(sys.executable) == quiet
    heard = result_file.ask([sys.executable, "-m", "ev.studies.calls.timer", "--unavailable"],
                            cwd=ROOT)
    assert heard.stdout.splitlines() == [lines[0], lines[2], lines[3]]   # the noise ran


def test_a_failed_childs_log_gives_its_last_line(tmp_path):
    """What ev matrix --profile says of a recording that failed (ev.cli.profile_cells): the last
    line of the log ev.runner.children.run wrote."""
    import types
    from ev.runner import children
    log = str(tmp_path / "cell.recorded.log")
    status, _ = children.run([sys.executable, "-c", "import sys; print('generation 0');"
                              "sys.exit('vmprof: cannot open the profile')"], None, None, log,
                             types.SimpleNamespace(child=None))
    assert status == 1
    assert result_file.log_error_line(log) == "vmprof: cannot open the profile"
    assert result_file.log_error_line(str(tmp_path / "absent.log")) == "no output"
