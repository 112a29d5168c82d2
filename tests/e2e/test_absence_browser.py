"""Absence pages in a real Chromium at a phone viewport: the signal list, the student's absence
overview (inline SVG chart, grid) and the upload with its progress bar — without console errors
or CSP violations."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from sqlalchemy import func, select

from app.absence.importer import import_absence
from app.core.vocabulary import Role
from app.extensions import db
from app.models import AbsenceRecord, Student, User
from tests.absence_helpers import magister_csv, magister_day, magister_row, school_calendar
from tests.e2e.browser_helpers import LiveServer, sign_in

MON = date(2026, 9, 14)


@pytest.fixture
def truant(make_student: Callable[..., Student]) -> Student:
    school_calendar()
    student = make_student("ZS", leerlingnummer="200001", first_name="Sanne", last_name="Spijker")
    rows = magister_day("200001", MON) + magister_day("200001", MON.replace(day=15))
    rows += [magister_row("200001", MON.replace(day=d), 1, "L") for d in (16, 17, 18)]
    import_absence(magister_csv(*rows), "verzuim.csv", as_of=date(2026, 9, 18))
    db.session.commit()
    return student


def no_sideways_scroll(page: Page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= 390


def test_signal_list_and_student_overview_on_a_phone(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    truant: Student,
    console_errors: list[str],
) -> None:
    user = make_user(Role.TEAMLEIDER, ("ZS",))
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/verzuim/")
    expect(page.get_by_role("heading", name="Verzuimsignalen")).to_be_visible()
    signal = page.locator(".signal").filter(has_text="16 uur ongeoorloofd")
    expect(signal).to_be_visible()
    expect(signal.locator(".badge-new")).to_have_text("nieuw")
    expect(signal).to_contain_text("melden moest uiterlijk 22-09-2026")
    no_sideways_scroll(page)

    # Filter on one rule.
    page.get_by_label("Signaal", exact=True).select_option("te_laat")
    page.get_by_role("button", name="Toon").click()
    expect(page.locator(".signal")).to_have_count(1)
    expect(page.locator(".signal")).to_contain_text("3 keer te laat")

    # Acknowledge with a note.
    page.locator(".ack-form summary").first.click()
    page.get_by_label("Wat gebeurt er met dit signaal?").fill("Besproken met mentor")
    page.get_by_role("button", name="Afhandelen").click()
    expect(page.get_by_text("Signaal afgehandeld.")).to_be_visible()
    expect(page.locator(".signal").first).to_contain_text("Besproken met mentor")

    # The student's absence overview.
    page.get_by_role("link", name="Spijker, Sanne").first.click()
    expect(page.get_by_role("heading", name="Verzuim", exact=True)).to_be_visible()
    expect(page.locator(".duo-reminder")).to_contain_text("verzuimloket van DUO")
    chart = page.locator(".absence-chart svg")
    expect(chart).to_be_visible()
    box = chart.bounding_box()
    assert box is not None and 0 < box["width"] <= 390 and box["height"] > 50
    assert chart.locator("title").first.text_content() == "Ongeoorloofd verzuim per schoolweek"
    page.get_by_text("Cijfers als tabel").click()
    expect(page.locator(".absence-chart table")).to_be_visible()
    expect(page.locator(".absence-grid")).to_be_visible()
    no_sideways_scroll(page)
    assert console_errors == []


def test_upload_shows_progress_and_imports(
    page: Page,
    live_server: LiveServer,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
    tmp_path: Path,
) -> None:
    school_calendar()
    make_student("ZS", leerlingnummer="200002")
    user = make_user(Role.BEHEER, ("ZS",))
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/verzuim/import")
    expect(page.locator("[data-upload-progress]")).to_be_hidden()

    bad = tmp_path / "fout.csv"
    bad.write_bytes(magister_csv(magister_row("999999", MON, 1)))
    page.get_by_label("Verzuimexport (CSV of .xlsx)").set_input_files(str(bad))
    page.get_by_role("button", name="Importeren").click()
    expect(page.locator("[data-upload-problems]")).to_contain_text("onbekende leerlingnummers")

    good = tmp_path / "verzuim.csv"
    good.write_bytes(magister_csv(*magister_day("200002", MON)))
    page.get_by_label("Verzuimexport (CSV of .xlsx)").set_input_files(str(good))
    page.get_by_role("button", name="Importeren").click()
    expect(page.get_by_text("Import klaar: 8 regels: 8 nieuw")).to_be_visible()
    db.session.expire_all()
    assert db.session.scalar(select(func.count(AbsenceRecord.id))) == 8
    assert live_server.hits.get("POST /verzuim/import") == 2
    no_sideways_scroll(page)
    # The refused file was answered 400 on purpose; nothing else may fail.
    assert console_errors == [f"400 {live_server.url}/verzuim/import"]
