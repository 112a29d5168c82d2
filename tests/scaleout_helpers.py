"""Two app servers behind one (imagined) load balancer: gunicorn instances started as separate
processes on their own ports, sharing the test run's PostgreSQL and a throw-away Redis, and a
small HTTP client that keeps cookies like a browser (one cookie jar for both instances, as the
load balancer's one host name would give)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass, field
from http.cookiejar import Cookie, CookieJar
from pathlib import Path
from typing import Any

from tests.client_helpers import PASSWORD
from tests.orphan_guard import end, guard
from tests.pgserver import free_port

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = Path(sys.executable).with_name("gunicorn")
FLASK = Path(sys.executable).with_name("flask")
# Low enough to reach in a test, high enough for the logins a test needs from one address.
LOGIN_RATE_LIMIT = "6 per minute"


def instance_environment(database_url: str, redis_url: str, **extra: str) -> dict[str, str]:
    """What every instance (and command) of the app is started with: the same database, Redis,
    secret key (the testing configuration's) and settings."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("PYTEST")}
    env.update(
        SCHOOLFIT_CONFIG="testing",
        TEST_DATABASE_URL=database_url,
        RATELIMIT_STORAGE_URI=redis_url,
        LOGIN_RATE_LIMIT=LOGIN_RATE_LIMIT,
        # Behind the load balancer: the client's address comes from X-Forwarded-For.
        PROXY_FIX="1",
        **extra,
    )
    return env


@dataclass
class Instance:
    """One app server: gunicorn with two worker processes on a loopback port."""

    name: str
    env: dict[str, str]
    log_dir: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None
    guard: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.log_dir / f"{self.name}.log"

    def start(self) -> None:
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                [
                    str(GUNICORN),
                    "--config",  # production's settings file; the arguments below override it
                    str(ROOT / "config" / "gunicorn.conf.py"),
                    "--workers",
                    "2",
                    "--bind",
                    f"127.0.0.1:{self.port}",
                    "--graceful-timeout",
                    "2",
                    "app:create_app()",
                ],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.guard = guard(pids=[self.process.pid])

    def wait_ready(self, timeout: float = 30) -> dict[str, Any]:
        """Poll /readyz as a load balancer would; answers its body once ready."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process is not None
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} stopped:\n{self.log.read_text()[-3000:]}")
            try:
                reply = Browser().get(f"{self.url}/readyz")
            except OSError:
                time.sleep(0.05)
                continue
            if reply.status == 200:
                body: dict[str, Any] = reply.json()
                return body
            time.sleep(0.05)
        raise RuntimeError(f"{self.name} not ready:\n{self.log.read_text()[-3000:]}")

    def stop(self) -> None:
        end(self.guard)
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait(timeout=10)


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    text: str

    def json(self) -> Any:
        return json.loads(self.text)


class _NoRedirects(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None  # a 302 is an answer to look at, not to follow


class Browser:
    """Cookies kept across requests and instances; every request from ``address`` (sent as
    X-Forwarded-For, as the load balancer does)."""

    def __init__(self, address: str = "10.0.0.1") -> None:
        self.address = address
        self.jar = CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), _NoRedirects()
        )

    def request(
        self, url: str, *, data: bytes | None = None, headers: dict[str, str] | None = None
    ) -> Reply:
        request = urllib.request.Request(  # noqa: S310 - a loopback test server
            url, data=data, headers={"X-Forwarded-For": self.address, **(headers or {})}
        )
        try:
            with self.opener.open(request, timeout=30) as response:
                return Reply(response.status, dict(response.headers), response.read().decode())
        except urllib.error.HTTPError as error:
            return Reply(error.code, dict(error.headers), error.read().decode())

    def get(self, url: str) -> Reply:
        return self.request(url)

    def post_form(self, url: str, fields: dict[str, str]) -> Reply:
        return self.request(url, data=urllib.parse.urlencode(fields).encode())

    def post_json(self, url: str, body: object, token: str) -> Reply:
        return self.request(
            url,
            data=json.dumps(body).encode(),
            headers={"Content-Type": "application/json", "X-CSRFToken": token},
        )

    def csrf(self, url: str) -> str:
        match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(url).text)
        assert match, f"no CSRF token on {url}"
        return match.group(1)

    def login(self, base: str, email: str, password: str = PASSWORD) -> Reply:
        token = self.csrf(f"{base}/login")
        return self.post_form(
            f"{base}/login", {"csrf_token": token, "email": email, "password": password}
        )

    def logout(self, base: str) -> Reply:
        token = self.csrf(f"{base}/account/")
        return self.post_form(f"{base}/logout", {"csrf_token": token})

    def cookie(self, name: str = "session") -> str:
        for cookie in self.jar:
            if cookie.name == name and cookie.value:
                return cookie.value
        raise AssertionError(f"no {name} cookie")

    def carrying(self, value: str, name: str = "session") -> Browser:
        """This browser with a copied cookie instead of its own (a thief's replay)."""
        self.jar.clear()
        self.jar.set_cookie(
            Cookie(
                0,
                name,
                value,
                None,
                False,
                "127.0.0.1",
                False,
                False,
                "/",
                True,
                False,
                None,
                False,
                None,
                None,
                {},
            )  # fmt: skip
        )
        return self


def run_command(env: dict[str, str], *args: str) -> subprocess.Popen[str]:
    """``flask --app app ARGS`` as a process of its own (a scheduled job on one server)."""
    return subprocess.Popen(
        [str(FLASK), "--app", "app", *args],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
