"""The run's throw-away PostgreSQL (tests/pgserver.py) is stopped and removed when the run is
killed before its ``finally`` (tests/orphan_guard.py): with SIGKILL nothing of the run's own
code runs, and the daemonized server would otherwise keep its port and directory."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.orphan_guard import ROOT, running

RUN = """
import json, sys
from tests.pgserver import TempPostgres
server = TempPostgres()
server.start()
postmaster = int((server.data / "postmaster.pid").read_text().split()[0])
print(json.dumps({"port": server.port, "directory": str(server.dir), "postmaster": postmaster}),
      flush=True)
sys.stdin.read()
"""


def _answers(port: int) -> bool:
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return True
    except OSError:
        return False


def test_a_killed_run_leaves_no_postgresql_running(request: pytest.FixtureRequest) -> None:
    if request.config.getoption("--db") != "postgresql":
        pytest.skip("once, in the PostgreSQL run")
    run = subprocess.Popen(
        [sys.executable, "-c", RUN], cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE
    )
    assert run.stdout is not None
    started = json.loads(run.stdout.readline())
    port, directory = started["port"], Path(started["directory"])
    postmaster = started["postmaster"]
    assert _answers(port) and running(postmaster) and directory.is_dir()
    os.kill(run.pid, signal.SIGKILL)
    run.wait(timeout=10)
    # The server's process, not its port: another run beside this one may get the port next.
    deadline = time.monotonic() + 30
    while (running(postmaster) or directory.exists()) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not running(postmaster), "PostgreSQL outlived the run"
    assert not directory.exists(), "its data directory was left behind"
