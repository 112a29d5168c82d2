"""The floor screen in the browser tests: opening it, waiting for its service worker and its
sends, and reading what the phone stores."""

from __future__ import annotations

from playwright.sync_api import Browser, BrowserContext, Page, ViewportSize, expect

from app.models import User
from tests.e2e.browser_helpers import PHONE_AGENT, LiveServer, sign_in

# At most this long for a sync pass on a busy machine (the served app's undo window is short,
# tests/e2e/conftest.py; a pass takes well under a second when the machine is quiet).
SYNC_TIMEOUT = 30_000


SMALL_PHONE: ViewportSize = {"width": 375, "height": 667}  # iPhone SE
PHONE_SIZES: list[ViewportSize] = [SMALL_PHONE, {"width": 390, "height": 844}]


def phone_page(browser: Browser, size: ViewportSize) -> tuple[BrowserContext, Page]:
    context = browser.new_context(
        viewport=size,
        is_mobile=True,
        has_touch=True,
        user_agent=PHONE_AGENT,
        device_scale_factor=2,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
    )
    return context, context.new_page()


def switch_to_english(page: Page, server: LiveServer) -> None:
    page.goto(f"{server.url}/account/")
    page.get_by_role("button", name="English").click()
    page.goto(f"{server.url}/vloer/")
    page.wait_for_selector("body[data-ready=true]")


def open_floor(page: Page, server: LiveServer, user: User) -> None:
    sign_in(page, server.url, user.email)
    expect(page).to_have_url(f"{server.url}/vloer/")
    page.wait_for_selector("body[data-ready=true]")


def wait_for_service_worker(page: Page) -> None:
    """Until the page is controlled by the active worker, as the next visit of a real phone is.

    A page whose navigation began while the worker was still installing can miss the worker's
    clients.claim() (seen in Chromium now and then); its next load is controlled, so reload it.
    Predicates are functions, not strings: a string is eval()ed in the page, which the CSP forbids.
    """
    page.evaluate("async () => { await navigator.serviceWorker.ready; }")
    if not page.evaluate("() => navigator.serviceWorker.controller !== null"):
        page.reload()
        page.wait_for_selector("body[data-ready=true]")
    page.wait_for_function("() => navigator.serviceWorker.controller !== null", timeout=15_000)


def expect_sent(page: Page, count: int = 1) -> None:
    """Until ``count`` entries are listed as sent (the server has them) and none waits: true
    however fast the send was, where "pending 1, then 0" may miss a short undo window."""
    expect(page.locator('#today-list li[data-state="sent"]')).to_have_count(
        count, timeout=SYNC_TIMEOUT
    )
    expect(page.locator("#pending-count")).to_have_text("0", timeout=SYNC_TIMEOUT)


DUMP_STORAGE = """async () => {
  const texts = [];
  for (const name of await caches.keys()) {
    const cache = await caches.open(name);
    for (const request of await cache.keys()) {
      texts.push(request.url + ' ' + await (await cache.match(request)).text());
    }
  }
  const db = await new Promise((resolve, reject) => {
    const open = indexedDB.open('schoolfit-floor');
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
  for (const store of db.objectStoreNames) {
    const rows = await new Promise((resolve) => {
      const request = db.transaction(store).objectStore(store).getAll();
      request.onsuccess = () => resolve(request.result);
    });
    texts.push(store + ' ' + JSON.stringify(rows));
  }
  return texts.join('\\n');
}"""
