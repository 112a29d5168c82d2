"""Screenshots of the school day for docs/ (``python -m bench.screenshots``): the floor on two
phones (light, dark, English), the desk on a laptop reached from where login lands, the digest
on a teamleider's phone and the report's summary on a locatieleider's laptop, all with the demo
data. Each person signs in through the login page, as they would."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

from app.demo.organisation import DEMO_ACCOUNTS
from bench.floor_bench import CHROMIUM_ARGS, LAPTOP_AGENT, PHONE_AGENT, start_app

OUT = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
PHONE = {"width": 390, "height": 844}
SMALL_PHONE = {"width": 375, "height": 667}  # iPhone SE
DIGEST_PHONE = {"width": 412, "height": 915}
LAPTOP = {"width": 1366, "height": 768}


@contextmanager
def signed_in(
    browser: Browser,
    url: str,
    email: str,
    *,
    viewport: dict[str, int],
    phone: bool,
    scheme: str = "light",
    locale: str = "nl-NL",
) -> Iterator[Page]:
    """A page of a fresh browser signed in as ``email`` (a demo account) at its landing."""
    password = next(a.password for a in DEMO_ACCOUNTS if a.email == email)
    context = browser.new_context(
        viewport=viewport,
        is_mobile=phone,
        has_touch=phone,
        user_agent=PHONE_AGENT if phone else LAPTOP_AGENT,
        color_scheme=scheme,  # type: ignore[arg-type]
        locale=locale,
        timezone_id="Europe/Amsterdam",
    )
    page = context.new_page()
    page.goto(f"{url}/login")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_load_state("networkidle")
    try:
        yield page
    finally:
        context.close()


def floor(browser: Browser, url: str, name: str, viewport: dict[str, int], scheme: str) -> None:
    """The floor after a conversation and a contact at ZS."""
    with signed_in(
        browser, url, "medewerker@demo.schoolfit.nl", viewport=viewport, phone=True, scheme=scheme
    ) as page:
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
        page.screenshot(path=str(OUT / name))


def floor_in_english(browser: Browser, url: str) -> None:
    with signed_in(
        browser, url, "medewerker@demo.schoolfit.nl", viewport=PHONE, phone=True
    ) as page:
        page.wait_for_selector("body[data-ready=true]")
        page.goto(f"{url}/account/")  # the language choice is on the account page
        page.get_by_role("button", name="English").click()
        page.goto(f"{url}/vloer/")
        page.wait_for_selector("body[data-ready=true]")
        page.screenshot(path=str(OUT / "floor-english.png"))


def desk(browser: Browser, url: str) -> None:
    """A medewerker on a laptop lands at the desk: once a session the question whether the place
    is screened, then the afternoon inbox."""
    with signed_in(
        browser, url, "medewerker@demo.schoolfit.nl", viewport=LAPTOP, phone=False
    ) as page:
        page.get_by_label("Ik zit op een afgeschermde plek").check()
        page.get_by_role("button", name="Verder naar het bureau").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "desk-laptop.png"))


def digest(browser: Browser, url: str) -> None:
    """The teamleider's digest at 14:00 on a phone: the first screen, and the whole page."""
    with signed_in(
        browser, url, "teamleider@demo.schoolfit.nl", viewport=DIGEST_PHONE, phone=True
    ) as page:
        page.get_by_role("link", name="Dagoverzicht").first.click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "digest-phone.png"))
        page.screenshot(path=str(OUT / "digest-phone-full.png"), full_page=True)


def report(browser: Browser, url: str) -> None:
    """The locatieleider's report for the board: its summary first."""
    with signed_in(
        browser, url, "locatieleider@demo.schoolfit.nl", viewport=LAPTOP, phone=False
    ) as page:
        page.goto(f"{url}/rapportage/")
        page.get_by_role("button", name="Rapportage maken").click()
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(OUT / "report-summary.png"))


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="schoolfit-shots-") as directory:
        url, server = start_app(Path(directory))
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path="/usr/bin/chromium", args=CHROMIUM_ARGS
            )
            floor(browser, url, "floor-light.png", PHONE, "light")
            floor(browser, url, "floor-dark.png", PHONE, "dark")
            floor(browser, url, "floor-iphone-se.png", SMALL_PHONE, "light")
            floor_in_english(browser, url)
            desk(browser, url)
            digest(browser, url)
            report(browser, url)
            browser.close()
        server.shutdown()  # type: ignore[attr-defined]
    print(f"written: {', '.join(sorted(p.name for p in OUT.glob('*.png')))} in {OUT}")


if __name__ == "__main__":
    main()
