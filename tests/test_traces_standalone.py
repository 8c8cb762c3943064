"""Issue 33 item 2: traces stands alone -- users point it at their own programs, without ev.
Every module of traces/ is read for its imports (lazy ones inside functions too): none names
ev.  ev passes in what is its own (its project folders, its compiled category's rule)."""
import glob
import os

from conftest import ROOT
from test_layers import imported_modules


def test_traces_imports_nothing_of_ev():
    modules = sorted(glob.glob(os.path.join(ROOT, "traces", "*.py")))
    assert len(modules) > 20
    found = dict((os.path.basename(path), [name for name in imported_modules(path)
                                           if name == "ev" or name.startswith("ev.")])
                 for path in modules)
    assert not any(found.values()), dict((k, v) for k, v in found.items() if v)
