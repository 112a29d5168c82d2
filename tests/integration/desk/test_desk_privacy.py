"""Desk data in subject access and erasure (app/desk/privacy.py, wired in app/privacy)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

from sqlalchemy import func, inspect, select

from app.core.localtime import local_today
from app.core.vocabulary import CallResult, CaseStatus, Role
from app.desk import privacy
from app.desk.calls.services import create_call, log_attempt
from app.desk.cases.services import add_note, open_case
from app.desk.conversations.services import create_report
from app.desk.detention.services import add_to_session, create_session
from app.desk.handover.services import accept_handover, submit_handover
from app.desk.handover.slots import upcoming_moments
from app.desk.visits.services import plan_visit
from app.extensions import db
from app.models import (
    CallAttempt,
    CaseNote,
    CaseStatusChange,
    Casus,
    ConversationReport,
    DetentionAttendance,
    EntryTriage,
    Handover,
    HandoverSlot,
    HomeVisit,
    Location,
    ParentCall,
    Student,
    User,
)
from tests.desk_helpers import floor_item, handover_input, log_floor, report_input


def test_desk_tables_with_a_student_column_are_all_covered(app: object) -> None:
    desk_tables = {t.name for t in db.metadata.sorted_tables} & {
        "casus",
        "case_status_change",
        "case_note",
        "conversation_report",
        "parent_call",
        "call_attempt",
        "home_visit",
        "detention_session",
        "detention_attendance",
        "handover",
        "handover_slot",
        "entry_triage",
    }
    with_student = {
        table
        for table in desk_tables
        if any(
            fk["referred_table"] == "student" for fk in inspect(db.engine).get_foreign_keys(table)
        )
    }
    assert with_student == privacy.DESK_TABLES


def test_sections_and_erasure(
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira")
    copa = make_user(Role.COPA, ("ZS",))
    student = make_student("ZS", first_name="Lotte")
    bystander = make_student("ZS", first_name="Ander")
    db.session.add(
        HandoverSlot(
            location_id=locations["ZS"].id, weekday=4, starts_at=time(13), place="", active=True
        )
    )
    (entry,) = log_floor(staff, floor_item(locations["ZS"], students=(student.leerlingnummer,)))
    case = open_case(
        staff,
        student,
        reason="zorgen",
        status=CaseStatus.PREVENTIEF,
        owner=staff,
        teamleider=None,
        entry=entry,
    )
    add_note(staff, case, "notitie over Lotte")
    create_report(
        staff,
        student,
        report_input(summary="gesprek", internal_note="intern"),
    )
    call = create_call(staff, student, due=local_today(), assignee=staff, subject="bellen")
    log_attempt(staff, call, CallResult.VOICEMAIL, "ingesproken")
    plan_visit(
        staff,
        student,
        planned_on=local_today() + timedelta(days=1),
        planned_time=time(16),
        staff_one=staff,
        staff_two=None,
        companion="",
        mixed_pair=False,
        reason="kennismaken",
    )
    session = create_session(
        staff,
        location=locations["ZS"],
        held_on=local_today(),
        starts_at=None,
        supervisor=staff,
        note="",
    )
    add_to_session(staff, session, student, "telefoon")
    add_to_session(staff, session, bystander, "ook telefoon")
    handover = submit_handover(
        staff,
        case,
        handover_input(upcoming_moments(locations["ZS"].id)[0].value),
    )
    accept_handover(copa, handover, "")
    db.session.commit()

    sections = {s.key: s for s in (provider(student) for provider in privacy.DESK_SECTIONS)}
    assert sections["casussen"].rows[0]["aanleiding"] == "zorgen"
    assert [c["naar"] for c in sections["casussen"].rows[0]["statuswijzigingen"]] == [
        "preventief",
        "overgedragen_copa",
    ]
    assert sections["casussen"].rows[0]["notities"][0]["tekst"] == "notitie over Lotte"
    assert sections["casussen"].rows[0]["overdrachten"][0]["status"] == "geaccepteerd"
    assert sections["gespreksverslagen"].rows[0]["interne_notitie"] == "intern"
    assert sections["oudercontact"].rows[0]["pogingen"][0]["notitie"] == "ingesproken"
    assert sections["huisbezoeken"].rows[0]["reden"] == "kennismaken"
    assert sections["nablijfklas"].rows[0]["wat_er_gebeurde"] == "telefoon"

    from app.privacy import subject

    # The subject-access export (what beheer's page and `privacy export` show) has them too.
    exported = {section.key for section in subject.subject_access(student)}
    assert {"casussen", "gespreksverslagen", "oudercontact", "huisbezoeken", "nablijfklas"} <= (
        exported
    )
    counts = subject.erase_student(student, make_user(Role.BEHEER, ("ZS",)), "verzoek ouders")
    assert counts["erase_desk"] == 5  # report, call, visit, attendance, case
    db.session.commit()
    for model in (
        Casus,
        CaseStatusChange,
        CaseNote,
        Handover,
        ConversationReport,
        ParentCall,
        CallAttempt,
        HomeVisit,
    ):
        assert db.session.scalar(select(func.count()).select_from(model)) == 0, model
    remaining = db.session.scalars(select(DetentionAttendance)).all()
    assert [a.student_id for a in remaining] == [bystander.id]
    triage = db.session.scalar(select(EntryTriage))
    assert triage is not None and triage.case_id is None  # the anonymous entry's state stays
    assert triage.report_id is None
