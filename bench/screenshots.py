"""Screenshots of the floor screen (light and dark) for docs/: ``python -m bench.screenshots``."""

from __future__ import annotations

import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

from bench.floor_bench import CHROMIUM_ARGS, DEMO_EMAIL, DEMO_PASSWORD, PHONE_AGENT, start_app

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="schoolfit-shots-") as directory:
        url, server = start_app(Path(directory))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            for scheme in ("light", "dark"):
                context = browser.new_context(
                    viewport={"width": 390, "height": 844},
                    is_mobile=True,
                    has_touch=True,
                    user_agent=PHONE_AGENT,
                    color_scheme=scheme,
                    locale="nl-NL",
                    timezone_id="Europe/Amsterdam",
                )
                page = context.new_page()
                page.goto(f"{url}/login")
                page.get_by_label("E-mailadres").fill(DEMO_EMAIL)
                page.get_by_label("Wachtwoord").fill(DEMO_PASSWORD)
                page.get_by_role("button", name="Inloggen").click()
                page.wait_for_selector("body[data-ready=true]")
                page.get_by_role("button", name="Locatie HK, wijzigen").click()
                page.get_by_role("button", name="ZS – Locatie ZS").click()
                page.get_by_role("button", name="Gesprek").click()
                page.keyboard.type("2b")
                page.get_by_role("option").first.click()
                page.get_by_role("button", name="schoolbinding").click()
                page.get_by_role("button", name="Vastleggen").click()
                page.get_by_role("button", name="Contact").click()
                page.wait_for_timeout(300)
                page.screenshot(path=str(OUT / f"floor-{scheme}.png"))
                context.close()
            browser.close()
        server.shutdown()  # type: ignore[attr-defined]
    print(f"written: {OUT}/floor-light.png, {OUT}/floor-dark.png")


if __name__ == "__main__":
    main()
