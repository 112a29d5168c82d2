"""Today's own list on a reload without a connection (issue 21, item 6): kept on the phone as
masked as on screen, said so on screen, gone at logout and at the day's end."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from playwright.sync_api import BrowserContext, Page, expect

from app.core.vocabulary import Role
from app.models import Student, User
from tests.e2e.browser_helpers import LiveServer
from tests.e2e.floor_browser_helpers import (
    DUMP_STORAGE,
    expect_sent,
    open_floor,
    wait_for_service_worker,
)


def test_a_reload_without_connection_shows_todays_kept_list(
    context: BrowserContext,
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Vloer")
    make_student("ZS", first_name="Amir", last_name="Haddou", class_name="3A")
    open_floor(page, live_server, staff)
    wait_for_service_worker(page)
    page.get_by_role("button", name="Contact").click()
    expect_sent(page, 1)
    page.get_by_role("button", name="Contact").click()
    expect_sent(page, 2)
    page.get_by_role("button", name="Gesprek").click()
    page.keyboard.type("amir")
    page.get_by_role("option").first.click()
    page.get_by_role("button", name="motivatie").click()
    page.get_by_label("Korte notitie (optioneel)").fill("Geheime notitie")
    page.get_by_role("button", name="Vastleggen").click()
    expect_sent(page, 3)
    page.reload()  # the list the server sends now is the one kept
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator('#today-list li[data-state="sent"]')).to_have_count(3)
    expect(page.locator("#today-kept")).to_be_hidden()

    context.set_offline(True)
    page.reload()  # the shell from the service worker, the list from the phone
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator('#today-list li[data-state="sent"]')).to_have_count(3)
    expect(page.locator("#today-empty")).to_be_hidden()
    expect(page.locator("#today-kept")).to_be_visible()
    expect(page.locator("#today-kept")).to_contain_text("de lijst van je laatste verbinding")
    expect(page.locator("#today-list .token")).to_have_text(["A.H. 3A"])
    shots = os.environ.get("FLOOR_SCREENSHOTS")
    if shots:  # for looking at it: FLOOR_SCREENSHOTS=/some/dir
        page.locator("#today-kept").scroll_into_view_if_needed()
        page.screenshot(path=str(Path(shots) / "floor-offline-kept.png"))
    stored = page.evaluate(DUMP_STORAGE)
    assert "Haddou" not in stored and "Amir" not in stored
    assert "Geheime notitie" not in stored

    # A list of another day is not shown (and is deleted): the day has ended.
    page.evaluate(
        """async () => {
          const db = await new Promise((resolve) => {
            const open = indexedDB.open('schoolfit-floor');
            open.onsuccess = () => resolve(open.result);
          });
          await new Promise((resolve) => {
            const store = db.transaction('meta', 'readwrite').objectStore('meta');
            const get = store.get('today');
            get.onsuccess = () => {
              const kept = get.result;
              const old = { ...kept, value: { ...kept.value, day: '2000-01-01' } };
              store.put(old).onsuccess = resolve;
            };
          });
        }"""
    )
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#today-empty")).to_be_visible()
    expect(page.locator("#today-list li")).to_have_count(0)
    expect(page.locator("#today-kept")).to_be_hidden()

    # Back online: the server's list again, and no word of a kept one.
    context.set_offline(False)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator('#today-list li[data-state="sent"]')).to_have_count(3)
    expect(page.locator("#today-kept")).to_be_hidden()


def test_logout_clears_the_kept_list(
    context: BrowserContext, page: Page, live_server: LiveServer, make_user: Callable[..., User]
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Vloer")
    open_floor(page, live_server, staff)
    page.get_by_role("button", name="Contact").click()
    expect_sent(page, 1)
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    assert '"day"' in page.evaluate(DUMP_STORAGE)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Uitloggen").click()
    page.wait_for_url(f"{live_server.url}/login**")
    page.wait_for_load_state("networkidle")
    assert '"day"' not in page.evaluate(DUMP_STORAGE)
