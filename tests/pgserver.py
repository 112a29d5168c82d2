"""A throw-away PostgreSQL server for the test run: initdb into a temp dir, loopback only.

``initdb`` refuses to run as root, so as root the server runs as the ``postgres`` user
(platform-notes.md). The directory and server are removed when the run ends, and by a guard
(tests/orphan_guard.py) when the run is killed before it can.
"""

from __future__ import annotations

import contextlib
import glob
import os
import shutil
import socket
import subprocess
import tempfile
import threading
from pathlib import Path
from socketserver import BaseServer

from tests.orphan_guard import end, guard


def _bin_dir() -> Path:
    candidates = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), reverse=True)
    if candidates:
        return Path(candidates[0]).parent
    found = shutil.which("initdb")
    if found:
        return Path(found).parent
    raise RuntimeError(
        "PostgreSQL server binaries not found; install Debian's 'postgresql' package "
        "(make test does this when it runs as root)."
    )


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


# How often a test's own server looks whether it should stop: socketserver's default of 0.5 s
# kept every browser test's teardown waiting about a quarter of a second for it.
SHUTDOWN_POLL_SECONDS = 0.02


def serve_in_background(server: BaseServer) -> threading.Thread:
    """``server`` (a socketserver, as Werkzeug's) answering on a daemon thread until
    ``server.shutdown()``."""
    thread = threading.Thread(
        target=server.serve_forever, kwargs={"poll_interval": SHUTDOWN_POLL_SECONDS}, daemon=True
    )
    thread.start()
    return thread


class TempPostgres:
    def __init__(self) -> None:
        self.bin = _bin_dir()
        self.dir = Path(tempfile.mkdtemp(prefix="schoolfit-pg-"))
        self.data = self.dir / "data"
        self.port = free_port()
        self.as_root = os.geteuid() == 0
        self.guard: subprocess.Popen[bytes] | None = None

    def _command(self, *args: str) -> list[str]:
        return ["runuser", "-u", "postgres", "--", *args] if self.as_root else list(args)

    def _run(self, *args: str) -> None:
        subprocess.run(self._command(*args), check=True, capture_output=True, timeout=120)

    def _stop_command(self) -> list[str]:
        return self._command(
            str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"
        )

    def start(self) -> str:
        # Before the server exists: a run killed while it starts leaves nothing either.
        self.guard = guard(commands=[self._stop_command()], remove=[self.dir])
        if self.as_root:
            shutil.chown(self.dir, "postgres", "postgres")
        self._run(
            str(self.bin / "initdb"),
            "-D",
            str(self.data),
            "-A",
            "trust",
            "-U",
            "postgres",
            "-E",
            "UTF8",
            "--no-sync",
            "--locale=C.UTF-8",
        )
        options = (
            f"-c listen_addresses=127.0.0.1 -p {self.port} -k {self.dir} -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off"
        )
        self._run(
            str(self.bin / "pg_ctl"),
            "-D",
            str(self.data),
            "-l",
            str(self.dir / "log"),
            "-w",
            "-o",
            options,
            "start",
        )
        self._run(
            str(self.bin / "createdb"),
            "-h",
            "127.0.0.1",
            "-p",
            str(self.port),
            "-U",
            "postgres",
            "schoolfit_test",
        )
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/schoolfit_test"

    def stop(self) -> None:
        end(self.guard)
        with contextlib.suppress(subprocess.CalledProcessError):
            subprocess.run(self._stop_command(), check=True, capture_output=True, timeout=120)
        shutil.rmtree(self.dir, ignore_errors=True)
