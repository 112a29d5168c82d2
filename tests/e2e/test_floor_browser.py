"""The floor screen in a real Chromium at a phone viewport: one tap, offline, privacy."""

from __future__ import annotations

import time
from collections.abc import Callable

import pytest
from playwright.sync_api import BrowserContext, Page, expect
from sqlalchemy import func, select

from app.core.vocabulary import Role
from app.desk.inbox.services import resolve_quarantined
from app.extensions import db
from app.models import Flag, FloorEntry, QuarantinedEntry, Student, User
from tests.e2e.browser_helpers import LiveServer
from tests.e2e.floor_browser_helpers import (
    DUMP_STORAGE,
    SYNC_TIMEOUT,
    expect_sent,
    open_floor,
    wait_for_service_worker,
)

# The real window, for the test of undo itself.
UNDO_MS = 10_000


@pytest.fixture
def staff(make_user: Callable[..., User]) -> User:
    return make_user(Role.MEDEWERKER, ("ZS",), name="Samira Vloer")


@pytest.fixture
def students(make_student: Callable[..., Student]) -> list[Student]:
    return [
        make_student("ZS", first_name="Lotte", last_name="Verhoeven", class_name="2B"),
        make_student("ZS", first_name="Amir", last_name="Haddou", class_name="3A"),
        make_student("ZS", first_name="Jesse", last_name="Kramer", class_name="1C"),
    ]


def stored_entries() -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count(FloorEntry.id))) or 0


def pending(page: Page) -> str:
    return page.locator("#pending-count").inner_text()


def test_one_tap_logs_a_contact(
    page: Page, live_server: LiveServer, staff: User, console_errors: list[str]
) -> None:
    open_floor(page, live_server, staff)
    page.get_by_role("button", name="Contact").click()  # the one tap
    expect(page.locator("#toast-text")).to_contain_text("Contact vastgelegd · aula")
    expect(page.locator("#today-list li")).to_have_count(1)
    expect_sent(page)
    assert stored_entries() == 1
    entry = db.session.scalar(select(FloorEntry))
    assert entry is not None and entry.kind == "contact" and entry.zone.name == "aula"
    assert entry.made_offline is False
    assert console_errors == []


@pytest.mark.parametrize("live_server_settings", [{"FLOOR_UNDO_MS": UNDO_MS}], ids=["10s"])
def test_undo_within_ten_seconds_sends_nothing(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    # The page's clock is Playwright's: the window is let run out at once, not waited for.
    page.clock.install()
    open_floor(page, live_server, staff)
    page.get_by_role("radio", name="kantine").click()
    page.get_by_role("button", name="Contact").click()
    page.get_by_role("button", name="Ongedaan maken").click()
    expect(page.locator("#toast-text")).to_have_text("Ongedaan gemaakt")
    expect(page.locator("#today-list li")).to_have_count(0)
    page.clock.run_for(UNDO_MS + 2_000)  # the window closed: every timer of the page has run
    page.wait_for_timeout(1_000)  # a send those timers started would have arrived by now
    assert stored_entries() == 0
    assert live_server.hits.get("POST /api/floor/entries", 0) == 0


def test_a_flag_on_a_named_student_takes_three_taps_and_two_letters(
    page: Page,
    live_server: LiveServer,
    staff: User,
    students: list[Student],
    console_errors: list[str],
) -> None:
    open_floor(page, live_server, staff)
    page.get_by_role("button", name="Vlag").click()  # tap 1
    search = page.get_by_label("Leerling (naam, klas of nummer)")
    expect(search).to_be_focused()
    page.keyboard.type("lo")  # two letters of the first name, matched on the server
    result = page.get_by_role("option", name=f"L.V. · 2B · {students[0].leerlingnummer}")
    result.click()  # tap 2
    page.get_by_role("button", name="opvolgen").click()  # tap 3: logs it
    expect(page.locator("#entry-sheet")).not_to_be_visible()
    expect(page.locator("#toast-text")).to_contain_text("Vlag vastgelegd")
    expect_sent(page)
    flag = db.session.scalar(select(Flag))
    assert flag is not None and flag.student_id == students[0].id and flag.flag_type == "opvolgen"
    # The screen shows initials and class, never the name.
    body = page.locator("body").inner_text()
    assert "Lotte" not in body and "Verhoeven" not in body
    assert console_errors == []


def test_sheet_refuses_missing_choices_with_a_message(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    open_floor(page, live_server, staff)
    page.get_by_role("button", name="Spanning").click()
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.locator("#sheet-error")).to_have_text("Kies de ernst.")
    page.get_by_role("button", name="hoog").click()
    page.get_by_label("Korte notitie (optioneel)").fill("duwen bij de trap")
    page.get_by_role("button", name="Vastleggen").click()
    expect(page.locator("#today-list li")).to_have_count(1)
    expect_sent(page)
    entry = db.session.scalar(select(FloorEntry))
    assert entry is not None and entry.severity == "hoog" and entry.note == "duwen bij de trap"


def test_time_can_be_set_back(page: Page, live_server: LiveServer, staff: User) -> None:
    open_floor(page, live_server, staff)
    page.get_by_role("radio", name="10 min").click()
    page.get_by_role("button", name="Contact").click()
    expect(page.get_by_role("radio", name="nu")).to_have_attribute("aria-checked", "true")
    # Listed as sent: the server has it ("0 pending" alone could mean not written yet).
    expect(page.locator("#today-list li")).to_have_count(1)
    expect_sent(page)
    entry = db.session.scalar(select(FloorEntry))
    assert entry is not None
    delay = (entry.received_at - entry.occurred_at).total_seconds()
    assert 9 * 60 < delay < 12 * 60


def log_mixed_entries(page: Page, count: int) -> None:
    """Log ``count`` entries cycling through every kind, the way a person taps them."""
    for n in range(count):
        kind = n % 6
        if kind == 0:
            page.get_by_role("button", name="Contact").click()
        elif kind == 1:
            page.get_by_role("button", name="Gesprek").click()
            page.get_by_role("button", name="schoolbinding").click()
            page.get_by_role("button", name="Vastleggen").click()
        elif kind == 2:
            page.get_by_role("button", name="Groep").click()
            page.get_by_role("button", name="Meer").click()
            page.get_by_role("button", name="Vastleggen").click()
        elif kind == 3:
            page.get_by_role("button", name="Spanning").click()
            page.get_by_role("button", name="middel").click()
            page.get_by_role("button", name="Vastleggen").click()
        elif kind == 4:
            page.get_by_role("button", name="De-escalatie").click()
            page.get_by_role("button", name="opgelost", exact=True).click()
            page.get_by_role("button", name="Vastleggen").click()
        else:
            page.get_by_role("button", name="Vlag").click()
            page.keyboard.type("3a")  # offline: matched in the on-device index by class
            page.get_by_role("option").first.click()
            page.get_by_role("button", name="zorg").click()
        expect(page.locator("#entry-sheet")).not_to_be_visible()


def test_offline_twenty_entries_survive_a_closed_page_and_arrive_once(
    context: BrowserContext,
    page: Page,
    live_server: LiveServer,
    staff: User,
    students: list[Student],
    console_errors: list[str],
) -> None:
    open_floor(page, live_server, staff)
    wait_for_service_worker(page)
    context.set_offline(True)
    page.reload()  # the shell now comes from the service worker
    page.wait_for_selector("body[data-ready=true]")
    expect(page.get_by_role("button", name="Contact")).to_be_visible()
    expect(page.locator("#sync-status")).to_have_attribute("data-state", "offline")

    log_mixed_entries(page, 20)
    expect(page.locator("#pending-count")).to_have_text("20")
    expect(page.locator("#today-list li")).to_have_count(20)
    page.close()

    reopened = context.new_page()
    reopened.goto(f"{live_server.url}/vloer/")  # still offline: from the service worker
    reopened.wait_for_selector("body[data-ready=true]")
    expect(reopened.locator("#pending-count")).to_have_text("20")
    assert stored_entries() == 0

    context.set_offline(False)
    reopened.evaluate("window.dispatchEvent(new Event('online'))")
    expect(reopened.locator("#pending-count")).to_have_text("0", timeout=SYNC_TIMEOUT)
    assert stored_entries() == 20
    db.session.expire_all()
    uuids = db.session.scalars(select(FloorEntry.uuid)).all()
    assert len(set(uuids)) == 20
    kinds = db.session.scalars(select(FloorEntry.kind)).all()
    assert {str(k) for k in kinds} == {
        "contact",
        "gesprek",
        "groep",
        "spanning",
        "deescalatie",
        "vlag",
    }
    assert all(db.session.scalars(select(FloorEntry.made_offline)).all())
    assert db.session.scalar(select(func.count(Flag.id))) == 3
    assert live_server.hits.get("POST /api/floor/entries", 0) >= 1
    expect(reopened.locator('#today-list li[data-state="sent"]')).to_have_count(20)


def test_entries_wait_through_an_expired_session_and_are_sent_after_login(
    context: BrowserContext, page: Page, live_server: LiveServer, staff: User
) -> None:
    open_floor(page, live_server, staff)
    wait_for_service_worker(page)
    context.set_offline(True)
    page.get_by_role("button", name="Contact").click()
    page.get_by_role("button", name="Contact").click()
    context.clear_cookies()  # the session expired while the phone was offline
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#login-banner")).to_be_visible(timeout=SYNC_TIMEOUT)
    expect(page.locator("#pending-count")).to_have_text("2")
    assert stored_entries() == 0
    page.get_by_role("link", name="Opnieuw inloggen").click()
    page.get_by_label("E-mailadres").fill(staff.email)
    page.get_by_label("Wachtwoord").fill("correct-horse-battery")
    page.get_by_role("button", name="Inloggen").click()
    expect(page).to_have_url(f"{live_server.url}/vloer/")
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator("#pending-count")).to_have_text("0", timeout=SYNC_TIMEOUT)
    assert stored_entries() == 2


def log_a_talk_with_amir(
    page: Page, live_server: LiveServer, staff: User, students: list[Student]
) -> None:
    """A Gesprek about motivatie with Amir Haddou (A.H. · 3A), chosen by searching "amir"."""
    open_floor(page, live_server, staff)
    page.get_by_role("button", name="Gesprek").click()
    page.keyboard.type("amir")
    page.get_by_role("option", name=f"A.H. · 3A · {students[1].leerlingnummer}").click()
    page.get_by_role("button", name="motivatie").click()
    page.get_by_role("button", name="Vastleggen").click()


def test_names_are_masked_and_revealed_only_on_a_tap(
    page: Page, live_server: LiveServer, staff: User, students: list[Student]
) -> None:
    log_a_talk_with_amir(page, live_server, staff, students)
    token = page.locator("#today-list .token").first
    expect(token).to_have_text("A.H. 3A")
    assert "Haddou" not in page.locator("body").inner_text()
    token.click()
    expect(token).to_have_text("Amir Haddou")
    expect(token).to_have_text("A.H. 3A", timeout=8_000)


def test_a_revealed_name_outlives_a_redraw_of_the_list(
    page: Page, live_server: LiveServer, staff: User, students: list[Student]
) -> None:
    """Today's list is drawn anew when a sync ends or the phone comes online: a name tapped just
    before stays shown for its moment, and is masked again after it (not a new row masked at
    once, which read as "the tap did nothing")."""
    log_a_talk_with_amir(page, live_server, staff, students)
    expect_sent(page)
    token = page.locator("#today-list .token").first
    token.click()
    expect(token).to_have_text("Amir Haddou")
    drawn_before = token.element_handle()
    page.evaluate("window.dispatchEvent(new Event('online'))")  # the list is drawn again
    page.wait_for_function("button => !button.isConnected", arg=drawn_before)
    expect(token).to_have_text("Amir Haddou")
    expect(token).to_have_text("A.H. 3A", timeout=8_000)


def test_screen_blurs_when_hidden_and_a_tap_brings_it_back(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    open_floor(page, live_server, staff)
    shield = page.locator("#privacy-shield")
    expect(shield).to_be_hidden()
    page.evaluate(
        """() => {
          Object.defineProperty(document, 'visibilityState', {value: 'hidden', configurable: true});
          document.dispatchEvent(new Event('visibilitychange'));
        }"""
    )
    expect(shield).to_be_visible()
    assert "shielded" in (page.locator("body").get_attribute("class") or "")
    page.get_by_role("button", name="Scherm afgeschermd — tik om verder te gaan").click()
    expect(shield).to_be_hidden()
    # The tap that lifted the shield logged nothing.
    expect(page.locator("#today-list li")).to_have_count(0)


def test_screen_blurs_after_a_minute_without_input(
    page: Page, live_server: LiveServer, staff: User
) -> None:
    page.clock.install()
    open_floor(page, live_server, staff)
    page.clock.run_for(61_000)
    expect(page.locator("#privacy-shield")).to_be_visible()


def test_after_sync_no_name_is_stored_on_the_phone(
    page: Page, live_server: LiveServer, staff: User, students: list[Student]
) -> None:
    open_floor(page, live_server, staff)
    wait_for_service_worker(page)
    page.get_by_role("button", name="Vlag").click()
    page.keyboard.type("lotte")
    page.get_by_role("option").first.click()
    page.get_by_role("button", name="zorg").click()
    expect(page.locator("#today-list li")).to_have_count(1)
    page.locator("#today-list .token").first.click()  # reveal once: still nothing stored
    expect_sent(page)
    stored = page.evaluate(DUMP_STORAGE)
    assert "/vloer/" in stored and "students" in stored
    assert students[0].leerlingnummer in stored  # the minimal index is there ...
    for student in students:  # ... but no name, anywhere
        assert student.first_name not in stored
        assert student.last_name not in stored


def test_logout_clears_the_student_index(
    page: Page, live_server: LiveServer, staff: User, students: list[Student]
) -> None:
    open_floor(page, live_server, staff)
    page.get_by_role("button", name="Menu").click()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()
    stored = page.evaluate(DUMP_STORAGE)
    assert students[0].leerlingnummer not in stored


def test_a_logout_before_the_script_ran_still_clears_the_student_index(
    page: Page, live_server: LiveServer, staff: User, students: list[Student]
) -> None:
    """form.submit() skips the submit handler, as a tap before app.js ran does: the login
    page it lands on clears the device."""
    open_floor(page, live_server, staff)
    assert students[0].leerlingnummer in page.evaluate(DUMP_STORAGE)
    page.goto(f"{live_server.url}/account/")  # a page with the menu's logout form
    page.evaluate("document.querySelector('form[data-logout]').submit()")
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()
    deadline = time.monotonic() + 10
    while students[0].leerlingnummer in page.evaluate(DUMP_STORAGE):
        assert time.monotonic() < deadline, "the login page left the student index"
        page.wait_for_timeout(100)


def test_climate_check_offline_one_tap_per_zone(
    context: BrowserContext,
    page: Page,
    live_server: LiveServer,
    staff: User,
    console_errors: list[str],
) -> None:
    from app.models import ClimateCheck

    open_floor(page, live_server, staff)
    wait_for_service_worker(page)
    context.set_offline(True)
    page.get_by_role("radio", name="kantine").click()
    page.get_by_role("button", name="Contact").click()
    page.get_by_role("button", name="Klimaatcheck").click()
    kantine = page.get_by_role("group", name="kantine")
    kantine.get_by_role("button", name="onrustig").click()  # one tap
    kantine.get_by_role("button", name="wisselend").click()  # a second tap replaces it
    expect(kantine.get_by_role("button", name="wisselend")).to_have_attribute(
        "aria-pressed", "true"
    )
    page.get_by_role("button", name="Alle zones tonen").click()
    page.get_by_role("group", name="aula").get_by_role("button", name="rustig", exact=True).click()
    page.locator("#climate-sheet [data-close]").click()
    expect(page.locator("#pending-count")).to_have_text("3")  # the contact and two checks
    context.set_offline(False)
    page.evaluate("window.dispatchEvent(new Event('online'))")
    expect(page.locator("#pending-count")).to_have_text("0", timeout=SYNC_TIMEOUT)
    db.session.expire_all()
    stored = {c.zone.name: c.rating for c in db.session.scalars(select(ClimateCheck))}
    assert stored == {"kantine": "wisselend", "aula": "rustig"}
    assert console_errors == []


def queued_count(page: Page) -> int:
    return int(page.locator("#pending-count").inner_text() or "0")


def test_an_incomplete_flag_is_refused_on_the_phone(
    page: Page,
    live_server: LiveServer,
    staff: User,
    students: list[Student],
    console_errors: list[str],
) -> None:
    """A flag needs a student and a kind (the server's definition, handed over by the page):
    the sheet has no save button for it, and even a forced save is refused with a message."""
    open_floor(page, live_server, staff)
    page.get_by_role("button", name="Vlag").click()
    expect(page.get_by_role("button", name="Vastleggen")).to_be_hidden()
    page.get_by_role("button", name="zorg").click()  # a kind, but no student yet
    expect(page.locator("#sheet-error")).to_have_text("Kies eerst een leerling.")
    page.get_by_label("Leerling (naam, klas of nummer)").click()
    page.keyboard.type("lo")
    page.get_by_role("option", name=f"L.V. · 2B · {students[0].leerlingnummer}").click()
    # The hidden save button, pressed anyway (as an old page once let it be): no kind, no flag.
    page.locator("#save-button").dispatch_event("click")
    expect(page.locator("#sheet-error")).to_have_text("Kies de soort vlag.")
    expect(page.locator("#entry-sheet")).to_be_visible()
    expect(page.locator("#today-list li")).to_have_count(0)
    assert queued_count(page) == 0
    page.get_by_role("button", name="opvolgen").click()  # now complete: logged
    expect(page.locator("#entry-sheet")).not_to_be_visible()
    expect(page.locator("#today-list li")).to_have_count(1)
    expect_sent(page)
    flag = db.session.scalar(select(Flag))
    assert flag is not None and flag.flag_type == "opvolgen"
    assert db.session.scalar(select(func.count(QuarantinedEntry.id))) == 0
    assert console_errors == []


def test_an_entry_the_server_quarantines_stays_visible_until_the_desk_saw_it(
    page: Page,
    live_server: LiveServer,
    staff: User,
    students: list[Student],
    console_errors: list[str],
) -> None:
    open_floor(page, live_server, staff)
    page.get_by_role("button", name="Vlag").click()
    page.keyboard.type("lo")
    page.get_by_role("option", name=f"L.V. · 2B · {students[0].leerlingnummer}").click()
    # The student leaves the school while the flag is on its way: the server keeps it aside.
    students[0].active = False
    db.session.commit()
    page.get_by_role("button", name="zorg").click()
    page.get_by_role("button", name="Contact").click()
    expect(page.locator("#today-list li")).to_have_count(2)
    expect_sent(page)  # the contact; the flag was kept by the server
    kept = page.locator('#today-list li[data-state="quarantined"]')
    expect(kept).to_have_count(1)
    expect(kept).to_contain_text("Vlag")
    expect(kept.locator(".state")).to_have_text("niet verwerkt — zie bureau")
    expect(kept.locator(".reason")).to_have_text(
        f"leerling {students[0].leerlingnummer} staat niet meer ingeschreven"
    )
    expect(page.locator('#today-list li[data-state="sent"]')).to_have_count(1)

    page.reload()  # the server's list, not this visit's memory
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator('#today-list li[data-state="quarantined"]')).to_have_count(1)

    item = db.session.scalar(select(QuarantinedEntry))
    assert item is not None
    resolve_quarantined(staff, item, "vlag met de hand gezet")
    db.session.commit()
    page.reload()
    page.wait_for_selector("body[data-ready=true]")
    expect(page.locator('#today-list li[data-state="quarantined"]')).to_have_count(0)
    expect(page.locator("#today-list li")).to_have_count(1)
    assert console_errors == []
