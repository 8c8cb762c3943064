"""Issue 33 item 2: traces stands alone -- users point it at their own programs, without ev.
Every module of traces/ is read for its imports (lazy ones inside functions too): none names
ev.  ev passes in what is its own (its project folders, its compiled category's rule)."""
import ast
import glob
import os

from conftest import ROOT



def imports_of(path):
    with open(path) as source:
        tree = ast.parse(source.read(), path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            yield node.module


def test_traces_imports_nothing_of_ev():
    modules = sorted(glob.glob(os.path.join(ROOT, "traces", "*.py")))
    assert len(modules) > 20
    found = dict((os.path.basename(path), [name for name in imports_of(path)
                                           if name == "ev" or name.startswith("ev.")])
                 for path in modules)
    assert not any(found.values()), dict((k, v) for k, v in found.items() if v)
