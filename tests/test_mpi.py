"""--executor mpi (issue 28): under mpiexec on this machine, and across two simulated hosts
(network namespaces on a bridge, scripts/two_hosts.sh), the lines are the serial run's."""
import os
import re
import shutil
import signal
import subprocess
import sys

import pytest

from conftest import ROOT, run_module
from test_cli import fitness_lines

RUN = ["-m", "ev.main", "-n", "40", "-g", "3", "--seed", "9", "--executor", "mpi"]
SERIAL = ["-n", "40", "-g", "3", "--seed", "9"]


def missing():
    """Why MPI cannot run here, or None."""
    if shutil.which("mpiexec") is None:
        return "no mpiexec (./setup.sh mpi installs MPICH; ./run_tests.sh does)"
    try:
        import mpi4py  # noqa: F401  (the package only: importing mpi4py.MPI would start MPI)
    except ImportError:
        return "no mpi4py in %s (./setup.sh mpi; ./run_tests.sh installs it)" % sys.executable
    return None


pytestmark = pytest.mark.skipif(missing() is not None, reason=str(missing()))


def mpiexec(*args, timeout=300):
    return subprocess.run(["mpiexec"] + [str(a) for a in args], cwd=ROOT,
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          universal_newlines=True, timeout=timeout)


@pytest.fixture(scope="module")
def serial_lines():
    result = run_module("ev.main", *SERIAL)
    assert result.returncode == 0, result.stderr
    return fitness_lines(result.stdout)


def test_mpi_ranks_print_the_serial_lines(serial_lines):
    result = mpiexec("-n", 3, sys.executable, "-m", "mpi4py.futures", *RUN)
    assert result.returncode == 0, result.stderr
    assert re.search(r"^# 2 workers: ", result.stderr, re.M), result.stderr
    assert fitness_lines(result.stdout) == serial_lines != []


def test_one_rank_leaves_no_worker_and_says_so():
    result = mpiexec("-n", 1, sys.executable, "-m", "mpi4py.futures", *RUN)
    assert result.returncode == 1
    assert "no worker rank" in result.stderr and "Traceback" not in result.stderr


@pytest.fixture
def two_hosts():
    """Two network namespaces on a bridge: (bridge, address1, address2); skips with the
    reason when they cannot be made (not root, no iproute2, no CAP_NET_ADMIN)."""
    if os.geteuid() != 0:
        pytest.skip("network namespaces need root")
    if shutil.which("ip") is None:
        pytest.skip("no ip command (apt-get install iproute2)")
    script = os.path.join(ROOT, "scripts", "two_hosts.sh")
    ident = str(os.getpid() % 250)
    made = subprocess.run([script, "up", ident], stdout=subprocess.PIPE,
                          stderr=subprocess.PIPE, universal_newlines=True)
    if made.returncode != 0:
        pytest.skip("cannot make network namespaces here: %s"
                    % (made.stderr.strip().splitlines() or ["?"])[-1])
    try:
        yield made.stdout.split()
    finally:
        subprocess.run([script, "down", ident])


def test_ranks_on_two_hosts_print_the_serial_lines(two_hosts, serial_lines):
    bridge, first, second = two_hosts
    launcher = os.path.join(ROOT, "scripts", "netns_launcher.sh")
    result = mpiexec("-iface", bridge, "-launcher", "ssh", "-launcher-exec", launcher,
                     "-hosts", "%s,%s" % (first, second), "-n", 3,
                     sys.executable, "-m", "mpi4py.futures", *RUN)
    assert result.returncode == 0, result.stderr
    workers = re.search(r"^# 2 workers: (.*)$", result.stderr, re.M).group(1)
    assert first in workers and second in workers, workers
    assert fitness_lines(result.stdout) == serial_lines != []


def survivors(marker):
    """The processes whose command line holds ``marker``, with their state (ps)."""
    listed = subprocess.run(["ps", "-eo", "pid,ppid,stat,etime,args"], stdout=subprocess.PIPE,
                            universal_newlines=True).stdout
    return [line.strip() for line in listed.splitlines() if str(marker) in line]


def test_a_hung_rank_ends_the_run_in_one_line_and_aborts_the_job(tmp_path):
    """A worker rank stopped (SIGSTOP: as a deadlock would hang it): after the timeout
    (at least 10 s) one line names the generation and the chunk, the store keeps the whole
    generations, and the job is aborted rather than left waiting."""
    store = tmp_path / "run.db"
    proc = subprocess.Popen(["mpiexec", "-n", "3", sys.executable, "-u", "-m", "mpi4py.futures",
                             "-m", "ev.main", "-n", "40", "-g", "1000", "--seed", "9",
                             "--executor", "mpi", "--store", str(store)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            universal_newlines=True)
    seen = []
    for line in proc.stdout:
        seen.append(line)
        if line.startswith("Generation   1"):
            break
    pid = None
    try:
        workers_line = proc.stderr.readline()
        pid = int(re.search(r"pids (\d+)", workers_line).group(1))
        os.kill(pid, signal.SIGSTOP)
        try:
            out, err = proc.communicate(timeout=120)
        except subprocess.TimeoutExpired as late:
            pytest.fail("the job was still there 120 s after the hung rank: %s; processes: %s"
                        % (late.stderr, survivors(store)))
    finally:
        if pid is not None:
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        proc.kill()
    assert proc.returncode != 0
    ours = [line for line in err.splitlines() if line.startswith("error:")]
    assert len(ours) == 1 and "Traceback" not in err, err
    assert re.match(r"error: generation \d+: chunk \d+ \(creatures \d+-\d+\) did not come back "
                    r"within \d+ s .*the MPI job is aborted", ours[0]), ours[0]
    done = fitness_lines("".join(seen) + out)
    resumed = run_module("ev.main", "--resume", store, "-g", 1, "--workers", 2)
    assert resumed.returncode == 0, resumed.stderr
    assert "resuming %s at generation %d" % (store, len(done)) in resumed.stdout
