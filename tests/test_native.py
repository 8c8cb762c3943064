"""The C and numba evaluations against ev's own Python: bit for bit, never trusted."""
import math
import sys

import pytest

from ev.model.creature_base import Shape
from ev.model.fitness import FAILED, evaluate
from ev.model.quadcopter import rates
from ev.common.rng import Rng
from specialized import creature_class_for

from test_cli import fitness_lines

SHAPES = (Shape(2, 1, 1), Shape(2, 1, 0), Shape(2, 1, 3), Shape(2, 2, 2))
IS_PYPY = hasattr(sys, "pypy_version_info")


def c_module():
    from ev.backends.c_evaluation import NotBuilt, compiled_module
    try:
        return compiled_module()
    except NotBuilt as error:
        pytest.skip(str(error))


def creatures_to_check(shape, count=60):
    """Random creatures of ``shape``, plus two whose flights go non-finite."""
    cls = creature_class_for(shape)
    rng = Rng(sum(shape) * 7919)
    creatures = [cls.random(rng, shape) for _ in range(count)]
    for huge in (1e200, 1e308):
        matrix = [huge] * (shape.rows * shape.cols)
        creatures.append(cls(matrix, [huge] * shape.rows, shape))
    return creatures


def python_fitness(creatures):
    return [evaluate(type(c)(c.matrix_values, c.constant_values, c.shape)) for c in creatures]


def check_against_python(evaluate_population, shape):
    creatures = creatures_to_check(shape)
    expected = python_fitness(creatures)
    evaluate_population(creatures)
    got = [c.fitness for c in creatures]
    assert got == expected   # exact: the same floats, inf for the failed flights
    assert got[-1] == FAILED   # the 1e308 controller overflows whatever its shape


@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "%d-%d-%d" % tuple(s))
def test_c_evaluation_is_bit_identical_to_python(shape):
    c_module()
    from ev.backends.c_evaluation import evaluate_population
    check_against_python(evaluate_population, shape)


def test_c_rates_are_bit_identical_to_python_rates():
    module = c_module()
    ffi, lib = module.ffi, module.lib
    rng = Rng(5)
    for _ in range(2000):
        state = [rng.uniform(-50.0, 50.0) for _ in range(12)]
        angles = [rng.uniform(-1.5, 1.5) for _ in range(3)]
        trig = [f(a) for a in angles for f in (math.sin, math.cos)]
        motors = [rng.uniform(0.0, 1.0) for _ in range(4)]
        out = ffi.new("double[12]")
        lib.ev_rates(ffi.new("double[]", state), ffi.new("double[]", trig), *motors, out)
        assert list(out) == list(rates(*(state[:6] + trig + motors)))


numba_only = pytest.mark.skipif(IS_PYPY, reason="numba exists for CPython only")


@numba_only
@pytest.mark.parametrize("shape", SHAPES, ids=lambda s: "%d-%d-%d" % tuple(s))
def test_numba_evaluation_is_bit_identical_to_python(shape):
    pytest.importorskip("numba")
    from ev.backends.numba_evaluation import evaluate_population
    check_against_python(evaluate_population, shape)


@pytest.mark.parametrize("variant", ["c", "numba"])
def test_native_cells_print_the_same_lines_as_specialized(run, variant):
    if variant == "numba" and IS_PYPY:
        result = run("ev.main", "-n", 16, "-g", 2, "--creature", "numba")
        assert result.returncode == 1
        assert result.stderr.strip().splitlines() == [
            line for line in result.stderr.strip().splitlines() if "numba" in line]
        assert "Traceback" not in result.stderr
        return
    if variant == "c":
        c_module()
    else:
        pytest.importorskip("numba")
    outputs = []
    for name in ("specialized", variant):
        result = run("ev.main", "-n", 40, "-g", 5, "--seed", 9, "--creature", name)
        assert result.returncode == 0, result.stderr
        outputs.append(fitness_lines(result.stdout))
    assert outputs[0] == outputs[1] and len(outputs[0]) == 5


def test_a_missing_c_build_is_one_line(tmp_path, run):
    """With the compiled module hidden, --creature c says how to build it and exits 1."""
    (tmp_path / "sitecustomize.py").write_text(
        "import sys\nsys.modules['ev.backends._c_flight'] = None\n")
    import os
    env = dict(os.environ, PYTHONPATH=str(tmp_path))
    result = run("ev.main", "-n", 8, "-g", 1, "--creature", "c", env=env)
    assert result.returncode == 1
    assert result.stderr.count("\n") == 1 and "ev.backends.c_build" in result.stderr
