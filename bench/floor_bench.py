"""Floor screen figures from the real page: bytes transferred and taps per common action.

Run: ``.venv/bin/python -m bench.floor_bench`` (``make bench`` runs it too). Starts the app on a
temporary SQLite database with the demo data, drives Debian's Chromium at a phone viewport,
and prints a table. Sizes are measured per response body, raw and gzip-compressed (level 6, as
nginx's default ``gzip_comp_level`` 1–6 would roughly give; the app sits behind such a proxy).
"""

from __future__ import annotations

import gzip
import os
import tempfile
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from playwright.sync_api import Page, sync_playwright
from werkzeug.serving import make_server

# A phone's browser says so in its user agent; SchoolFit lands floor staff on the floor there
# and at the desk on a laptop (app/main/workplace.py). Headless Chromium's own is a desktop's.
PHONE_AGENT = (
    "Mozilla/5.0 (Linux; Android 14; Pixel 7) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/120.0 Mobile Safari/537.36"
)
LAPTOP_AGENT = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/120.0"

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
BUDGET_KB = 60.0
DEMO_EMAIL = "medewerker@demo.schoolfit.nl"
DEMO_PASSWORD = "fietsenstalling-2026"  # noqa: S105 - the documented demo account


@dataclass
class Transfer:
    raw: dict[str, int] = field(default_factory=dict)
    gzipped: dict[str, int] = field(default_factory=dict)


def start_app(directory: Path, wrap: Callable[[Any], Any] | None = None) -> tuple[str, object]:
    """The app with the demo data on a SQLite file in ``directory``, served on a free port of
    127.0.0.1 from a thread; ``wrap``: WSGI middleware around it (what a proxy would add)."""
    os.environ["DATABASE_URL"] = f"sqlite:///{directory / 'bench.db'}"
    from flask_migrate import upgrade

    from app import create_app
    from app.demo.seed import seed_demo
    from app.extensions import db

    app = create_app("development", DEBUG=False)
    with app.app_context():
        upgrade(revision="heads")
        seed_demo()
        db.session.commit()
    server = make_server("127.0.0.1", 0, wrap(app) if wrap else app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_port}", server


def sign_in(page: Page, url: str) -> None:
    """Sign in as the demo's floor staff member; a phone lands on the floor screen, ready."""
    page.goto(f"{url}/login")
    page.get_by_label("E-mailadres").fill(DEMO_EMAIL)
    page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_selector("body[data-ready=true]")


class TapCounter:
    """Counts the taps and typed characters a person makes, through the real page."""

    def __init__(self, page: Page) -> None:
        self.page = page
        self.taps = 0
        self.typed = 0

    def tap(self, locator: object) -> None:
        locator.click()  # type: ignore[attr-defined]
        self.taps += 1

    def type(self, text: str) -> None:
        self.page.keyboard.type(text)
        self.typed += len(text)


def measure_transfer(page: Page, url: str) -> Transfer:
    transfer = Transfer()

    def on_response(response: object) -> None:
        try:
            body = response.body()  # type: ignore[attr-defined]
        except Exception:  # noqa: BLE001 - redirects and aborted requests have no body
            return
        path = response.url.replace(url, "")  # type: ignore[attr-defined]
        if path.startswith("/api/") or path == "/sw.js":
            return  # data and the worker are not the page's shell
        transfer.raw[path] = len(body)
        transfer.gzipped[path] = len(gzip.compress(body, compresslevel=6))

    page.on("response", on_response)
    page.goto(f"{url}/vloer/")
    page.wait_for_selector("body[data-ready=true]")
    page.wait_for_load_state("networkidle")
    page.remove_listener("response", on_response)
    return transfer


def measure() -> dict[str, object]:
    """Transfer of a first visit, the precached shell, and taps per action."""
    with tempfile.TemporaryDirectory(prefix="schoolfit-bench-") as directory:
        url, server = start_app(Path(directory))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            context = browser.new_context(
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
                user_agent=PHONE_AGENT,
            )
            page = context.new_page()
            sign_in(page, url)
            # A fresh context: what a phone downloads the first time it opens the floor screen.
            cookies = context.cookies()
            fresh = browser.new_context(
                viewport={"width": 390, "height": 844},
                is_mobile=True,
                has_touch=True,
                user_agent=PHONE_AGENT,
                service_workers="block",
            )
            fresh.add_cookies(cookies)
            transfer = measure_transfer(fresh.new_page(), url)
            # What the service worker precaches for offline use (manifest and icons included).
            from app.main.routes import _shell_urls

            precache = Transfer()
            for path in _shell_urls():
                body = page.request.get(f"{url}{path}").body()
                precache.raw[path] = len(body)
                precache.gzipped[path] = len(gzip.compress(body, compresslevel=6))

            actions = []
            counter = TapCounter(page)
            counter.tap(page.get_by_role("button", name="Contact"))
            actions.append(("anonymous contact", counter.taps, counter.typed, "1 tap"))

            counter = TapCounter(page)
            counter.tap(page.get_by_role("button", name="Vlag"))
            counter.type("lo")
            counter.tap(page.get_by_role("option").first)
            counter.tap(page.get_by_role("button", name="opvolgen"))
            page.locator("#entry-sheet").wait_for(state="hidden")
            actions.append(
                ("flag on a named student", counter.taps, counter.typed, "≤ 3 taps + 2 chars")
            )

            counter = TapCounter(page)
            counter.tap(page.get_by_role("button", name="Gesprek"))
            counter.tap(page.get_by_role("button", name="motivatie"))
            counter.tap(page.get_by_role("button", name="Vastleggen"))
            actions.append(("short conversation, no name", counter.taps, counter.typed, "–"))

            counter = TapCounter(page)
            counter.tap(page.get_by_role("button", name="Spanning"))
            counter.tap(page.get_by_role("button", name="hoog"))
            counter.tap(page.get_by_role("button", name="Vastleggen"))
            actions.append(("tension, severity only", counter.taps, counter.typed, "–"))

            counter = TapCounter(page)
            counter.tap(page.get_by_role("radio", name="kantine"))
            actions.append(("change zone", counter.taps, counter.typed, "1 tap"))
            browser.close()
        server.shutdown()  # type: ignore[attr-defined]
    return {"transfer": transfer, "precache": precache, "actions": actions}


def main() -> None:
    figures = measure()
    transfer: Transfer = figures["transfer"]  # type: ignore[assignment]
    precache: Transfer = figures["precache"]  # type: ignore[assignment]
    actions: list[tuple[str, int, int, str]] = figures["actions"]  # type: ignore[assignment]
    raw_kb = sum(transfer.raw.values()) / 1024
    gz_kb = sum(transfer.gzipped.values()) / 1024
    print("Floor page transfer (first visit, no cache)")
    print(f"{'resource':42} {'raw B':>8} {'gzip B':>8}")
    for path in sorted(transfer.raw, key=lambda p: -transfer.gzipped[p]):
        print(f"{path:42} {transfer.raw[path]:>8} {transfer.gzipped[path]:>8}")
    verdict = "met" if gz_kb <= BUDGET_KB else "MISSED"
    print(
        f"{'total':42} {raw_kb:>7.1f}K {gz_kb:>7.1f}K   budget ≤ {BUDGET_KB:.0f} KB "
        f"compressed: {verdict}"
    )
    pre_raw = sum(precache.raw.values()) / 1024
    pre_gz = sum(precache.gzipped.values()) / 1024
    print(
        f"{'app shell precached for offline':42} {pre_raw:>7.1f}K {pre_gz:>7.1f}K   "
        f"({len(precache.raw)} files incl. manifest and icons)"
    )
    print()
    print(f"{'action':32} {'taps':>5} {'typed':>6}  target")
    for name, taps, typed, target in actions:
        print(f"{name:32} {taps:>5} {typed:>6}  {target}")


if __name__ == "__main__":
    main()
