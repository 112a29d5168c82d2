"""Browser tests: Playwright driving Debian's Chromium against a live server on loopback; the
digest's scenario and the reports' world are fixtures here too."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import ConsoleMessage, Page, Response
from werkzeug.serving import make_server

from tests.digest_helpers import scenario_fixture  # noqa: F401 (the fixture ``scenario``)
from tests.e2e.browser_helpers import PHONE, PHONE_AGENT, LiveServer
from tests.pgserver import free_port, serve_in_background
from tests.report_helpers import world_fixture  # noqa: F401 (the fixture ``world``)

CHROMIUM = "/usr/bin/chromium"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "/e2e/" in str(item.fspath):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict) -> dict:
    # Never `playwright install`: its download is blocked here; Debian's browser is used instead.
    return {
        **browser_type_launch_args,
        "executable_path": CHROMIUM,
        "args": [
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
            "--disable-quic",
        ],
    }


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": PHONE,
        "is_mobile": True,
        "user_agent": PHONE_AGENT,
        "has_touch": True,
        "device_scale_factor": 2,
        "locale": "nl-NL",
        "timezone_id": "Europe/Amsterdam",
        "service_workers": "allow",
    }


# The floor's undo window in the served app: short, so a tap is sent at once instead of after
# 10 s. The test of undo itself sets the real window (parametrize ``live_server_settings``).
SHORT_UNDO_MS = 300


@pytest.fixture
def live_server_settings() -> dict[str, object]:
    """Settings of the served app (a test overrides them with ``pytest.mark.parametrize``)."""
    return {"FLOOR_UNDO_MS": SHORT_UNDO_MS}


class CountingHits:
    """The served app behind a count of its requests per "METHOD /path" (a test asserts what
    the page sent, or did not)."""

    def __init__(self, app: Flask, hits: dict[str, int]) -> None:
        self.app = app
        self.hits = hits
        self.lock = threading.Lock()

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Any:
        key = f"{environ['REQUEST_METHOD']} {environ.get('PATH_INFO', '')}"
        with self.lock:  # the server answers each request on a thread of its own
            self.hits[key] = self.hits.get(key, 0) + 1
        return self.app(environ, start_response)


@pytest.fixture
def live_server(app: Flask, live_server_settings: dict[str, object]) -> Iterator[LiveServer]:
    """The test's own app served on a free loopback port, with ``live_server_settings``.

    The same app, not a second one: building an app, compiling its templates and loading the
    catalogue cost a browser test about a fifth of a second, and a second app took the
    module-wide extensions over, so the next test built its own again too. The ``app``
    fixture puts the settings back afterwards and empties the tables."""
    app.config.update(live_server_settings)
    server_info = LiveServer(url="", app=app)
    port = free_port()
    server = make_server("127.0.0.1", port, CountingHits(app, server_info.hits), threaded=True)
    thread = serve_in_background(server)
    server_info.url = f"http://127.0.0.1:{port}"
    try:
        yield server_info
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


@pytest.fixture
def console_errors(page: Page) -> list[str]:
    """Console errors, CSP violations and failed sub-resources; a test asserts it stays empty.

    A page answered 400 on purpose (a form with errors) logs "Failed to load resource" too; such
    documents are allowed, failed scripts, styles, images and API calls are not.
    """
    errors: list[str] = []

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error" and not message.text.startswith("Failed to load resource"):
            errors.append(message.text)

    def on_response(response: Response) -> None:
        if response.status >= 400 and response.request.resource_type != "document":
            errors.append(f"{response.status} {response.url}")

    page.on("console", on_console)
    page.on("response", on_response)
    page.on("pageerror", lambda error: errors.append(str(error)))
    return errors
