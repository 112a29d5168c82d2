"""The floor screen's fast paths in Chromium (issue 24, phone figures): the inline style applies
under the strict Content-Security-Policy with no violation, the first data is fetched once (the
preloaded answers are the ones the script uses), and a tap's row, shown before its IndexedDB
write is done, goes again — said so — when that write fails."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from playwright.sync_api import Browser, Page, Route, expect

from app.core.vocabulary import Role
from app.models import User
from tests.e2e.browser_helpers import LiveServer
from tests.e2e.floor_browser_helpers import DUMP_STORAGE, expect_sent, open_floor

# Before any page script: every CSP violation the page reports, kept for the test to read.
RECORD_VIOLATIONS = """
window.__violations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__violations.push(`${event.violatedDirective} ${event.blockedURI} ${event.sample}`);
});
"""

# The next write to the queue fails as a full disk would (the transaction aborts). Kept: how
# many rows "Vandaag" listed at the moment the write was asked for.
FAIL_NEXT_QUEUE_WRITE = """() => {
  const put = IDBObjectStore.prototype.put;
  window.__rowsAtWrite = null;
  IDBObjectStore.prototype.put = function (...args) {
    if (this.name !== 'queue') return put.apply(this, args);
    IDBObjectStore.prototype.put = put;
    window.__rowsAtWrite = document.querySelectorAll('#today-list li').length;
    this.transaction.abort();
    return undefined;
  };
}"""


COMPUTED = "([selector, name]) => getComputedStyle(document.querySelector(selector))[name]"
FETCHED_STYLE_SHEETS = """() => performance.getEntriesByType('resource')
  .map((entry) => entry.name).filter((name) => name.includes('/static/css/'))"""


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.MEDEWERKER, ("ZS",), name="Samira Vloer")


def test_inline_style_applies_without_a_csp_violation_and_data_is_fetched_once(
    page: Page, live_server: LiveServer, staff: User, console_errors: list[str]
) -> None:
    page.add_init_script(RECORD_VIOLATIONS)
    open_floor(page, live_server, staff)
    assert page.evaluate("() => window.__violations") == []
    # Both sheets' rules are in force: app.css's (the body's background, light scheme) and
    # floor.css's (the list has no bullets, the actions are a grid); nothing was fetched for them.
    assert page.evaluate(COMPUTED, ["body", "backgroundColor"]) == "rgb(244, 246, 245)"
    assert page.evaluate(COMPUTED, ["#today-list", "listStyleType"]) == "none"
    assert page.evaluate(COMPUTED, [".actions", "display"]) == "grid"
    assert page.evaluate("() => document.styleSheets.length") == 1
    assert page.evaluate(FETCHED_STYLE_SHEETS) == []
    # The context was preloaded by the HTML and taken by the script: asked for once, not twice.
    assert live_server.hits.get("GET /api/floor/context") == 1
    page.get_by_role("button", name="Contact").click()
    expect_sent(page)
    assert page.evaluate("() => window.__violations") == []
    assert console_errors == []


def test_a_failed_write_takes_its_row_away_and_says_so(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    open_floor(page, live_server, staff)
    page.evaluate(FAIL_NEXT_QUEUE_WRITE)
    page.get_by_role("button", name="Contact").click()
    expect(page.locator("#toast-text")).to_have_text(
        "Niet opgeslagen op dit toestel — tik opnieuw."
    )
    # The row was listed before the write was even asked for, and is gone now that it failed.
    assert page.evaluate("() => window.__rowsAtWrite") == 1
    expect(page.locator("#today-list li")).to_have_count(0)
    expect(page.locator("#undo-button")).to_be_hidden()
    assert "queue []" in page.evaluate(DUMP_STORAGE).splitlines()
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#today-list li")).to_have_count(0)
    assert live_server.hits.get("POST /api/floor/entries", 0) == 0

    # The next tap is stored, listed and sent as ever.
    page.get_by_role("button", name="Contact").click()
    expect(page.locator("#toast-text")).to_contain_text("Contact vastgelegd")
    expect_sent(page)


def test_the_zones_and_a_contact_do_not_wait_for_the_student_index(
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: LiveServer,
    make_user: Callable[..., User],
) -> None:
    """On a slow first load the student index (for search only) comes last: the zones are
    there and a one-tap contact is stored before it arrives. (No service worker here: the
    held request must be the page's own, which routing sees whether or not a worker is in
    control.)"""
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Vloer")
    context = browser.new_context(**{**browser_context_args, "service_workers": "block"})
    page = context.new_page()
    open_floor(page, live_server, staff)
    held: list[Route] = []
    page.route("**/api/floor/students*", lambda route: held.append(route))
    page.reload()
    expect(page.get_by_role("radio", name="kantine")).to_be_visible(timeout=5_000)
    assert held, "the page asked for the student index"
    page.get_by_role("button", name="Contact").click()
    expect(page.locator("#today-list li")).to_have_count(1)
    expect(page.get_by_text("Kies eerst een zone.")).to_have_count(0)
    for route in held:
        route.continue_()
    page.wait_for_selector("body[data-ready=true]")
    expect_sent(page, 1)
    context.close()
