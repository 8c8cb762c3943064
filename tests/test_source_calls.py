"""traces.source_calls: what a function's source can call, the check PyPy's corrected stacks
are held to (a function directly above one it never mentions is missing a frame between)."""
from traces.model import PY, Frame
from traces.source_calls import can_call, mentioned

PROGRAM = '''\
class Point:
    def __init__(self, x):
        self.x = x

    def __sub__(self, other):
        return Point(self.x - other.x)


def helper(p):
    return p


def apply(points, function):
    return [function(p) for p in points]


def distance(a, b):
    return (a - b).x


def caller(points):
    moved = apply(points, helper)
    return sorted(moved, key=lambda p: p.x)
'''


def frame(path, name, line):
    return Frame(PY, name, str(path), line)


def test_what_a_function_mentions_it_can_call_and_nothing_else(tmp_path):
    path = tmp_path / "program.py"
    path.write_text(PROGRAM)
    distance = frame(path, "distance", 17)
    caller = frame(path, "caller", 21)
    # an operator calls its method; construction calls __init__
    assert can_call(distance, frame(path, "Point.__sub__", 5))
    assert can_call(frame(path, "Point.__sub__", 5), frame(path, "Point.__init__", 2))
    # a function passed on as a value (a callback) is mentioned: apply > helper is possible
    assert can_call(caller, frame(path, "helper", 9)) and can_call(caller, frame(path, "apply", 13))
    assert can_call(caller, frame(path, "<lambda>", 23))
    assert can_call(frame(path, "apply", 13), frame(path, "<listcomp>", 14))
    # distance never mentions apply or helper: a frame would be missing between them
    assert not can_call(distance, frame(path, "apply", 13))
    assert not can_call(frame(path, "helper", 9), frame(path, "distance", 17))
    assert "helper" in mentioned(str(path), 21) and "helper" not in mentioned(str(path), 17)


def test_a_source_that_cannot_be_read_says_nothing(tmp_path):
    missing = frame(tmp_path / "gone.py", "f", 3)
    assert mentioned(missing.filename, 3) is None
    assert can_call(missing, frame(tmp_path / "gone.py", "anything", 9))
    path = tmp_path / "program.py"
    path.write_text(PROGRAM)
    assert mentioned(str(path), 4) is None    # no function starts there


def test_what_a_line_calls_is_read_from_its_source(tmp_path):
    from traces.source_calls import called_on_line
    path = tmp_path / "program.py"
    path.write_text(PROGRAM)
    assert called_on_line(str(path), 6) == {"Point"}              # Point(self.x - other.x)
    assert called_on_line(str(path), 22) == {"apply"}             # apply(points, helper)
    assert called_on_line(str(path), 23) == {"sorted"}            # the lambda is not called here
    assert called_on_line(str(path), 2) == frozenset()
    assert called_on_line(str(tmp_path / "gone.py"), 3) is None
