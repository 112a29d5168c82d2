"""Safeguarding at the desk in real Chromium at 1366×768: a medewerker records a Meldcode
signal from the student page; the aandachtsfunctionaris works the traject (steps, the two
decisions, the melding at Veilig Thuis, a colleague added by name); the team leader sees only
that a traject exists; a de-escalation becomes an incident with roles; a referral with its
calendar file; in Dutch and English."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.core.localtime import local_today
from app.core.vocabulary import Role
from app.desk.referrals.services import ensure_default_partners
from app.extensions import db
from app.floor.services import accept_entries
from app.models import Incident, MeldcodeRecord, MeldcodeTraject, Referral, Student, User
from tests.e2e.browser_helpers import LAPTOP_AGENT, LiveServer, sign_in
from tests.floor_helpers import entry

SHOTS = Path("/tmp/schoolfit-shots")
DESK = {"width": 1366, "height": 768}


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    return {
        **browser_context_args,
        "viewport": DESK,
        "is_mobile": False,
        "user_agent": LAPTOP_AGENT,
        "has_touch": False,
        "device_scale_factor": 1,
        "accept_downloads": True,
    }


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()


def screened(page: Page) -> None:
    if "/afgeschermd" in page.url:
        page.get_by_label("Ik zit op een afgeschermde plek").check()
        page.get_by_role("button", name="Verder naar het bureau").click()
        page.wait_for_url(lambda url: "/afgeschermd" not in url)


def test_a_meldcode_traject_from_signal_to_melding(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
) -> None:
    SHOTS.mkdir(exist_ok=True)
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Bakker")
    leader = make_user(Role.TEAMLEIDER, ("ZS",), name="Peter de Vries")
    make_user(Role.AANDACHTSFUNCTIONARIS, ("ZS",), name="Karin Bosman")
    coordinator = db.session.scalars(select(User).where(User.name == "Karin Bosman")).one()
    student = make_student("ZS", first_name="Lotte", last_name="Verhoeven", class_name="2B")
    base = live_server.url

    # The medewerker records a signal from the student page.
    sign_in(page, base, staff.email)
    page.goto(f"{base}/leerlingen/{student.leerlingnummer}")
    page.get_by_role("link", name="Meldcode-signaal vastleggen").click()
    screened(page)
    page.get_by_label("Wat heb je gezien of gehoord?").fill(
        "Blauwe plekken op de bovenarm; zegt dat het thuis weer ruzie was."
    )
    page.get_by_role("button", name="Signaal vastleggen").click()
    expect(page.get_by_role("heading", name="Meldcode-traject: Lotte Verhoeven")).to_be_visible()
    sign_out(page)

    # The team leader: only that a traject exists, and whom to ask.
    sign_in(page, base, leader.email)
    page.goto(f"{base}/leerlingen/{student.leerlingnummer}")
    expect(page.get_by_text("Er loopt een Meldcode-traject. Vraag Karin Bosman")).to_be_visible()
    assert "bovenarm" not in page.content()
    sign_out(page)

    # The aandachtsfunctionaris works the traject.
    sign_in(page, base, coordinator.email)
    page.goto(f"{base}/meldingen/")
    page.get_by_role("link", name="Nieuw Meldcode-signaal · ZS").click()  # the alert
    page.get_by_role("link", name="Naar het Meldcode-traject").click()
    screened(page)
    expect(page.get_by_text("bovenarm")).to_be_visible()
    form = page.locator("form.meldcode-step-form")
    form.get_by_label("2. Collegiale consultatie en zo nodig Veilig Thuis raadplegen").check()
    form.get_by_label("Wie waren erbij (namen en functies)").fill("Anouk Jansen (COPA)")
    form.get_by_label("Wat is gezien, gezegd of gewogen").fill("Advies: gesprek met moeder.")
    form.get_by_role("button", name="Stap vastleggen").click()
    expect(page.get_by_text("Stap vastgelegd.")).to_be_visible()
    form = page.locator("form.meldcode-step-form")
    form.get_by_label("5. Beslissen: hulp organiseren en/of melden").check()
    form.get_by_label("Wat is gezien, gezegd of gewogen").fill("Afgewogen met het kader.")
    form.get_by_role("button", name="Stap vastleggen").click()
    expect(page.get_by_text("Beantwoord bij stap 5 beide vragen")).to_be_visible()  # explicit
    form = page.locator("form.meldcode-step-form")
    form.get_by_label("5. Beslissen: hulp organiseren en/of melden").check()
    form.get_by_label("Wat is gezien, gezegd of gewogen").fill("Afgewogen met het kader.")
    decisions = form.locator("fieldset.afwegingskader")
    decisions.locator("fieldset").nth(0).get_by_label("ja").check()
    decisions.locator("fieldset").nth(1).get_by_label("ja").check()
    form.get_by_role("button", name="Stap vastleggen").click()
    expect(page.get_by_text("Stap vastgelegd.")).to_be_visible()
    page.get_by_label("Datum van de melding").fill(local_today().isoformat())
    page.get_by_label("Kenmerk van Veilig Thuis").fill("VT-2026-0042")
    page.get_by_role("button", name="Melding vastleggen").click()
    expect(page.get_by_text("kenmerk VT-2026-0042")).to_be_visible()
    page.get_by_label("Collega").select_option(label="Peter de Vries (Teamleider)")
    page.get_by_role("button", name="Toevoegen").click()
    expect(page.get_by_text("Collega toegevoegd")).to_be_visible()
    page.screenshot(path=str(SHOTS / "meldcode-traject-desk.png"), full_page=True)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("heading", name="The five steps")).to_be_visible()
    page.screenshot(path=str(SHOTS / "meldcode-traject-desk-en.png"), full_page=True)

    traject = db.session.scalars(select(MeldcodeTraject)).one()
    db.session.refresh(traject)
    assert traject.report_reference == "VT-2026-0042"
    records = db.session.scalars(select(MeldcodeRecord).order_by(MeldcodeRecord.id)).all()
    assert [(r.step, r.report_needed, r.help_possible) for r in records] == [
        ("consultatie", None, None),
        ("beslissen", "ja", "ja"),
    ]
    assert console_errors == []


def test_an_incident_and_a_referral_at_the_desk(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
) -> None:
    SHOTS.mkdir(exist_ok=True)
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Bakker")
    student = make_student("ZS", first_name="Lotte", last_name="Verhoeven", class_name="2B")
    other = make_student("ZS", first_name="Amir", last_name="Haddou", class_name="3A")
    ensure_default_partners()
    accept_entries(
        staff,
        [
            entry(
                student.location,
                "deescalatie",
                zone="kantine",
                outcome="deels",
                students=[student.leerlingnummer, other.leerlingnummer],
                note="duwen in de rij bij de kassa",
            )
        ],
    )
    db.session.commit()
    base = live_server.url
    sign_in(page, base, staff.email)
    page.goto(f"{base}/bureau/")
    screened(page)
    page.get_by_role("link", name="Incident", exact=True).first.click()
    expect(page.get_by_label("Wat is er gebeurd")).to_have_value("duwen in de rij bij de kassa")
    page.get_by_label("Wat voor incident").select_option("fysiek_geweld")
    lotte_row = (
        0
        if page.locator("#involved-0-leerlingnummer").input_value() == (student.leerlingnummer)
        else 1
    )
    page.locator(f"#involved-{lotte_row}-role").select_option("slachtoffer")
    page.locator(f"#involved-{1 - lotte_row}-role").select_option("dader")
    page.screenshot(path=str(SHOTS / "incident-form-desk.png"), full_page=True)
    page.get_by_role("button", name="Incident registreren").click()
    expect(page.get_by_text("Incident geregistreerd.")).to_be_visible()
    expect(page.locator("main li", has_text="slachtoffer")).to_contain_text("Lotte Verhoeven")
    incident = db.session.scalars(select(Incident)).one()
    assert {i.role for i in incident.involved} == {"slachtoffer", "dader"}

    # A referral from the student page, then its calendar file.
    page.goto(f"{base}/leerlingen/{student.leerlingnummer}")
    page.get_by_role("link", name="Verwijzing", exact=True).click()
    page.get_by_label("Ketenpartner").select_option(label="Schoolmaatschappelijk werk")
    page.get_by_label("Contactpersoon bij de partner").fill("Fatma Yilmaz")
    page.get_by_label("Reden van de verwijzing").fill("Somber na het incident in de kantine.")
    page.get_by_label("ouders en leerling").check()
    page.get_by_label("Terugkoppeling verwacht uiterlijk").fill(local_today().isoformat())
    page.get_by_role("button", name="Verwijzing vastleggen").click()
    expect(page.get_by_text("Verwijzing vastgelegd.")).to_be_visible()
    with page.expect_download() as download:
        page.get_by_role("link", name="in mijn agenda (.ics)").click()
    text = Path(download.value.path()).read_text(encoding="utf-8")
    assert "L.V. · 2B" in text and "Verhoeven" not in text
    page.goto(f"{base}/bureau/verwijzingen")
    expect(page.get_by_role("link", name="Lotte Verhoeven")).to_be_visible()
    page.screenshot(path=str(SHOTS / "referrals-desk.png"), full_page=True)
    page.goto(f"{base}/bureau/openstaand")
    expect(page.get_by_text("Verwijzingen: wacht op terugkoppeling")).to_be_visible()
    page.screenshot(path=str(SHOTS / "outstanding-desk.png"), full_page=True)
    assert db.session.scalars(select(Referral)).one().contact_person == "Fatma Yilmaz"
    assert console_errors == []
