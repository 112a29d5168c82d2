"""Case records: opening from the inbox, status workflow with history, reviews, notes, the
chronology, the case list (no N+1) and the audit of every case view."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.localtime import local_today
from app.core.vocabulary import CaseStatus, FlagStatus, Role, TriageOutcome
from app.desk import rules
from app.desk.calls.services import create_call, log_attempt
from app.desk.cases.services import CaseAlreadyOpen, add_note, change_status, open_case
from app.desk.conversations.services import create_report
from app.desk.handover.services import handover_prefill
from app.extensions import db
from app.models import (
    AuditEvent,
    CaseNote,
    CaseStatusChange,
    Casus,
    EntryTriage,
    Flag,
    Location,
    Student,
    User,
)
from tests.desk_helpers import floor_item, log_floor, report_input
from tests.statement_count import counted_statements


def opened_case(user: User, student: Student, status: CaseStatus = CaseStatus.SIGNAAL) -> Casus:
    case = open_case(
        user, student, reason="zorgen over motivatie", status=status, owner=user, teamleider=None
    )
    db.session.commit()
    return case


def test_open_a_case_from_an_inbox_flag(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> None:
    teamleider = make_user(Role.TEAMLEIDER, ("ZS",), name="Peter Teamleider")
    student = make_student("ZS", first_name="Sem", last_name="Bos")
    (entry,) = log_floor(
        staff,
        floor_item(
            locations["ZS"], students=(student.leerlingnummer,), note="wil niet meer naar wiskunde"
        ),
    )
    form_url = f"/bureau/leerling/{student.leerlingnummer}/casus/nieuw?melding={entry.id}"
    page = client.get(form_url).get_data(as_text=True)
    # The reason is prefilled from the floor entry: what, where, when and the note.
    assert "Vlag (opvolgen) in aula op " in page and "wil niet meer naar wiskunde" in page
    assert "Peter Teamleider" in page
    response = client.post(
        form_url,
        data={
            "csrf_token": token,
            "reason": "wil niet meer naar wiskunde",
            "status": "preventief",
            "owner": str(staff.id),
            "teamleider": str(teamleider.id),
            "review_date": "",
        },
    )
    assert response.status_code == 302, response.get_data(as_text=True)
    case = db.session.scalar(select(Casus))
    assert case is not None and response.headers["Location"] == f"/bureau/casussen/{case.id}"
    assert case.status == CaseStatus.PREVENTIEF
    assert case.review_date == local_today() + timedelta(weeks=6)
    assert case.teamleider_id == teamleider.id
    history = db.session.scalars(select(CaseStatusChange)).all()
    assert [(h.from_status, h.to_status, h.by_id) for h in history] == [
        (None, CaseStatus.PREVENTIEF, staff.id)
    ]
    triage = db.session.scalar(select(EntryTriage))
    assert triage is not None and triage.outcome == TriageOutcome.CASUS
    assert triage.case_id == case.id
    # Opening a case is not the flag's follow-up: the flag stays open (test_desk_records.py).
    assert db.session.scalar(select(Flag)).status == FlagStatus.OPEN
    # A second case for the same student is not opened: the open one is shown.
    again = client.get(f"/bureau/leerling/{student.leerlingnummer}/casus/nieuw")
    assert again.headers["Location"] == f"/bureau/casussen/{case.id}"


def test_link_a_later_entry_to_the_existing_case(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    case = opened_case(staff, student)
    (entry,) = log_floor(
        staff,
        floor_item(locations["ZS"], "gesprek", topic="gedrag", students=(student.leerlingnummer,)),
    )
    assert "Koppel aan casus" in client.get("/bureau/").get_data(as_text=True)
    client.post(
        f"/bureau/inbox/{entry.id}/koppel",
        data={"csrf_token": token, "student": student.leerlingnummer},
    )
    triage = db.session.scalar(select(EntryTriage))
    assert triage is not None and triage.case_id == case.id and triage.done_at is not None


def test_new_case_form_validation(
    client: FlaskClient, staff: User, token: str, make_student: Callable[..., Student]
) -> None:
    student = make_student("ZS")
    url = f"/bureau/leerling/{student.leerlingnummer}/casus/nieuw"
    base = {"csrf_token": token, "status": "signaal", "owner": str(staff.id), "teamleider": "0"}
    empty = client.post(url, data={**base, "reason": ""})
    assert empty.status_code == 400 and "Vul de aanleiding in." in empty.get_data(as_text=True)
    long = client.post(url, data={**base, "reason": "x" * 301})
    assert long.status_code == 400 and "Hoogstens 300 tekens." in long.get_data(as_text=True)
    past = client.post(
        url, data={**base, "reason": "x", "status": "preventief", "review_date": "2020-01-01"}
    )
    assert "De evaluatiedatum ligt in het verleden." in past.get_data(as_text=True)
    bad = client.post(url, data={**base, "reason": "x", "status": "overgedragen_copa"})
    assert "Kies een van de mogelijkheden." in bad.get_data(as_text=True)
    garbage_date = client.post(
        url, data={**base, "reason": "x", "status": "preventief", "review_date": "morgen"}
    )
    assert "Dat is geen geldige datum" in garbage_date.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Casus)) == 0
    assert db.session.scalar(select(func.count()).select_from(CaseStatusChange)) == 0


def test_status_workflow_with_history_and_illegal_jumps(
    client: FlaskClient, staff: User, token: str, make_student: Callable[..., Student]
) -> None:
    case = opened_case(staff, make_student("ZS"))
    url = f"/bureau/casussen/{case.id}/status"
    data = {"status-csrf_token": token}
    # Straight to COPA: refused with a message (not even offered on the form).
    refused = client.post(
        url, data={**data, "status-status": "overgedragen_copa", "status-reason": "snel"}
    )
    assert refused.status_code == 400
    assert db.session.get(Casus, case.id).status == CaseStatus.SIGNAAL
    # Without a reason: refused.
    no_reason = client.post(url, data={**data, "status-status": "preventief", "status-reason": ""})
    assert "Vul de reden van de wijziging in." in no_reason.get_data(as_text=True)
    ok = client.post(
        url,
        data={**data, "status-status": "preventief", "status-reason": "gesprek gepland met ouders"},
    )
    assert ok.status_code == 302
    case = db.session.get(Casus, case.id)
    assert case.status == CaseStatus.PREVENTIEF
    assert case.review_date == rules.default_review_date(local_today())
    client.post(
        url,
        data={
            **data,
            "status-status": "intensief",
            "status-reason": "meer dan 16 uur verzuim in 4 weken",
        },
    )
    client.post(
        url, data={**data, "status-status": "afgesloten", "status-reason": "weer op school"}
    )
    case = db.session.get(Casus, case.id)
    assert case.status == CaseStatus.AFGESLOTEN and case.closed_at is not None
    assert case.review_date is None
    history = db.session.scalars(select(CaseStatusChange).order_by(CaseStatusChange.id)).all()
    assert [(h.from_status, h.to_status) for h in history] == [
        (None, CaseStatus.SIGNAAL),
        (CaseStatus.SIGNAAL, CaseStatus.PREVENTIEF),
        (CaseStatus.PREVENTIEF, CaseStatus.INTENSIEF),
        (CaseStatus.INTENSIEF, CaseStatus.AFGESLOTEN),
    ]
    assert history[2].reason == "meer dan 16 uur verzuim in 4 weken"
    assert all(h.by_id == staff.id for h in history)
    # A closed case stays closed: no status form, a POST answers 403.
    assert (
        client.post(
            url, data={**data, "status-status": "preventief", "status-reason": "x"}
        ).status_code
        == 403
    )
    page = client.get(f"/bureau/casussen/{case.id}").get_data(as_text=True)
    assert "Status wijzigen" not in page
    assert "Status intensief (hoog verzuim) → afgesloten" in page


def test_review_and_note(
    client: FlaskClient, staff: User, token: str, make_student: Callable[..., Student]
) -> None:
    case = opened_case(staff, make_student("ZS"), CaseStatus.PREVENTIEF)
    next_review = local_today() + timedelta(weeks=4)
    bad = client.post(
        f"/bureau/casussen/{case.id}/evaluatie",
        data={
            "review-csrf_token": token,
            "review-text": "",
            "review-next_review_date": next_review.isoformat(),
        },
    )
    assert bad.status_code == 400 and "Vul de evaluatie in." in bad.get_data(as_text=True)
    client.post(
        f"/bureau/casussen/{case.id}/evaluatie",
        data={
            "review-csrf_token": token,
            "review-text": "gaat beter, nog 4 weken",
            "review-next_review_date": next_review.isoformat(),
        },
    )
    assert db.session.get(Casus, case.id).review_date == next_review
    client.post(
        f"/bureau/casussen/{case.id}/notitie",
        data={"note-csrf_token": token, "note-text": "mentor gesproken"},
    )
    notes = db.session.scalars(select(CaseNote).order_by(CaseNote.id)).all()
    assert [(n.is_review, n.text) for n in notes] == [
        (True, "gaat beter, nog 4 weken"),
        (False, "mentor gesproken"),
    ]
    page = client.get(f"/bureau/casussen/{case.id}").get_data(as_text=True)
    assert "mentor gesproken" in page and "gaat beter" in page


def test_chronology_merges_sources_newest_first_and_filters(
    client: FlaskClient,
    staff: User,
    token: str,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    student = make_student("ZS")
    log_floor(
        staff,
        floor_item(
            locations["ZS"],
            "gesprek",
            topic="thuissituatie",
            minutes_ago=120,
            students=(student.leerlingnummer,),
            note="eerste-gesprek",
        ),
        floor_item(
            locations["ZS"],
            "vlag",
            minutes_ago=60,
            students=(student.leerlingnummer,),
            note="de-vlag",
        ),
    )
    case = opened_case(staff, student)
    add_note(staff, case, "de-notitie")
    db.session.commit()
    html = client.get(f"/bureau/casussen/{case.id}").get_data(as_text=True)
    positions = [
        html.index(t) for t in ("de-notitie", "Casus geopend", "de-vlag", "eerste-gesprek")
    ]
    assert positions == sorted(positions)  # newest first
    only_flags = client.get(f"/bureau/casussen/{case.id}?soort=vlag").get_data(as_text=True)
    assert "de-vlag" in only_flags
    assert "eerste-gesprek" not in only_flags and "de-notitie" not in only_flags


def test_every_case_view_is_audited(
    client: FlaskClient, staff: User, token: str, make_student: Callable[..., Student]
) -> None:
    student = make_student("ZS")
    case = opened_case(staff, student)
    client.get(f"/bureau/casussen/{case.id}")
    # A refused form shows the case again: that is a view too.
    refused = client.post(f"/bureau/casussen/{case.id}/notitie", data={"note-csrf_token": token})
    assert refused.status_code == 400
    events = db.session.scalars(
        select(AuditEvent).where(AuditEvent.object_type == "casus", AuditEvent.action == "view")
    ).all()
    assert [(e.user_id, e.object_id, e.student_id) for e in events] == [
        (staff.id, str(case.id), student.id)
    ] * 2


def test_case_list_filters_and_query_count(
    app: Flask,
    client: FlaskClient,
    staff: User,
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> None:
    colleague = make_user(Role.MEDEWERKER, ("ZS",))

    def add(n: int) -> None:
        for i in range(n):
            owner = staff if i % 2 else colleague
            open_case(
                owner,
                make_student("ZS", last_name=f"Lijst{i}"),
                reason="r",
                status=CaseStatus.PREVENTIEF,
                owner=owner,
                teamleider=None,
            )
        db.session.commit()

    add(2)
    with counted_statements() as few:
        assert client.get("/bureau/casussen").status_code == 200
    add(10)
    with counted_statements() as many:
        html = client.get("/bureau/casussen").get_data(as_text=True)
    assert "12 casussen" in html
    assert len(many) == len(few), "\n".join(many)
    mine = client.get("/bureau/casussen?mijn=1").get_data(as_text=True)
    assert "6 casussen" in mine
    open_case(
        staff,
        make_student("ZS", last_name="Uniekenaam"),
        reason="r",
        status=CaseStatus.SIGNAAL,
        owner=staff,
        teamleider=None,
    )
    db.session.commit()
    searched = client.get("/bureau/casussen?q=uniekenaam").get_data(as_text=True)
    assert re.search(r"\b1 casussen", searched) and "Uniekenaam" in searched
    closed_filter = client.get("/bureau/casussen?status=afgesloten").get_data(as_text=True)
    assert "0 casussen" in closed_filter


def test_student_page_links_to_the_case(
    client: FlaskClient, staff: User, make_student: Callable[..., Student]
) -> None:
    student = make_student("ZS")
    html = client.get(f"/leerlingen/{student.leerlingnummer}").get_data(as_text=True)
    assert "Casus openen" in html
    case = opened_case(staff, student)
    html = client.get(f"/leerlingen/{student.leerlingnummer}").get_data(as_text=True)
    assert f"/bureau/casussen/{case.id}" in html


def test_reassign_owner_and_teamleider(
    client: FlaskClient,
    staff: User,
    token: str,
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> None:
    colleague = make_user(Role.MEDEWERKER, ("ZS",), name="Collega Twee")
    elsewhere = make_user(Role.MEDEWERKER, ("GL",))
    case = opened_case(staff, make_student("ZS"))
    refused = client.post(
        f"/bureau/casussen/{case.id}/team",
        data={"team-csrf_token": token, "team-owner": str(elsewhere.id), "team-teamleider": "0"},
    )
    assert refused.status_code == 400
    client.post(
        f"/bureau/casussen/{case.id}/team",
        data={"team-csrf_token": token, "team-owner": str(colleague.id), "team-teamleider": "0"},
    )
    assert db.session.get(Casus, case.id).owner_id == colleague.id
    note = db.session.scalar(select(CaseNote))
    assert note is not None and "Collega Twee" in note.text


def test_absence_signals_join_the_chronology_and_the_handover_summary(
    client: FlaskClient, staff: User, make_student: Callable[..., Student]
) -> None:
    """Integration with the absence capability: its signals are part of the case."""
    from app.models import absence

    student = make_student("ZS")
    today = local_today()
    db.session.add(
        absence.AbsenceSignal(
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
    case = opened_case(staff, student, CaseStatus.INTENSIEF)
    html = client.get(f"/bureau/casussen/{case.id}?soort=verzuim").get_data(as_text=True)
    assert "Verzuimsignaal: 16 uur ongeoorloofd" in html and "18 uur" in html
    assert "Verzuim: 16 uur ongeoorloofd (" in handover_prefill(case)


def test_case_page_query_count_does_not_grow_with_the_chronology(
    app: Flask,
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
) -> None:
    from app.core.vocabulary import CallResult

    student = make_student("ZS")
    case = opened_case(staff, student, CaseStatus.PREVENTIEF)

    def add(n: int) -> None:
        for _ in range(n):
            log_floor(
                staff,
                floor_item(
                    locations["ZS"], "gesprek", topic="gedrag", students=(student.leerlingnummer,)
                ),
                floor_item(locations["ZS"], "vlag", students=(student.leerlingnummer,)),
            )
            create_report(
                staff,
                student,
                report_input(),
            )
            call = create_call(staff, student, due=local_today(), assignee=staff, subject="s")
            log_attempt(staff, call, CallResult.VOICEMAIL, "")
            add_note(staff, case, "n")
        db.session.commit()

    add(1)
    with counted_statements() as few:
        assert client.get(f"/bureau/casussen/{case.id}").status_code == 200
    add(6)
    with counted_statements() as many:
        assert client.get(f"/bureau/casussen/{case.id}").status_code == 200
    assert len(many) == len(few), "\n".join(many)


def test_the_database_holds_one_open_case_per_student(
    staff: User, make_student: Callable[..., Student]
) -> None:
    from sqlalchemy.exc import IntegrityError

    student = make_student("ZS")
    closed = opened_case(staff, student)
    change_status(staff, closed, CaseStatus.AFGESLOTEN, "klaar")
    db.session.commit()
    opened_case(staff, student)  # a new case after a closed one is fine

    def row() -> Casus:
        return Casus(
            student_id=student.id,
            status=CaseStatus.SIGNAAL,
            reason="r",
            owner_id=staff.id,
            opened_by_id=staff.id,
        )

    db.session.add(row())
    with pytest.raises(IntegrityError):
        db.session.flush()
    db.session.rollback()
    with pytest.raises(CaseAlreadyOpen):
        open_case(
            staff, student, reason="r", status=CaseStatus.SIGNAAL, owner=staff, teamleider=None
        )


@pytest.mark.parametrize("field", ["note-text", "note-csrf_token"])
def test_a_nul_character_is_refused_with_a_message(
    client: FlaskClient, staff: User, token: str, make_student: Callable[..., Student], field: str
) -> None:
    """PostgreSQL cannot store NUL: every form refuses it before it reaches the database."""
    case = opened_case(staff, make_student("ZS"))
    data = {"note-csrf_token": token, "note-text": "gebeld"}
    data[field] += "\x00"
    response = client.post(f"/bureau/casussen/{case.id}/notitie", data=data)
    assert response.status_code == 400
    # A broken token is caught first, by the CSRF check, with its own message.
    expected = "ongeldig teken" if field == "note-text" else "beveiligingscode"
    assert expected in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(CaseNote)) == 0
    assert client.get("/zoeken?q=a\x00b").status_code in (400, 404)
