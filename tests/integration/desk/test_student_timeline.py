"""The timeline on the student page (issue 21 item 3): the case chronology for one student,
with or without a case, as far as the reader may see it; capped with "meer tonen"; a constant
number of statements; audited when it shows case content."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.localtime import local_today
from app.core.vocabulary import CallResult, CaseStatus, Role
from app.desk.calls.services import create_call, log_attempt
from app.desk.cases.services import add_note, open_case
from app.desk.conversations.services import create_report
from app.desk.detention.services import add_to_session, create_session
from app.desk.handover.services import submit_handover
from app.desk.handover.slots import upcoming_moments
from app.desk.meldcode.services import open_traject
from app.desk.visits.services import plan_visit
from app.extensions import db
from app.models import AuditEvent, HandoverSlot, Location, Student, User
from app.models.absence import AbsenceSignal
from tests.desk_helpers import (
    confirm_screened,
    floor_item,
    handover_input,
    log_floor,
    report_input,
)
from tests.statement_count import counted_statements


def timeline_of(html: str) -> str:
    """The timeline section of a student page."""
    return html.split('id="tijdlijn"')[1].split("</section>")[0]


def page(client: FlaskClient, student: Student, query: str = "") -> str:
    response = client.get(f"/leerlingen/{student.leerlingnummer}{query}")
    assert response.status_code == 200
    return timeline_of(response.get_data(as_text=True))


def absence_signal(student: Student) -> None:
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


def history(worker: User, location: Location, student: Student) -> dict[str, int]:
    """Floor entry, flag, report, call with an attempt, visit, detention and an absence
    signal for ``student``, recorded by ``worker``; the ids of the linked records."""
    log_floor(
        worker,
        floor_item(
            location,
            "gesprek",
            topic="gedrag",
            students=(student.leerlingnummer,),
            note="ruzie bij de kluisjes",
        ),
        floor_item(location, "vlag", students=(student.leerlingnummer,)),
    )
    report = create_report(worker, student, report_input(summary="geheim-verslag"))
    call = create_call(worker, student, due=local_today(), assignee=worker, subject="bellen")
    log_attempt(worker, call, CallResult.VOICEMAIL, "")
    visit, _warnings = plan_visit(
        worker,
        student,
        planned_on=local_today() + timedelta(days=2),
        planned_time=time(15, 30),
        staff_one=worker,
        staff_two=None,
        companion="",
        mixed_pair=False,
        reason="kennismaken",
    )
    session = create_session(
        worker,
        location=location,
        held_on=local_today(),
        starts_at=time(14, 0),
        supervisor=worker,
        note="",
    )
    add_to_session(worker, session, student, "te laat")
    db.session.commit()
    absence_signal(student)
    return {"report": report.id, "call": call.id, "visit": visit.id, "session": session.id}


def test_a_student_without_a_case_shows_their_history(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    ids = history(staff, locations["ZS"], student)
    html = page(client, student)
    for text in (
        "Gesprek",
        "ruzie bij de kluisjes",
        "Vlag: ",
        "Gespreksverslag met",
        "geheim-verslag",
        "Oudercontact gepland",
        "Belpoging: ",
        "Huisbezoek (",
        "Nablijfklas ZS",
        "Verzuimsignaal: 16 uur ongeoorloofd",
    ):
        assert text in html, text
    for link in (
        f'href="/bureau/verslagen/{ids["report"]}"',
        f'href="/bureau/oudercontact/{ids["call"]}"',
        f'href="/bureau/huisbezoeken/{ids["visit"]}"',
        f'href="/bureau/nablijfklas/{ids["session"]}"',
    ):
        assert link in html, link
    assert "Casus geopend" not in html and "meer tonen" not in html
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "tijdlijn", AuditEvent.action == "view")
    ).all()
    assert [(e.user_id, e.object_id, e.student_id) for e in events] == [
        (staff.id, student.leerlingnummer, student.id)
    ]


def test_a_student_with_a_case_shows_the_case_items_too(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    history(staff, locations["ZS"], student)
    case = open_case(
        staff,
        student,
        reason="zorgen",
        status=CaseStatus.PREVENTIEF,
        owner=staff,
        teamleider=None,
    )
    add_note(staff, case, "moeder komt dinsdag langs")
    db.session.commit()
    html = page(client, student)
    assert "Casus geopend als preventief" in html
    assert f'href="/bureau/casussen/{case.id}"' in html
    assert "moeder komt dinsdag langs" in html
    assert "geheim-verslag" in html and "Verzuimsignaal" in html


def test_the_timeline_is_newest_first_and_capped_with_more(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    log_floor(
        staff,
        *(
            floor_item(
                locations["ZS"],
                "gesprek",
                topic="gedrag",
                students=(student.leerlingnummer,),
                note=f"gesprek-{i:03d}",
            )
            for i in range(55)
        ),
    )
    db.session.commit()
    first = page(client, student)
    assert first.count('class="timeline-item') == 50
    assert "?toon=100#tijdlijn" in first and "meer tonen" in first
    more = page(client, student, "?toon=100")
    assert more.count('class="timeline-item') == 55 and "meer tonen" not in more
    times = [chunk.split('"')[0] for chunk in more.split('<time datetime="')[1:]]
    assert times == sorted(times, reverse=True)
    assert client.get(f"/leerlingen/{student.leerlingnummer}?toon=abc").status_code == 400


def test_query_count_does_not_grow_with_the_timeline(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    open_case(
        staff, student, reason="zorgen", status=CaseStatus.PREVENTIEF, owner=staff, teamleider=None
    )
    db.session.commit()

    def add(n: int) -> None:
        for i in range(n):
            log_floor(
                staff,
                floor_item(
                    locations["ZS"], "gesprek", topic="gedrag", students=(student.leerlingnummer,)
                ),
                floor_item(locations["ZS"], "vlag", students=(student.leerlingnummer,)),
            )
            create_report(staff, student, report_input(summary=f"verslag {i}"))
            call = create_call(staff, student, due=local_today(), assignee=staff, subject="s")
            log_attempt(staff, call, CallResult.VOICEMAIL, "")
        db.session.commit()

    add(1)  # 5 items
    with counted_statements() as few:
        page(client, student, "?toon=100")
    add(9)  # 50 items
    with counted_statements() as many:
        html = page(client, student, "?toon=100")
    assert html.count('class="timeline-item') == 51  # and the case's opening
    assert len(many) == len(few), "\n".join(many)


# --- who sees what ---------------------------------------------------------------------------


@pytest.fixture
def slot(locations: dict[str, Location]) -> HandoverSlot:
    slot = HandoverSlot(
        location_id=locations["ZS"].id,
        weekday=1,
        starts_at=time(13, 0),
        place="kamer COPA",
        active=True,
    )
    db.session.add(slot)
    db.session.commit()
    return slot


@pytest.fixture
def known_student(
    locations: dict[str, Location],
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> Student:
    """A student with a history, no case, and an open Meldcode-traject owned by "Anna AF"."""
    worker = make_user(Role.MEDEWERKER, ("ZS",))
    make_user(Role.AANDACHTSFUNCTIONARIS, ("ZS",), name="Anna AF")
    student = make_student("ZS")
    history(worker, locations["ZS"], student)
    open_traject(worker, student, signal="blauwe plekken", owner=None)
    db.session.commit()
    return student


CASE_CONTENT = ("geheim-verslag", "ruzie bij de kluisjes", "Oudercontact gepland")


@pytest.mark.parametrize(
    ("role", "case_content", "meldcode"),
    [
        (Role.MEDEWERKER, True, "vraag"),
        (Role.TEAMLEIDER, True, "vraag"),
        (Role.COPA, False, "vraag"),
        (Role.LOCATIELEIDER, False, ""),
        (Role.BEHEER, False, ""),
        (Role.AANDACHTSFUNCTIONARIS, False, "link"),
    ],
)
def test_each_role_sees_what_it_may(
    client: FlaskClient,
    login_as: Callable[..., User],
    known_student: Student,
    role: Role,
    case_content: bool,
    meldcode: str,
) -> None:
    login_as(role, ("ZS",))
    confirm_screened(client)
    html = page(client, known_student)
    assert "Verzuimsignaal: 16 uur ongeoorloofd" in html
    for text in CASE_CONTENT:
        assert (text in html) is case_content, text
    assert "blauwe plekken" not in html
    asks = "Meldcode-traject — vraag Anna AF (aandachtsfunctionaris)" in html
    assert asks is (meldcode == "vraag")
    links = 'href="/bureau/meldcode/' in html
    assert links is (meldcode == "link")
    audited = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "tijdlijn")
    ).all()
    assert len(audited) == (1 if case_content else 0)


def test_case_content_waits_for_a_screened_place(
    client: FlaskClient, login_as: Callable[..., User], known_student: Student
) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    html = page(client, known_student)
    assert "Afgeschermde plek bevestigen" in html and "Verzuimsignaal" in html
    assert not any(text in html for text in CASE_CONTENT)
    confirm_screened(client)
    html = page(client, known_student)
    assert "Afgeschermde plek bevestigen" not in html and "geheim-verslag" in html


def test_copa_reads_the_timeline_once_a_case_is_handed_over(
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    slot: HandoverSlot,
    known_student: Student,
) -> None:
    worker = make_user(Role.MEDEWERKER, ("ZS",))
    case = open_case(
        worker,
        known_student,
        reason="zorgen",
        status=CaseStatus.PREVENTIEF,
        owner=worker,
        teamleider=None,
    )
    db.session.commit()
    submit_handover(worker, case, handover_input(upcoming_moments(slot.location_id)[0].value))
    db.session.commit()
    login_as(Role.COPA, ("ZS",))
    confirm_screened(client)
    html = page(client, known_student)
    assert all(text in html for text in CASE_CONTENT)
    assert "Overdracht naar COPA ingediend" in html


def test_a_user_of_another_location_gets_404(
    client: FlaskClient, login_as: Callable[..., User], known_student: Student
) -> None:
    login_as(Role.MEDEWERKER, ("GL",))
    confirm_screened(client)
    assert client.get(f"/leerlingen/{known_student.leerlingnummer}").status_code == 404
