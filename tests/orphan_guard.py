"""Stops a run's throw-away servers when the run itself is gone without stopping them.

A test run (or a benchmark) starts PostgreSQL, Redis, the identity provider and app servers on
loopback and stops them in a ``finally``. A run killed with SIGTERM or SIGKILL (a CI timeout,
``pkill pytest``) skips that: ``pg_ctl`` daemonizes the server, and the other servers outlive
their parent. So each server gets a guard: a small process of its own that waits for the run's
process to end and then does what ``stop()`` would have done. A ``stop()`` that runs ends its
guard first, so a guard never signals a process id that may since belong to another program.

    python -m tests.orphan_guard '{"parent": 123, "pids": [...], "commands": [[...]],
                                   "remove": [...]}'
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Sequence
from pathlib import Path

POLL_SECONDS = 0.5
ROOT = Path(__file__).resolve().parent.parent


def guard(
    *,
    pids: Sequence[int] = (),
    commands: Sequence[Sequence[str]] = (),
    remove: Sequence[str | os.PathLike[str]] = (),
) -> subprocess.Popen[bytes]:
    """A guard of this process: once it ends, SIGTERM to ``pids``, then ``commands`` run, then
    the ``remove`` directories deleted. Terminate the returned process when stopping normally."""
    spec = {
        "parent": os.getpid(),
        "pids": list(pids),
        "commands": [list(command) for command in commands],
        "remove": [str(path) for path in remove],
    }
    return subprocess.Popen(
        [sys.executable, "-m", "tests.orphan_guard", json.dumps(spec)],
        cwd=ROOT,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        # Its own session: a signal to the run's process group (Ctrl-C) does not end it early.
        start_new_session=True,
    )


def end(process: subprocess.Popen[bytes] | None) -> None:
    """End a guard whose servers were stopped normally."""
    if process is not None and process.poll() is None:
        process.terminate()
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=5)


def running(pid: int) -> bool:
    """Whether process ``pid`` still runs (a zombie, ended but not yet reaped, does not)."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except FileNotFoundError:
        return False


def main(argv: list[str]) -> None:
    spec = json.loads(argv[0])
    # Told to end (the servers were stopped normally): do nothing more.
    signal.signal(signal.SIGTERM, lambda *_: os._exit(0))
    # Once the parent has ended, this process is re-parented (to init or a subreaper): unlike
    # a probe of the parent's pid, that cannot be fooled by a new process given the same pid.
    while os.getppid() == spec["parent"]:
        time.sleep(POLL_SECONDS)
    for pid in spec["pids"]:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(pid, signal.SIGTERM)
    for command in spec["commands"]:
        with contextlib.suppress(OSError, subprocess.SubprocessError):
            subprocess.run(command, capture_output=True, timeout=60, check=False)
    for path in spec["remove"]:
        shutil.rmtree(path, ignore_errors=True)


if __name__ == "__main__":
    main(sys.argv[1:])
