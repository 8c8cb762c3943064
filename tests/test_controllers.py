"""The controller registry (issue 23): what differs between the state-space controller and the
PID lives in ev.model.controllers, and the rule of which back ends fly which is said once."""
import ast
import os

import pytest

from conftest import ROOT, run_module
from ev.backends.registry import VARIANT_NAMES
from ev.common.rng import Rng
from ev.model import controllers
from ev.model.creature import Creature


def string_constants(path):
    with open(path) as source:
        tree = ast.parse(source.read(), path)
    return [node for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)]


def test_no_module_but_the_registry_and_the_pid_names_a_controller():
    """A literal "pid" or "state-space" outside the registry is a test of the controller's
    kind made somewhere else (ev.model.pid declares its creatures' controller)."""
    allowed = {os.path.join("ev", "model", "controllers.py"), os.path.join("ev", "model", "pid.py")}
    found = []
    for directory, _, names in os.walk(os.path.join(ROOT, "ev")):
        for name in names:
            path = os.path.join(directory, name)
            if not name.endswith(".py") or os.path.relpath(path, ROOT) in allowed:
                continue
            found += ["%s:%d" % (os.path.relpath(path, ROOT), node.lineno)
                      for node in string_constants(path)
                      if node.value in controllers.NAMES]
    assert not found


@pytest.mark.parametrize("variant", VARIANT_NAMES)
def test_which_back_ends_fly_which_controller(variant):
    assert controllers.can_fly("state-space", variant) is None
    reason = controllers.can_fly("pid", variant)
    compiled = variant in ("numba", "c")
    assert (reason is None) != compiled
    if compiled:
        assert "error clamp" in reason and variant in reason


def test_the_cli_refuses_what_the_registry_refuses():
    result = run_module("ev.main", "--controller", "pid", "--creature", "c", "-g", 1)
    assert result.returncode == 2
    assert controllers.can_fly("pid", "c") in " ".join(result.stderr.split())


@pytest.mark.parametrize("name", controllers.NAMES)
def test_a_genome_goes_to_values_and_back(name):
    controller = controllers.get(name)
    cls = controller.creature_class(Creature)
    creature = cls.random(Rng(3), controller.shape())
    assert controllers.of(creature) is controller
    values = controller.genome_values(creature)
    data = controller.creature_dict(values, creature.shape)
    assert controller.saved_shape(data) == creature.shape
    again = cls.from_dict(dict(data, fitness=None))
    assert controller.genome_values(again) == values
    assert again.to_dict() == creature.to_dict()


def test_an_unknown_controller_is_refused_in_words():
    assert controllers.get(None) is controllers.STATE_SPACE   # records from before the PID
    with pytest.raises(ValueError, match="unknown controller 'lqr'"):
        controllers.get("lqr")
