"""The own account in a real Chromium: "Overal uitloggen" on the laptop signs the phone out on
the server — the phone's unsent floor entries wait on the phone and go after the next login —
and the lockout's words on the login page."""

from __future__ import annotations

from collections.abc import Callable

from playwright.sync_api import Browser, BrowserContext, Page, expect
from sqlalchemy import func, select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import FloorEntry, User
from tests.client_helpers import PASSWORD
from tests.e2e.browser_helpers import LAPTOP, LiveServer, sign_in

SYNC_TIMEOUT = 30_000  # at most, for a sync pass on a busy machine (short undo window)


def stored_entries() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(FloorEntry.id))) or 0


def test_log_out_everywhere_signs_the_phone_out_and_its_queue_waits(
    browser: Browser,
    context: BrowserContext,
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    console_errors: list[str],
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Vloer")
    sign_in(page, live_server.url, staff.email)
    expect(page).to_have_url(f"{live_server.url}/vloer/")
    page.wait_for_selector("body[data-ready=true]")
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    context.set_offline(True)
    page.get_by_role("button", name="Contact").click()
    expect(page.locator("#pending-count")).to_have_text("1")

    laptop_context = browser.new_context(viewport=LAPTOP, locale="nl-NL")
    try:
        laptop = laptop_context.new_page()
        sign_in(laptop, live_server.url, staff.email)  # staff start on the floor screen
        laptop.goto(f"{live_server.url}/account/")
        expect(laptop.get_by_role("heading", name="Mijn account")).to_be_visible()
        laptop.get_by_role("button", name="Overal uitloggen").click()
        expect(laptop.get_by_text("Je bent op al je apparaten uitgelogd.")).to_be_visible()
        expect(laptop).to_have_url(f"{live_server.url}/login?logged_out=1")
    finally:
        laptop_context.close()

    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#login-banner")).to_be_visible(timeout=SYNC_TIMEOUT)
    expect(page.locator("#pending-count")).to_have_text("1")
    assert stored_entries() == 0

    page.get_by_role("link", name="Opnieuw inloggen").click()
    expect(page.get_by_text("Je sessie is beëindigd. Log opnieuw in.")).to_be_visible()
    page.get_by_label("E-mailadres").fill(staff.email)
    page.get_by_label("Wachtwoord").fill(PASSWORD)
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(f"{live_server.url}/vloer/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#pending-count")).to_have_text("0", timeout=SYNC_TIMEOUT)
    assert stored_entries() == 1
    assert [e for e in console_errors if "401" not in e] == []


def test_the_login_page_warns_of_the_lockout(
    page: Page, live_server: LiveServer, make_user: Callable[..., User]
) -> None:
    live_server.app.config["SMTP_PORT"] = 1  # no mail server: the page looks the same
    user = make_user(Role.TEAMLEIDER)
    for _ in range(6):
        page.goto(f"{live_server.url}/login")
        page.get_by_label("E-mailadres").fill(user.email)
        page.get_by_label("Wachtwoord").fill("verkeerd-wachtwoord-1")
        page.get_by_role("button", name="Inloggen").click()
    error = page.locator(".errors")
    expect(error).to_contain_text("Onbekend e-mailadres of verkeerd wachtwoord.")
    expect(error).to_contain_text("15 minuten geblokkeerd en krijgt de eigenaar een e-mail")
    expect(page.get_by_label("Wachtwoord")).to_have_attribute("aria-invalid", "true")
