"""The throw-away servers are stopped when the run that started them is killed
(tests/orphan_guard.py): nothing is left running or on disk, and a normal stop ends the guard."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from tests.orphan_guard import POLL_SECONDS, ROOT, running

# A run that starts a server (a process that would outlive it) with its guard, says what it
# started, and waits to be killed.
RUN = """
import json, subprocess, sys, tempfile
from tests.orphan_guard import guard
directory = tempfile.mkdtemp(prefix="schoolfit-guard-test-")
server = subprocess.Popen(["sleep", "120"], start_new_session=True)
guard(pids=[server.pid], commands=[["touch", directory + "/stopped"]], remove=[directory])
print(json.dumps({"server": server.pid, "directory": directory}), flush=True)
sys.stdin.read()
"""


def _started_run() -> tuple[subprocess.Popen[str], int, Path]:
    run = subprocess.Popen(
        [sys.executable, "-c", RUN],
        cwd=ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert run.stdout is not None
    started = json.loads(run.stdout.readline())
    return run, started["server"], Path(started["directory"])


def _wait_until(condition: object, seconds: float = 10) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():  # type: ignore[operator]
            return True
        time.sleep(0.05)
    return False


@pytest.mark.parametrize("how", [signal.SIGTERM, signal.SIGKILL], ids=["SIGTERM", "SIGKILL"])
def test_a_killed_run_leaves_no_server_running_and_nothing_on_disk(how: int) -> None:
    run, server, directory = _started_run()
    try:
        assert running(server) and directory.is_dir()
        os.kill(run.pid, how)
        run.wait(timeout=10)
        assert _wait_until(lambda: not running(server)), "the server outlived its run"
        assert _wait_until(lambda: not directory.exists()), "its directory was left behind"
    finally:
        if running(server):
            os.kill(server, signal.SIGKILL)


def test_a_normal_stop_ends_the_guard_without_it_touching_anything() -> None:
    with tempfile.TemporaryDirectory() as kept:
        marker = Path(kept) / "stopped"
        from tests.orphan_guard import end, guard

        watcher = guard(commands=[["touch", str(marker)]], remove=[kept])
        time.sleep(0.3)  # the guard is (most likely) waiting for this process by now
        end(watcher)
        # Ended, by its handler (0) or, still starting, by the signal itself: either way its
        # commands never ran, then or later.
        assert watcher.returncode in (0, -signal.SIGTERM)
        time.sleep(POLL_SECONDS * 2)
        assert not marker.exists() and Path(kept).is_dir()
