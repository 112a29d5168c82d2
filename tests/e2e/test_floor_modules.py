"""The floor screen's first load in modules (issue 24, phone figures): "Vandaag" is drawn from
the preloaded list before the rest of the page (controls.js and what it imports) has even
arrived, the buttons work once it has — and do not wait for a list that is slow to come — and a
sync pass that sent nothing does not ask the server for today's list again."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, BrowserContext, Page, Route, expect

from app.core.vocabulary import Role
from app.models import User
from tests.e2e.browser_helpers import LiveServer
from tests.e2e.floor_browser_helpers import expect_sent, open_floor

TODAY = "GET /api/floor/today"


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.MEDEWERKER, ("ZS",), name="Samira Vloer")


def floor_with_one_sent_entry(
    browser: Browser, context_args: dict[str, Any], server: LiveServer, staff: User
) -> tuple[BrowserContext, Page]:
    """The floor with one contact on the server's list. No service worker: a held request must
    be the page's own, as on a first load."""
    context = browser.new_context(**{**context_args, "service_workers": "block"})
    page = context.new_page()
    open_floor(page, server, staff)
    page.get_by_role("button", name="Contact").click()
    expect_sent(page, 1)
    return context, page


def test_vandaag_is_drawn_before_the_controls_have_arrived(
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: LiveServer,
    staff: User,
) -> None:
    context, page = floor_with_one_sent_entry(browser, browser_context_args, live_server, staff)

    held: list[Route] = []
    page.route("**/static/js/floor/controls.js", lambda route: held.append(route))
    page.reload()
    expect(page.locator('#today-list li[data-state="sent"]')).to_have_count(1, timeout=10_000)
    expect(page.locator("#today-count")).to_have_text("(1)")
    assert held, "the page asked for controls.js"
    # The controls are not there yet: the page is not ready and a tap does nothing.
    assert page.locator("body").get_attribute("data-ready") is None
    page.get_by_role("button", name="Contact").click()
    expect(page.locator("#today-list li")).to_have_count(1)

    for route in held:
        route.continue_()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_role("radio", name="kantine")).to_be_visible()
    page.get_by_role("button", name="Contact").click()
    expect_sent(page, 2)
    context.close()


def test_the_buttons_do_not_wait_for_a_slow_list(
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: LiveServer,
    staff: User,
) -> None:
    """Today's list held back (a slow network; the shell from the service worker would be the
    same): the controls load at once, and a contact is logged and listed before the list."""
    context, page = floor_with_one_sent_entry(browser, browser_context_args, live_server, staff)

    held: list[Route] = []
    # The first load's list (the HTML's preload, which the script takes) is held; later ones pass.
    page.route(
        "**/api/floor/today", lambda route: route.continue_() if held else held.append(route)
    )
    page.reload()
    expect(page.get_by_role("radio", name="kantine")).to_be_visible(timeout=10_000)
    assert held, "the page asked for today's list"
    page.get_by_role("button", name="Contact").click()
    expect(page.locator('#today-list li[data-state="pending"]')).to_have_count(1)
    expect(page.locator("#today-list li")).to_have_count(1)  # the server's row is not in yet

    held[0].continue_()
    page.wait_for_selector("body[data-ready=true]")
    expect_sent(page, 2)
    context.close()


def test_a_sync_that_sent_nothing_does_not_ask_for_the_list_again(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    open_floor(page, live_server, staff)
    # The first load asks once (the HTML's preload, taken by the script), its first sync pass
    # (nothing queued) not again.
    page.wait_for_timeout(500)
    assert live_server.hits.get(TODAY) == 1
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Nu versturen").click()
    page.wait_for_timeout(500)
    assert live_server.hits.get(TODAY) == 1
    page.keyboard.press("Escape")

    # A pass that sent an entry brings the server's list, with the entry marked as sent.
    page.get_by_role("button", name="Contact").click()
    expect_sent(page, 1)
    assert live_server.hits.get(TODAY) == 2
