"""The school day as its users live it (issue 21), in a real Chromium: a medewerker lands on
the floor on a phone and at the desk on a laptop, and goes from one to the other by the menus."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from datetime import date, time, timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, expect
from sqlalchemy import select

from app.absence.importer import import_absence
from app.core.calendar_store import load_calendar
from app.core.localtime import local_today
from app.core.vocabulary import Role
from app.desk.visits.services import plan_visit
from app.extensions import db
from app.models import EntryTriage, Location, Student, User
from tests.absence_helpers import magister_csv, magister_day, school_calendar
from tests.desk_helpers import floor_item, log_floor
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


@pytest.fixture
def laptop(browser: Browser) -> Iterator[Page]:
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL", user_agent=LAPTOP_AGENT)
    try:
        yield context.new_page()
    finally:
        context.close()


def test_a_report_from_the_inbox_leads_back_to_the_report(
    laptop: Page,
    live_server: LiveServer,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS", first_name="Lotte", last_name="Verhoeven")
    log_floor(
        staff,
        floor_item(
            locations["ZS"],
            "gesprek",
            topic="gedrag",
            students=(student.leerlingnummer,),
            note="ruzie bij de kluisjes",
        ),
    )
    page = laptop
    sign_in(page, live_server.url, staff.email)
    confirm_screened_place(page)
    page.get_by_role("link", name="Verslag").first.click()
    page.get_by_label("Wat is er besproken").fill("Lotte vertelde over de ruzie.")
    page.get_by_role("button", name="Verslag opslaan").click()
    expect(page.get_by_text("Gespreksverslag opgeslagen.")).to_be_visible()
    notice = page.locator("#net-verwerkt")
    expect(notice).to_be_visible()
    shoot(page, "inbox-handled-laptop")
    notice.get_by_role("link", name="bekijk het gespreksverslag").click()
    expect(page.locator("dd", has_text="Lotte vertelde over de ruzie.")).to_be_visible()


def test_a_planned_visit_is_changed(
    laptop: Page,
    live_server: LiveServer,
    staff: User,
    make_student: Callable[..., Student],
) -> None:
    visit, _ = plan_visit(
        staff,
        make_student("ZS"),
        planned_on=local_today() + timedelta(days=2),
        planned_time=time(15, 30),
        staff_one=staff,
        staff_two=None,
        companion="",
        mixed_pair=False,
        reason="kennismaken",
    )
    db.session.commit()
    page = laptop
    sign_in(page, live_server.url, staff.email)
    confirm_screened_place(page)
    page.goto(f"{live_server.url}/bureau/huisbezoeken/{visit.id}")
    page.get_by_role("link", name="Wijzigen").click()
    expect(page.get_by_label("Reden van het bezoek")).to_have_value("kennismaken")
    page.get_by_label("Reden van het bezoek").fill("moeder kan pas later")
    page.get_by_label("Tijd").fill("16:00")
    shoot(page, "visit-edit-laptop")
    page.get_by_role("button", name="Wijzigingen opslaan").click()
    expect(page.get_by_text("Huisbezoek gewijzigd.")).to_be_visible()
    expect(page.get_by_text("moeder kan pas later")).to_be_visible()
    expect(page.get_by_text("16:00")).to_be_visible()


def test_a_flag_stays_open_after_a_case_until_its_report(
    laptop: Page,
    live_server: LiveServer,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    sem = make_student("ZS", first_name="Sem", last_name="Bos")
    log_floor(
        staff,
        floor_item(
            locations["ZS"],
            "vlag",
            zone="kantine",
            flag_type="zorg",
            students=(sem.leerlingnummer,),
            note="zat alleen",
        ),
    )
    page = laptop
    sign_in(page, live_server.url, staff.email)
    confirm_screened_place(page)
    page.get_by_role("link", name="Nieuwe casus").click()
    expect(page.get_by_label("Aanleiding")).to_have_value(
        re.compile(r"^Vlag \(zorg\) in kantine op \d\d-\d\d om \d\d:\d\d: zat alleen$")
    )
    page.get_by_role("button", name="Casus openen").click()
    expect(page.get_by_text("Casus geopend voor Sem Bos.")).to_be_visible()
    page.get_by_role("navigation", name="Bureau").get_by_role("link", name="Inbox").click()
    item = page.locator(".inbox-item").first
    expect(item.get_by_text("Open vlag: zorg")).to_be_visible()
    shoot(page, "inbox-flag-with-case-laptop")
    item.get_by_role("link", name="Verslag").click()
    page.get_by_label("welbevinden").check()
    page.get_by_label("Wat is er besproken").fill("Sem voelt zich buitengesloten.")
    page.get_by_role("button", name="Verslag opslaan").click()
    expect(page.locator("#net-verwerkt")).to_contain_text("bekijk het gespreksverslag")
    expect(page.get_by_text("Alles is verwerkt. Goed gedaan.")).to_be_visible()


def test_a_long_absence_reads_as_one_card_with_one_melding(
    page: Page,
    browser: Browser,
    live_server: LiveServer,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
) -> None:
    school_calendar()
    make_student("ZS", leerlingnummer="400001", first_name="Lang", last_name="Weg")
    calendar = load_calendar()
    days, day = [], date(2026, 9, 14)
    while len(days) < 46:
        if calendar.is_school_day(day):
            days.append(day)
        day += timedelta(days=1)
    rows = [row for day in days for row in magister_day("400001", day)]
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=days[-1])
    db.session.commit()
    teamleider = make_user(Role.TEAMLEIDER, ("ZS",))
    sign_in(page, live_server.url, teamleider.email)
    page.goto(f"{live_server.url}/verzuim/")
    card = page.locator(".signal-card")
    expect(card).to_have_count(1)
    expect(card.locator(".rule-16uur")).to_have_count(1)
    expect(card).to_contain_text("vervolgmeldingen dit schooljaar")
    expect(card).to_contain_text("DUO-termijn verstreken")
    expect(card).not_to_contain_text("23e melding")
    shoot(page, "signals-phone")
    context = browser.new_context(viewport=LAPTOP, locale="nl-NL", user_agent=LAPTOP_AGENT)
    try:
        laptop = context.new_page()
        sign_in(laptop, live_server.url, teamleider.email)
        laptop.goto(f"{live_server.url}/verzuim/")
        expect(laptop.locator(".signal-card")).to_have_count(1)
        shoot(laptop, "signals-laptop")
        laptop.get_by_role("link", name="Weg, Lang").click()
        expect(laptop.locator(".absence-chart rect.bar")).to_have_count(4)
        shoot(laptop, "student-chart-laptop")
    finally:
        context.close()
    assert not console_errors


def test_the_last_entrys_action_is_clicked_at_the_bottom_of_the_window(
    browser: Browser,
    live_server: LiveServer,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    """Clicking a button of an entry at the bottom of a 1366×768 window: the click arrives (it
    was lost when focusing the entry scrolled the page between mousedown and mouseup)."""
    students = [make_student("ZS", last_name=f"Leerling{i:02d}") for i in range(12)]
    log_floor(
        staff,
        *(
            floor_item(locations["ZS"], "gesprek", topic="gedrag", students=(s.leerlingnummer,))
            for s in students
        ),
    )
    context = browser.new_context(
        viewport={"width": 1366, "height": 768}, locale="nl-NL", user_agent=LAPTOP_AGENT
    )
    try:
        page = context.new_page()
        sign_in(page, live_server.url, staff.email)
        confirm_screened_place(page)
        last = page.locator(".inbox-item").last
        button = last.get_by_role("button", name="Rapportage")
        # Bring the button to the very bottom of the window, then click it with the mouse.
        button.evaluate("b => b.scrollIntoView({block: 'end'})")
        before = page.evaluate("() => window.scrollY")
        box = button.bounding_box()
        assert box is not None and box["y"] + box["height"] > 768 - 80
        page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
        page.wait_for_load_state("networkidle")
        expect(page.get_by_text("Gemarkeerd voor de rapportage")).to_be_visible()
        assert before > 0
    finally:
        context.close()
    db.session.expire_all()
    marked = db.session.scalars(select(EntryTriage).where(EntryTriage.for_report.is_(True)))
    assert len(list(marked)) == 1


def test_the_inbox_counts_nameless_moments_and_shows_a_shared_tension_once(
    laptop: Page,
    live_server: LiveServer,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    zs = locations["ZS"]
    bram = make_student("ZS", first_name="Bram", last_name="Aalders")
    cem = make_student("ZS", first_name="Cem", last_name="Bakir")
    log_floor(
        staff,
        floor_item(
            zs,
            "spanning",
            zone="gang",
            severity="middel",
            students=(bram.leerlingnummer, cem.leerlingnummer),
            note="duwen bij de kluisjes",
        ),
        *(floor_item(zs, "contact", zone="aula") for _ in range(5)),
        floor_item(zs, "groep", zone="kantine", head_count=7),
    )
    page = laptop
    sign_in(page, live_server.url, staff.email)
    confirm_screened_place(page)
    expect(page.locator("[data-statistics]")).to_contain_text(
        "5 contacten, 1 groepsmoment (7 leerlingen)"
    )
    expect(page.locator(".inbox-item")).to_have_count(1)
    expect(page.get_by_text("duwen bij de kluisjes")).to_have_count(1)
    shoot(page, "inbox-counts-laptop")
    page.set_viewport_size({"width": 390, "height": 844})
    shoot(page, "inbox-counts-phone")
