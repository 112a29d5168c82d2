"""Urgent alerts in real Chromium: the team leader turns alerts on from the menu of their
phone, a medewerker logs a safety flag on the floor screen of theirs, the push message
reaches the push service within seconds (contentless), and the team leader opens the alert
and handles it — in Dutch and in English."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.alerts.sender import EXTENSION
from app.core.vocabulary import Role
from app.extensions import db
from app.models import Alert, FloorEntry, PushSubscription, Student, User
from tests.alert_helpers import FakeBrowser, PushService, push_service, student_data, use_vapid_keys
from tests.e2e.browser_helpers import PHONE, PHONE_AGENT, LiveServer, sign_in

SHOTS = Path("/tmp/schoolfit-shots")
SYNC_TIMEOUT = 30_000


@pytest.fixture
def push(live_server: LiveServer) -> Iterator[PushService]:
    """A push service on loopback; the served app's sender is stopped afterwards."""
    with push_service() as service:
        yield service
        sender = live_server.app.extensions.get(EXTENSION)
        if sender is not None:
            sender.stop()


def fake_push_manager(browser: FakeBrowser, endpoint: str) -> str:
    """Headless Chromium has no push service of its own: PushManager answers with a
    subscription at the test's push service (the keys are the fake browser's)."""
    subscription = json.dumps(browser.subscription(endpoint))
    return f"""
      (() => {{
        if (!("PushManager" in self)) return;
        const data = {subscription};
        const made = () => ({{
          endpoint: data.endpoint,
          toJSON() {{ return data; }},
          async unsubscribe() {{ localStorage.removeItem("fake-push"); return true; }},
        }});
        PushManager.prototype.getSubscription = async function () {{
          return localStorage.getItem("fake-push") ? made() : null;
        }};
        PushManager.prototype.subscribe = async function (options) {{
          self.__pushKeyLength = options.applicationServerKey.byteLength;
          localStorage.setItem("fake-push", "1");
          return made();
        }};
      }})();
    """


def test_team_leader_receives_and_opens_a_safety_alert_on_a_phone(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    push: PushService,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
) -> None:
    SHOTS.mkdir(exist_ok=True)
    served = live_server.app
    keys = use_vapid_keys(served)
    served.config.update(ALERT_SENDER_ENABLED=True, ALERT_POLL_SECONDS=1)
    leader = make_user(Role.TEAMLEIDER, ("ZS",), name="Peter de Vries")
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Bakker")
    student = make_student("ZS", first_name="Lotte", last_name="Verhoeven", class_name="2B")
    device = FakeBrowser()

    # The team leader's phone: Meldingen aan from the menu.
    page.context.grant_permissions(["notifications"], origin=live_server.url)
    page.context.add_init_script(fake_push_manager(device, push.endpoint("leader")))
    sign_in(page, live_server.url, leader.email)
    toggle = page.get_by_role("button", name="Meldingen aan")
    expect(toggle).to_be_visible(timeout=15_000)
    toggle.click()
    expect(page.get_by_role("button", name="Meldingen uit")).to_be_visible()
    assert page.evaluate("() => self.__pushKeyLength") == 65  # the app's public key
    db.session.expire_all()
    assert db.session.scalars(select(PushSubscription.endpoint)).all() == [push.endpoint("leader")]
    page.screenshot(path=str(SHOTS / "alert-menu-phone.png"))

    # The medewerker's phone: a safety flag on the floor screen.
    floor = browser.new_context(
        viewport=PHONE,
        user_agent=PHONE_AGENT,  # a phone lands on the floor (app/main/workplace.py)
        is_mobile=True,
        has_touch=True,
        locale="nl-NL",
        timezone_id="Europe/Amsterdam",
        service_workers="allow",
    )
    staff_page = floor.new_page()
    sign_in(staff_page, live_server.url, staff.email)
    staff_page.wait_for_selector("body[data-ready=true]")
    staff_page.get_by_role("button", name="Vlag").click()
    staff_page.get_by_label("Leerling (naam, klas of nummer)").fill("lo")
    staff_page.get_by_role("option", name=f"L.V. · 2B · {student.leerlingnummer}").click()
    staff_page.get_by_role("button", name="veiligheid / pesten").click()
    # Listed as sent: the server has it ("0 pending" alone could mean not written yet).
    expect(staff_page.locator('#today-list li[data-state="sent"]')).to_have_count(
        1, timeout=SYNC_TIMEOUT
    )
    [received] = push.wait_for("leader", timeout=15)
    floor.close()
    db.session.expire_all()
    entry = db.session.scalars(select(FloorEntry)).one()
    latency = received.wall - entry.received_at.timestamp()
    print(f"entry stored -> push received: {latency * 1000:.0f} ms")
    assert latency < 10
    payload = device.decrypt(received.body)
    assert payload["body"] == "Vlag veiligheid / pesten · ZS"
    for value in student_data(student):
        assert value not in json.dumps(payload, ensure_ascii=False)
    assert received.headers["authorization"].startswith("vapid t=")
    assert keys.public_key in received.headers["authorization"]

    # Tapping the notification opens the alert (the service worker navigates to its link).
    page.goto(f"{live_server.url}{payload['url']}")
    expect(page.get_by_role("heading", name="Vlag veiligheid / pesten")).to_be_visible()
    expect(page.get_by_text("L.V. · 2B")).to_be_visible()
    expect(page.get_by_text("Peter de Vries: geopend om")).to_be_visible()
    expect(page.get_by_role("button", name="Meldingen uit")).to_be_visible()  # still on
    assert "Verhoeven" not in page.locator("main").inner_text()
    page.screenshot(path=str(SHOTS / "alert-detail-phone.png"), full_page=True)
    page.get_by_label("Korte notitie (niet verplicht)").fill("Ik ga naar de fietsenstalling")
    page.get_by_role("button", name="Afgehandeld").click()
    expect(page.get_by_text("Afgehandeld door Peter de Vries")).to_be_visible()
    alert = db.session.scalars(select(Alert)).one()
    db.session.refresh(alert)
    assert alert.acknowledged_by_id == leader.id

    # The alerts page, in English too.
    page.get_by_role("link", name="Alle meldingen").click()
    expect(page.get_by_text("Geopend door Peter de Vries")).to_be_visible()
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="Alerts", exact=True)).to_be_visible()
    expect(page.get_by_text("Flag safety / bullying")).to_be_visible()
    page.screenshot(path=str(SHOTS / "alerts-page-phone-en.png"), full_page=True)
    assert console_errors == []
