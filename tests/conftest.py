import os
import subprocess
import sys

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def run_module(module, *args, **kwargs):
    """Run ``python -m module args`` with this interpreter; return the CompletedProcess."""
    python = kwargs.pop("python", sys.executable)
    return subprocess.run([python, "-m", module] + [str(a) for a in args], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=kwargs.pop("timeout", 300), **kwargs)


@pytest.fixture
def run():
    return run_module
