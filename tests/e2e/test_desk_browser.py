"""Desk mode in a real Chromium at a laptop viewport: a morning flag → the inbox → a case →
a parent call with two attempts → a handover → COPA accepts → COPA's list and chronology."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import time

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import select

from app.core.vocabulary import CaseStatus, Role
from app.extensions import db
from app.floor.services import accept_entries
from app.models import Casus, HandoverSlot, Location, Student, User
from tests.desk_helpers import report_input
from tests.e2e.browser_helpers import LAPTOP, LAPTOP_AGENT, LiveServer, sign_in
from tests.floor_helpers import entry


@pytest.fixture
def browser_context_args(browser_context_args: dict) -> dict:
    """A laptop at the desk, not a phone on the floor."""
    return {
        **browser_context_args,
        "viewport": LAPTOP,
        "is_mobile": False,
        "user_agent": LAPTOP_AGENT,
        "has_touch": False,
        "device_scale_factor": 1,
    }


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()


def confirm_screened_place(page: Page) -> None:
    expect(page.get_by_role("heading", name="Zit je op een afgeschermde plek?")).to_be_visible()
    page.get_by_label("Ik zit op een afgeschermde plek").check()
    page.get_by_role("button", name="Verder naar het bureau").click()
    # The desk page it leads to is ready when its script has set up the buttons: a click
    # before that would go unheard (the copy test failed that way under load).
    page.wait_for_url(lambda url: "/afgeschermd" not in url)
    page.wait_for_selector("body[data-desk-ready=true]")


def test_morning_flag_to_copa(
    page: Page,
    live_server: LiveServer,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Bureau")
    teamleider = make_user(Role.TEAMLEIDER, ("ZS",), name="Peter Teamleider")
    copa = make_user(Role.COPA, ("ZS",), name="Anouk Copa")
    student = make_student("ZS", first_name="Lotte", last_name="Verhoeven", class_name="2B")
    zs = locations["ZS"]
    db.session.add(
        HandoverSlot(
            location_id=zs.id, weekday=1, starts_at=time(13, 0), place="kamer COPA", active=True
        )
    )
    db.session.commit()
    # This morning on the floor: a flag on Lotte, the way the phone sends it.
    accept_entries(
        staff,
        [
            entry(
                zs,
                "vlag",
                zone="kantine",
                minutes_ago=2,
                students=[student.leerlingnummer],
                flag_type="zorg",
                note="zat alleen en huilde in de kantine",
            )
        ],
    )
    db.session.commit()

    # --- the staff member at the desk --------------------------------------------------------
    sign_in(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/bureau/")
    confirm_screened_place(page)
    expect(page.get_by_role("heading", name="Inbox van vandaag")).to_be_visible()
    expect(page.get_by_text("zat alleen en huilde in de kantine")).to_be_visible()
    expect(page.get_by_role("heading", name="Lotte Verhoeven")).to_be_visible()
    # Fast with the keyboard: next entry, then "c" for a new case.
    page.keyboard.press("j")
    expect(page.locator(".inbox-item.is-current")).to_have_count(1)
    page.keyboard.press("c")
    expect(page.get_by_role("heading", name="Nieuwe casus voor Lotte Verhoeven")).to_be_visible()
    expect(page.get_by_label("Aanleiding")).to_have_value(
        re.compile(r"^Vlag \(zorg\) in kantine op .*: zat alleen en huilde in de kantine$")
    )
    page.get_by_label("Begint als").select_option("preventief")
    page.get_by_label("Teamleider").select_option(label="Peter Teamleider")
    page.get_by_role("button", name="Casus openen").click()
    expect(page.get_by_text("Casus geopend voor Lotte Verhoeven.")).to_be_visible()
    case = db.session.scalar(select(Casus))
    assert case is not None and case.status == CaseStatus.PREVENTIEF

    # A parent call with two attempts.
    page.get_by_role("link", name="Oudercontact", exact=True).click()
    page.get_by_label("Waarover").fill("zorgen over Lotte, hoe gaat het thuis?")
    page.get_by_label("Tolk nodig").check()
    page.get_by_label("Taal").fill("Arabisch")
    page.get_by_role("button", name="Oudercontact plannen").click()
    expect(page.get_by_text("Oudercontact gepland.")).to_be_visible()
    page.get_by_label("geen gehoor").check()
    page.get_by_role("button", name="Poging vastleggen").click()
    expect(page.get_by_text("Poging vastgelegd.")).to_be_visible()
    page.get_by_label("gesproken", exact=True).check()
    page.get_by_label("Notitie").fill("Moeder gesproken met tolk; thuis is er veel spanning.")
    page.get_by_role("button", name="Poging vastleggen").click()
    expect(page.get_by_text("Gesproken: oudercontact afgerond.")).to_be_visible()
    expect(page.locator(".timeline-item")).to_have_count(2)

    # The handover to COPA, prefilled from the chronology.
    page.get_by_role("link", name="naar de casus").click()
    page.get_by_role("link", name="Overdracht naar COPA").click()
    expect(page.get_by_label("Wat SchoolFit heeft gedaan")).to_contain_text(
        "Oudercontact: 2 belpogingen, 1 keer gesproken, tolk nodig (Arabisch)."
    )
    page.get_by_label("complexe problematiek").check()
    page.get_by_label("Hulpvragen", exact=True).fill("Spanningen thuis; somberheid.")
    page.get_by_label("Voorgestelde vervolgstap").fill("Bespreken in het zorgoverleg.")
    page.get_by_role("button", name="Overdracht indienen").click()
    expect(page.get_by_text("Overdracht ingediend bij COPA.")).to_be_visible()
    expect(page.locator(".lvs-text")).to_contain_text("Categorie: Overdracht naar COPA")
    sign_out(page)

    # --- COPA ----------------------------------------------------------------------------
    sign_in(page, live_server.url, copa.email)
    page.goto(f"{live_server.url}/bureau/casussen")
    confirm_screened_place(page)
    expect(page.get_by_role("heading", name="Overdrachten die wachten op COPA")).to_be_visible()
    page.get_by_role("link", name="Lotte Verhoeven").first.click()
    expect(page.locator("dl.handover")).to_contain_text("Spanningen thuis; somberheid.")
    page.get_by_label("Toelichting (optioneel)").fill("Dinsdag in het overleg.")
    page.get_by_role("button", name="Accepteren").click()
    expect(page.get_by_text("Overdracht geaccepteerd; de casus staat nu bij COPA.")).to_be_visible()
    # The whole chronology: flag, case opened, the call and both attempts, the handover.
    timeline = page.locator(".timeline")
    for text in (
        "Vlag: zorg (kantine)",
        "Casus geopend als preventief",
        "Oudercontact gepland",
        "Belpoging: geen gehoor",
        "Belpoging: gesproken",
        "Overdracht naar COPA ingediend",
        "Overdracht geaccepteerd door COPA",
        "Status preventief → overgedragen aan COPA",
    ):
        expect(timeline).to_contain_text(text)
    page.get_by_role("link", name="Casussen", exact=True).first.click()
    row = page.locator("table.cases tbody tr", has_text="Verhoeven, Lotte")
    expect(row).to_contain_text("overgedragen aan COPA")
    expect(row).to_contain_text("Samira Bureau")
    db.session.expire_all()
    assert db.session.get(Casus, case.id).status == CaseStatus.OVERGEDRAGEN_COPA
    assert teamleider.id == db.session.get(Casus, case.id).teamleider_id
    assert console_errors == []


def test_copy_for_lvs_button(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
) -> None:
    from app.desk.conversations.services import create_report
    from app.models import AuditEvent

    staff = make_user(Role.MEDEWERKER, ("ZS",))
    student = make_student("ZS")
    report = create_report(
        staff,
        student,
        report_input(
            topics=["motivatie"],
            summary="Over de lessen gesproken.",
            internal_note="alleen intern",
        ),
    )
    db.session.commit()
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    sign_in(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/bureau/verslagen/{report.id}")
    confirm_screened_place(page)
    page.bring_to_front()  # the clipboard works for the focused page only
    with page.expect_response("**/bureau/lvs/gekopieerd") as copied_response:
        page.get_by_role("button", name="Kopieer voor LVS").click()
    assert copied_response.value.status == 200
    expect(page.get_by_text("Gekopieerd.")).to_be_visible()
    copied = page.evaluate("navigator.clipboard.readText()")
    assert "Over de lessen gesproken." in copied and "alleen intern" not in copied
    db.session.expire_all()
    exports = db.session.scalars(select(AuditEvent).where(AuditEvent.action == "export")).all()
    assert [(e.object_type, e.student_id) for e in exports] == [("gespreksverslag", student.id)]
    assert console_errors == []


def test_screen_is_veiled_when_left_idle(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    console_errors: list[str],
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    page.clock.install()
    sign_in(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/bureau/")
    confirm_screened_place(page)
    veil = page.locator("[data-privacy-veil]")
    page.wait_for_selector("body[data-desk-ready=true]")
    expect(veil).to_be_hidden()
    page.clock.fast_forward("04:00")
    expect(veil).to_be_hidden()
    page.clock.fast_forward("01:01")
    expect(veil).to_be_visible()
    expect(veil).to_contain_text("Scherm verborgen voor privacy")
    page.keyboard.press("o")  # lifts the veil, and does nothing else
    expect(veil).to_be_hidden()
    assert page.url.endswith("/bureau/")
    assert console_errors == []


def test_a_double_click_on_save_stores_one_report(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
) -> None:
    """Impatient clicking: the report form sent twice in a row is stored once."""
    from app.models import ConversationReport

    staff = make_user(Role.MEDEWERKER, ("ZS",))
    student = make_student("ZS")
    sign_in(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/bureau/leerling/{student.leerlingnummer}/verslag/nieuw")
    confirm_screened_place(page)
    page.get_by_label("Wat is er besproken").fill("Over de lessen gesproken.")
    page.get_by_label("motivatie").check()
    save = page.get_by_role("button", name="Verslag opslaan")
    # Two sendings of the same page, as a double click or a click after a slow answer gives.
    page.evaluate(
        """() => {
            const form = document.querySelector("form[method=post] textarea").form;
            const data = new FormData(form);
            return Promise.all([1, 2].map(() =>
                fetch(form.action, {method: "POST", body: data, credentials: "same-origin"})));
        }"""
    )
    save.click()
    expect(page.get_by_text("Dit formulier was al verstuurd")).to_be_visible()
    db.session.expire_all()
    reports = db.session.scalars(select(ConversationReport)).all()
    assert [r.summary for r in reports] == ["Over de lessen gesproken."]
    assert console_errors == []
