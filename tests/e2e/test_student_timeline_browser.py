"""The student timeline in a real Chromium at 1366×768: from the desk's inbox to the student's
page, the history read newest first (no case), then "meer tonen"."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect

from app.core.localtime import local_today
from app.core.vocabulary import Role
from app.desk.conversations.services import create_report
from app.extensions import db
from app.floor.services import accept_entries
from app.models import Location, Student, User
from app.models.absence import AbsenceSignal
from tests.desk_helpers import report_input
from tests.e2e.browser_helpers import LAPTOP_AGENT, PHONE, LiveServer, sign_in
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
    }


def test_the_desk_opens_a_student_and_reads_the_timeline(
    page: Page,
    live_server: LiveServer,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    console_errors: list[str],
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Bureau")
    student = make_student("ZS", first_name="Lotte", last_name="Verhoeven", class_name="2B")
    zs = locations["ZS"]
    older = [
        entry(
            zs,
            "gesprek",
            minutes_ago=600 + i,
            students=[student.leerlingnummer],
            topic="gedrag",
            note=f"eerder gesprek {i}",
        )
        for i in range(55)
    ]
    accept_entries(staff, older)
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
    create_report(staff, student, report_input(summary="Over thuis gesproken."))
    today = local_today()
    db.session.add(
        AbsenceSignal(
            student_id=student.id,
            rule="16uur",
            variant="",
            window_start=today - timedelta(28),
            window_end=today,
            triggered_on=today - timedelta(days=1),
            hours=18.0,
            days=0,
            episodes=0,
            count=0,
            detail="",
            active=True,
            evaluated_on=today,
        )
    )
    db.session.commit()

    sign_in(page, live_server.url, staff.email)
    page.goto(f"{live_server.url}/bureau/")
    expect(page.get_by_role("heading", name="Zit je op een afgeschermde plek?")).to_be_visible()
    page.get_by_label("Ik zit op een afgeschermde plek").check()
    page.get_by_role("button", name="Verder naar het bureau").click()
    expect(page.get_by_role("heading", name="Inbox van vandaag")).to_be_visible()
    page.get_by_role("link", name="Lotte Verhoeven").first.click()
    expect(page.get_by_role("heading", name="Lotte Verhoeven", level=1)).to_be_visible()

    timeline = page.locator("#tijdlijn")
    expect(timeline.get_by_role("heading", name="Tijdlijn")).to_be_visible()
    items = timeline.locator(".timeline-item")
    expect(items).to_have_count(50)
    # Newest first: the report and the flag of just now, then the talks of ten hours ago.
    expect(items.nth(0)).to_contain_text("Gespreksverslag met")
    expect(items.nth(1)).to_contain_text("Vlag: zorg (kantine)")
    SHOTS.mkdir(exist_ok=True)
    page.goto(f"{page.url}#tijdlijn")
    page.screenshot(path=str(SHOTS / "student-timeline-desk.png"))
    timeline.get_by_role("link", name="meer tonen").click()
    expect(items).to_have_count(58)  # 55 talks, the flag, the report, the absence signal
    expect(timeline.get_by_role("link", name="meer tonen")).to_have_count(0)
    expect(timeline).to_contain_text("Verzuimsignaal: 16 uur ongeoorloofd")
    expect(timeline.locator(".timeline-item", has_text="eerder gesprek 54")).to_have_count(1)
    # The report opens from its item.
    items.nth(0).get_by_role("link").click()
    expect(page.get_by_text("Over thuis gesproken.", exact=True)).to_be_visible()
    page.go_back()
    page.set_viewport_size(PHONE)
    page.goto(f"{page.url.split('#')[0]}#tijdlijn")
    page.screenshot(path=str(SHOTS / "student-timeline-phone.png"))
    assert console_errors == []
