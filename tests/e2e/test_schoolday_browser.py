"""The school day as its users live it (issue 21), in a real Chromium: a medewerker lands on
the floor on a phone and at the desk on a laptop, and goes from one to the other by the menus."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect

from app.core.vocabulary import Role
from app.models import Location, User
from tests.e2e.browser_helpers import LAPTOP, LAPTOP_AGENT, LiveServer, sign_in

SCREENSHOTS = Path("/tmp/schoolday-screenshots")


def shoot(page: Page, name: str) -> None:
    """For the engineer's eyes (not compared): the pages this issue changed."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def confirm_screened_place(page: Page) -> None:
    page.get_by_label("Ik zit op een afgeschermde plek").check()
    page.get_by_role("button", name="Verder naar het bureau").click()
    page.wait_for_url(lambda url: "/afgeschermd" not in url)
    page.wait_for_selector("body[data-desk-ready=true]")


@pytest.fixture
def staff(make_user: Callable[..., User], locations: dict[str, Location]) -> User:
    return make_user(Role.MEDEWERKER, ("ZS",), name="Samira Dag")


def test_phone_lands_on_the_floor_and_reaches_the_desk_and_back(
    page: Page, live_server: LiveServer, staff: User, console_errors: list[str]
) -> None:
    sign_in(page, live_server.url, staff.email)
    expect(page).to_have_url(f"{live_server.url}/vloer/")
    page.wait_for_selector("body[data-ready=true]")
    page.get_by_role("button", name="Menu").click()
    shoot(page, "floor-menu-phone")
    page.get_by_role("link", name="Naar het bureau").click()
    confirm_screened_place(page)
    expect(page).to_have_url(f"{live_server.url}/bureau/")
    shoot(page, "desk-inbox-phone")
    page.get_by_role("navigation", name="Hoofdmenu").get_by_role("link", name="Vloer").click()
    expect(page).to_have_url(f"{live_server.url}/vloer/")
    assert not console_errors


def test_laptop_lands_at_the_desk(browser: Browser, live_server: LiveServer, staff: User) -> None:
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL", user_agent=LAPTOP_AGENT)
    try:
        page = context.new_page()
        sign_in(page, live_server.url, staff.email)
        confirm_screened_place(page)
        expect(page).to_have_url(f"{live_server.url}/bureau/")
        shoot(page, "desk-inbox-laptop")
    finally:
        context.close()
