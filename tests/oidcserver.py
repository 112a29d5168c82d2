"""A real OpenID Connect provider for the single sign-on tests: npm's ``oidc-provider`` run by
tests/oidc/provider.mjs with Node on a free loopback port, stopped when the run ends — as
tests/pgserver.py does for PostgreSQL.

Its packages are installed once with ``npm ci`` (the exact versions of
tests/oidc/package-lock.json) into a cache directory named after the lock file's hash, so a
changed lock file installs afresh and an unchanged one costs nothing. ``make system-deps``
installs Node and runs ``python -m tests.oidcserver`` to fill the cache on a fresh machine.
"""

from __future__ import annotations

import contextlib
import json
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import requests

from tests.npm_helpers import npm_installed
from tests.orphan_guard import end, guard
from tests.pgserver import free_port

SOURCE = Path(__file__).with_name("oidc")
CLIENT_ID = "schoolfit"
CLIENT_SECRET = "schoolfit-test-client-secret-0123456789"
OTHER_CLIENT_ID = "ander-programma"
OTHER_CLIENT_SECRET = "other-test-client-secret-0123456789"


def installed_dir() -> Path:
    """The directory with tests/oidc's packages installed (npm ci, once per lock file)."""
    target = npm_installed(SOURCE, "oidc-provider", "oidc-provider")
    # The script runs beside its node_modules (an ES module finds packages from its own place).
    shutil.copy(SOURCE / "provider.mjs", target / "provider.mjs")
    return target


class TempOIDCProvider:
    def __init__(self, redirect_uris: list[str], post_logout_redirect_uris: list[str]) -> None:
        self.dir = Path(tempfile.mkdtemp(prefix="schoolfit-oidc-"))
        self.port = free_port()
        self.issuer = f"http://127.0.0.1:{self.port}"
        self.redirect_uris = redirect_uris
        self.post_logout_redirect_uris = post_logout_redirect_uris
        self.process: subprocess.Popen[bytes] | None = None
        self.guard: subprocess.Popen[bytes] | None = None

    def start(self) -> str:
        installed = installed_dir()
        config = {
            "clients": [
                {
                    "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET,
                    "redirect_uris": self.redirect_uris,
                    "post_logout_redirect_uris": self.post_logout_redirect_uris,
                },
                {
                    "client_id": OTHER_CLIENT_ID,
                    "client_secret": OTHER_CLIENT_SECRET,
                    "redirect_uris": ["http://127.0.0.1:9/callback"],
                },
            ]
        }
        config_file = self.dir / "config.json"
        config_file.write_text(json.dumps(config), encoding="utf-8")
        log = (self.dir / "provider.log").open("wb")
        self.process = subprocess.Popen(
            ["node", str(installed / "provider.mjs"), str(self.port), str(config_file)],
            stdout=log,
            stderr=subprocess.STDOUT,
            cwd=installed,
        )
        self.guard = guard(pids=[self.process.pid], remove=[self.dir])
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"oidc-provider stopped: {self._log()}")
            with contextlib.suppress(requests.RequestException):
                answer = requests.get(f"{self.issuer}/.well-known/openid-configuration", timeout=1)
                if answer.status_code == 200:
                    return self.issuer
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"oidc-provider did not answer within 30 s: {self._log()}")

    def admin(self, what: str, body: dict[str, Any]) -> None:
        """Tell the provider the accounts, which keys to publish, or the next ID token."""
        answer = requests.post(f"{self.issuer}/__test/{what}", json=body, timeout=5)
        answer.raise_for_status()

    def reset(self) -> None:
        self.admin("accounts", {})
        self.admin("jwks", {"mode": "real"})
        self.admin("id-token", {"id_token": None})

    def _log(self) -> str:
        path = self.dir / "provider.log"
        return path.read_text(errors="replace")[-2000:] if path.exists() else ""

    def stop(self) -> None:
        end(self.guard)
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            with contextlib.suppress(subprocess.TimeoutExpired):
                self.process.wait(timeout=10)
            if self.process.poll() is None:
                self.process.kill()
                self.process.wait(timeout=10)
        shutil.rmtree(self.dir, ignore_errors=True)


if __name__ == "__main__":
    # `make system-deps`: install the provider's packages into the cache now.
    print(installed_dir())
