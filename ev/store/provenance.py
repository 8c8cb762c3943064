"""Where and with what a run ran: the interpreter, the machine, the checkout (for its run
record, ev.store.records)."""
import os
import platform
import subprocess
import sys


def interpreter():
    """e.g. {"implementation": "pypy", "version": "3.9.16", "pypy_version": "7.3.11"}"""
    info = {
        "implementation": platform.python_implementation().lower(),
        "version": platform.python_version(),
        "executable": sys.executable,
    }
    if hasattr(sys, "pypy_version_info"):
        info["pypy_version"] = "%d.%d.%d" % tuple(sys.pypy_version_info[:3])
    return info


def cpu_model():
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or None


def numpy_version():
    try:
        import numpy
    except ImportError:
        return None
    return numpy.__version__


def git_revision():
    here = os.path.dirname(os.path.abspath(__file__))
    try:
        out = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=here,
                             stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, timeout=5)
    except (OSError, subprocess.SubprocessError):
        return None
    if out.returncode != 0:
        return None
    return out.stdout.decode().strip() or None


def machine():
    """The machine's part of a run record."""
    return {"machine": platform.machine(), "node": platform.node(), "cpu": cpu_model(),
            "cpu_count": os.cpu_count(), "numpy": numpy_version(), "git": git_revision()}
