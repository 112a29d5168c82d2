"""Conversation reports, parent calls (attempts, "bellen vandaag", "openstaand"), home visits
and the detention class, with their form validation: empty, too long, in the past — a clear
Dutch message and nothing half-saved."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.localtime import local_today
from app.core.vocabulary import CallResult, CallStatus, CaseStatus, Role, TriageOutcome, VisitStatus
from app.desk.calls.services import create_call
from app.desk.cases.services import open_case
from app.desk.conversations.services import create_report
from app.desk.detention.services import add_to_session, create_session
from app.desk.visits.services import plan_visit
from app.extensions import db
from app.models import (
    CallAttempt,
    ConversationReport,
    DetentionAttendance,
    DetentionSession,
    EntryTriage,
    HomeVisit,
    Location,
    ParentCall,
    Student,
    User,
)
from tests.db_helpers import count
from tests.desk_helpers import floor_item, log_floor, report_input

# --- conversation reports ---------------------------------------------------------------------


def report_data(token: str, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": token,
        "held_on": local_today().isoformat(),
        "with_whom": ["leerling"],
        "topics": ["motivatie"],
        "summary": "Over de lessen gesproken.",
        "agreements": "Elke vrijdag even bijpraten.",
        "next_step": "",
        "next_step_due": "",
        "internal_note": "",
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"summary": ""}, "Vul in wat er is besproken."),
        ({"summary": "x" * 4001}, "Hoogstens 4000 tekens."),
        ({"with_whom": []}, "Kies met wie het gesprek was."),
        ({"topics": []}, "Kies minstens één onderwerp."),
        ({"with_whom": ["anders"]}, "Vul met wie (anders) in."),
        ({"held_on": ""}, "Kies de datum van het gesprek."),
        ({"held_on": "31-02-2026"}, "Dat is geen geldige datum"),
        (
            {"held_on": (local_today() + timedelta(days=1)).isoformat()},
            "Een gesprek kan niet in de toekomst hebben plaatsgevonden.",
        ),
        ({"next_step": "bellen met mentor"}, "Kies voor de volgende stap een datum."),
        (
            {"next_step": "x", "next_step_due": "2020-01-01"},
            "De datum van de volgende stap ligt in het verleden.",
        ),
        ({"agreements": "x" * 2001}, "Hoogstens 2000 tekens."),
        ({"topics": ["hacken"]}, "Kies een van de mogelijkheden."),
    ],
)
def test_report_validation(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
    overrides: dict[str, object],
    message: str,
) -> None:
    student = make_student("ZS")
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/verslag/nieuw",
        data=report_data(token, **overrides),
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(ConversationReport) == 0


def test_report_from_an_inbox_entry(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    case = open_case(
        staff, student, reason="r", status=CaseStatus.SIGNAAL, owner=staff, teamleider=None
    )
    db.session.commit()
    (entry,) = log_floor(
        staff,
        floor_item(
            locations["ZS"],
            "gesprek",
            topic="schoolbinding",
            students=(student.leerlingnummer,),
            note="wil stoppen met voetbal",
        ),
    )
    url = f"/bureau/leerling/{student.leerlingnummer}/verslag/nieuw?melding={entry.id}"
    form = client.get(url).get_data(as_text=True)
    assert "wil stoppen met voetbal" in form
    response = client.post(
        url,
        data=report_data(
            token,
            next_step="mentor informeren",
            next_step_due=(local_today() + timedelta(days=2)).isoformat(),
            internal_note="vertrouwelijk",
        ),
    )
    assert response.headers["Location"] == f"/bureau/?verwerkt={entry.id}#net-verwerkt"
    report = db.session.scalar(select(ConversationReport))
    assert report is not None and report.case_id == case.id and report.entry_id == entry.id
    triage = db.session.scalar(select(EntryTriage))
    assert triage is not None and triage.outcome == TriageOutcome.VERSLAG
    assert triage.report_id == report.id
    # The next step is outstanding until ticked off.
    assert "mentor informeren" in client.get("/bureau/openstaand").get_data(as_text=True)
    client.post(f"/bureau/verslagen/{report.id}/stap", data={"csrf_token": token})
    assert "mentor informeren" not in client.get("/bureau/openstaand").get_data(as_text=True)


def test_report_edit_by_author_only(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> None:
    student = make_student("ZS")
    colleague = make_user(Role.MEDEWERKER, ("ZS",))
    mine = create_report(
        staff,
        student,
        report_input(summary="eerste versie"),
    )
    theirs = create_report(
        colleague,
        student,
        report_input(summary="van collega"),
    )
    db.session.commit()
    client.post(
        f"/bureau/verslagen/{mine.id}/bewerken", data=report_data(token, summary="tweede versie")
    )
    assert db.session.get(ConversationReport, mine.id).summary == "tweede versie"
    assert client.get(f"/bureau/verslagen/{theirs.id}/bewerken").status_code == 403


# --- parent calls -----------------------------------------------------------------------------


def call_data(token: str, staff: User, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": token,
        "subject": "afspraken over te laat komen",
        "due": local_today().isoformat(),
        "preferred_time": "na 16:00",
        "contact_person": "moeder",
        "language": "",
        "assignee": str(staff.id),
    }
    data.update(overrides)
    return data


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"subject": ""}, "Vul in waarover je belt."),
        ({"subject": "x" * 301}, "Hoogstens 300 tekens."),
        ({"due": ""}, "Kies een datum om te bellen."),
        ({"due": "2020-05-01"}, "Die datum ligt in het verleden."),
        ({"interpreter_needed": "y"}, "Vul de taal voor de tolk in."),
        ({"preferred_time": "x" * 61}, "Hoogstens 60 tekens."),
        ({"assignee": "424242"}, "Kies een van de mogelijkheden."),
    ],
)
def test_call_validation(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
    overrides: dict[str, object],
    message: str,
) -> None:
    student = make_student("ZS")
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/oudercontact/nieuw",
        data=call_data(token, staff, **overrides),
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(ParentCall) == 0


def test_call_with_attempts_until_reached(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS", first_name="Ilias")
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/oudercontact/nieuw",
        data=call_data(token, staff, interpreter_needed="y", language="Tigrinya"),
    )
    call = db.session.scalar(select(ParentCall))
    assert call is not None and response.headers["Location"] == f"/bureau/oudercontact/{call.id}"
    assert call.interpreter_needed and call.language == "Tigrinya"
    today_html = client.get("/bureau/bellen").get_data(as_text=True)
    assert "Ilias" in today_html and "Tigrinya" in today_html
    prefix = f"c{call.id}-"
    tomorrow = (local_today() + timedelta(days=1)).isoformat()
    client.post(
        f"/bureau/oudercontact/{call.id}/poging",
        data={
            f"{prefix}csrf_token": token,
            f"{prefix}result": "geen_gehoor",
            f"{prefix}note": "",
            f"{prefix}next_due": tomorrow,
        },
    )
    call = db.session.get(ParentCall, call.id)
    assert call.status == CallStatus.OPEN and call.due.isoformat() == tomorrow
    assert (
        "Ilias" not in client.get("/bureau/bellen").get_data(as_text=True).split("Later gepland")[0]
    )
    # "gesproken" without saying what was discussed: refused.
    refused = client.post(
        f"/bureau/oudercontact/{call.id}/poging",
        data={
            f"{prefix}csrf_token": token,
            f"{prefix}result": "gesproken",
            f"{prefix}note": "",
        },
    )
    assert "Vul kort wat er is besproken in." in refused.get_data(as_text=True)
    # No result chosen: refused with one clear message.
    no_result = client.post(
        f"/bureau/oudercontact/{call.id}/poging",
        data={f"{prefix}csrf_token": token, f"{prefix}note": "x"},
    )
    assert "Kies het resultaat van de poging." in no_result.get_data(as_text=True)
    assert "Kies een van de mogelijkheden." not in no_result.get_data(as_text=True)
    assert count(CallAttempt) == 1
    client.post(
        f"/bureau/oudercontact/{call.id}/poging",
        data={
            f"{prefix}csrf_token": token,
            f"{prefix}result": "gesproken",
            f"{prefix}note": "moeder komt donderdag langs",
        },
    )
    call = db.session.get(ParentCall, call.id)
    assert call.status == CallStatus.AFGEROND and call.outcome == "moeder komt donderdag langs"
    attempts = db.session.scalars(select(CallAttempt).order_by(CallAttempt.id)).all()
    assert [a.result for a in attempts] == [CallResult.GEEN_GEHOOR, CallResult.GESPROKEN]
    assert all(a.by_id == staff.id for a in attempts)
    # A finished call takes no more attempts.
    again = client.post(
        f"/bureau/oudercontact/{call.id}/poging",
        data={f"{prefix}csrf_token": token, f"{prefix}result": "voicemail"},
    )
    assert again.status_code == 400 and count(CallAttempt) == 2


def test_overdue_calls_on_top(
    client: FlaskClient,
    staff: User,
    make_student: Callable[..., Student],
) -> None:
    late = make_student("ZS", first_name="Telaat")
    now = make_student("ZS", first_name="Vandaag")
    later = make_student("ZS", first_name="Straks")
    for student in (now, late, later):
        create_call(staff, student, due=local_today(), assignee=staff, subject="s")
    db.session.commit()
    overdue = db.session.scalar(select(ParentCall).where(ParentCall.student_id == late.id))
    overdue.due = local_today() - timedelta(days=3)  # planned earlier, not yet called
    future = db.session.scalar(select(ParentCall).where(ParentCall.student_id == later.id))
    future.due = local_today() + timedelta(days=2)
    db.session.commit()
    html = client.get("/bureau/bellen").get_data(as_text=True)
    top, rest = html.split("Later gepland")
    assert top.index("Telaat") < top.index("Vandaag") and "te laat" in top
    assert "Straks" in rest
    outstanding = client.get("/bureau/openstaand").get_data(as_text=True)
    assert outstanding.index("Telaat") < outstanding.index("Vandaag") < outstanding.index("Straks")


# --- home visits ------------------------------------------------------------------------------


def visit_data(token: str, staff: User, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "csrf_token": token,
        "planned_on": (local_today() + timedelta(days=2)).isoformat(),
        "planned_time": "15:30",
        "reason": "kennismaken met ouders",
        "staff_one": str(staff.id),
        "staff_two": "0",
        "companion": "",
    }
    data.update(overrides)
    return data


def test_visit_alone_warns_but_is_planned(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/huisbezoek/nieuw",
        data=visit_data(token, staff),
    )
    assert response.status_code == 302
    visit = db.session.scalar(select(HomeVisit))
    assert visit is not None and visit.status == VisitStatus.GEPLAND
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "met één persoon gepland" in html


def test_visit_pair_not_mixed_is_shown_where_the_location_wants_mixed_pairs(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> None:
    colleague = make_user(Role.MEDEWERKER, ("ZS",))
    student = make_student("ZS")  # ZS wants mixed pairs (demo locations)
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/huisbezoek/nieuw",
        data=visit_data(token, staff, staff_two=str(colleague.id)),
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Geen gemengd duo" in html
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/huisbezoek/nieuw",
        data=visit_data(token, staff, staff_two=str(colleague.id), mixed_pair="y"),
    )
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Geen gemengd duo" not in html and "gemengd duo" in html
    # HK does not ask for mixed pairs.
    hk_staff = make_user(Role.MEDEWERKER, ("HK",))
    hk_student = make_student("HK")
    _visit, warnings = plan_visit(
        hk_staff,
        hk_student,
        planned_on=local_today(),
        planned_time=time(10, 0),
        staff_one=hk_staff,
        staff_two=make_user(Role.MEDEWERKER, ("HK",)),
        companion="",
        mixed_pair=False,
        reason="r",
    )
    assert warnings == []


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"planned_on": "2020-01-01"}, "Die datum ligt in het verleden."),
        ({"planned_on": ""}, "Kies de datum van het huisbezoek."),
        ({"planned_time": "25:99"}, "Dat is geen geldige tijd"),
        ({"reason": ""}, "Vul de reden van het bezoek in."),
        ({"reason": "x" * 301}, "Hoogstens 300 tekens."),
    ],
)
def test_visit_validation(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
    overrides: dict[str, object],
    message: str,
) -> None:
    student = make_student("ZS")
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/huisbezoek/nieuw",
        data=visit_data(token, staff, **overrides),
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert count(HomeVisit) == 0


def test_visit_same_person_twice_is_refused(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    response = client.post(
        f"/bureau/leerling/{student.leerlingnummer}/huisbezoek/nieuw",
        data=visit_data(token, staff, staff_two=str(staff.id)),
    )
    assert "Kies twee verschillende medewerkers." in response.get_data(as_text=True)
    assert count(HomeVisit) == 0


def test_visit_report_after_the_visit(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    future, _ = plan_visit(
        staff,
        student,
        planned_on=local_today() + timedelta(days=1),
        planned_time=time(9, 0),
        staff_one=staff,
        staff_two=None,
        companion="mentor J. Prins",
        mixed_pair=True,
        reason="r",
    )
    db.session.commit()
    early = client.post(
        f"/bureau/huisbezoeken/{future.id}/verslag",
        data={"csrf_token": token, "report": "goed gesprek"},
    )
    assert "nog niet geweest" in early.get_data(as_text=True)
    future.planned_at = future.planned_at - timedelta(days=1)
    db.session.commit()
    empty = client.post(
        f"/bureau/huisbezoeken/{future.id}/verslag", data={"csrf_token": token, "report": ""}
    )
    assert "Vul het verslag in." in empty.get_data(as_text=True)
    client.post(
        f"/bureau/huisbezoeken/{future.id}/verslag",
        data={"csrf_token": token, "report": "goed gesprek"},
    )
    visit = db.session.get(HomeVisit, future.id)
    assert visit.status == VisitStatus.GEDAAN and visit.report == "goed gesprek"
    assert "gedaan" in client.get("/bureau/huisbezoeken").get_data(as_text=True)


# --- detention class --------------------------------------------------------------------------


def test_detention_session_with_talks_and_repeat_visits(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    zs = locations["ZS"]
    student = make_student("ZS", first_name="Milan", last_name="Dekker")
    other = make_student("GL", first_name="Ander", last_name="Locatie")
    response = client.post(
        "/bureau/nablijfklas/nieuw",
        data={
            "csrf_token": token,
            "location": str(zs.id),
            "held_on": local_today().isoformat(),
            "starts_at": "14:00",
            "supervisor": str(staff.id),
            "note": "onderbouw",
        },
    )
    session = db.session.scalar(select(DetentionSession))
    assert session is not None
    assert response.headers["Location"] == f"/bureau/nablijfklas/{session.id}"
    found = client.get(f"/bureau/nablijfklas/{session.id}?q=dekker").get_data(as_text=True)
    assert "Milan Dekker" in found
    assert "Ander" not in client.get(f"/bureau/nablijfklas/{session.id}?q=locatie").get_data(
        as_text=True
    )
    client.post(
        f"/bureau/nablijfklas/{session.id}/leerlingen",
        data={
            "csrf_token": token,
            "leerlingnummer": student.leerlingnummer,
            "what_happened": "telefoon in de les",
        },
    )
    client.post(
        f"/bureau/nablijfklas/{session.id}/leerlingen",
        data={"csrf_token": token, "leerlingnummer": other.leerlingnummer},
    )
    client.post(
        f"/bureau/nablijfklas/{session.id}/leerlingen",
        data={"csrf_token": token, "leerlingnummer": student.leerlingnummer},
    )
    attendance = db.session.scalar(select(DetentionAttendance))
    assert attendance is not None and count(DetentionAttendance) == 1
    prefix = f"t{attendance.id}-"
    empty = client.post(
        f"/bureau/nablijfklas/{session.id}/leerlingen/{attendance.id}",
        data={
            f"{prefix}csrf_token": token,
            f"{prefix}what_happened": "telefoon",
            f"{prefix}reflection": "",
            f"{prefix}agreement": "",
        },
    )
    assert "Vul de reflectie in." in empty.get_data(as_text=True)
    client.post(
        f"/bureau/nablijfklas/{session.id}/leerlingen/{attendance.id}",
        data={
            f"{prefix}csrf_token": token,
            f"{prefix}what_happened": "telefoon in de les",
            f"{prefix}reflection": "snapt dat het de les stoort",
            f"{prefix}agreement": "telefoon in de kluis",
        },
    )
    attendance = db.session.get(DetentionAttendance, attendance.id)
    assert attendance.talk_at is not None and attendance.talk_by_id == staff.id
    # A second session: the repeat visit shows.
    second = create_session(
        staff, location=zs, held_on=local_today(), starts_at=None, supervisor=staff, note=""
    )
    add_to_session(staff, second, student)
    db.session.commit()
    html = client.get(f"/bureau/nablijfklas/{second.id}").get_data(as_text=True)
    assert "2e keer in de nablijfklas" in html
