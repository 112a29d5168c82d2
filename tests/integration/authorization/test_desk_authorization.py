"""The authorization matrix for desk mode: every desk route × every role × own/other location,
with the semantics of test_authorization_matrix.py (the shared parts, ``DESK_RULES`` among them,
are in tests/matrix_helpers.py).

``DESK_RULES``, ``DESK_ARGUMENTS`` and ``DESK_FIXED`` are written so the global matrix can take
them over as they are (``ROUTE_RULES.update(DESK_RULES)`` …); it then also needs
``session["desk_screened_at"]`` set after signing in (``matrix_failures(desk_screened=True)``, as
done below), so desk pages skip the screened-place confirmation the way exports skip
re-authentication.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from datetime import time, timedelta
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.localtime import local_today
from app.core.vocabulary import CaseStatus, Role
from app.desk.calls.services import create_call
from app.desk.cases.services import open_case
from app.desk.conversations.services import create_report
from app.desk.detention.services import create_session
from app.desk.handover.services import accept_handover, submit_handover
from app.desk.handover.slots import upcoming_moments
from app.desk.incidents.services import IncidentInput, Involved, create_incident
from app.desk.meldcode.services import open_traject
from app.desk.referrals.services import create_referral, ensure_default_partners
from app.desk.visits.services import plan_visit
from app.extensions import db
from app.floor.services import accept_entries
from app.models import (
    ChainPartner,
    DetentionAttendance,
    Flag,
    FloorEntry,
    HandoverSlot,
    QuarantinedEntry,
    Student,
    User,
)
from tests.desk_helpers import floor_item, handover_input, report_input
from tests.matrix_helpers import (
    CASE_WORKERS,
    DESK_RULES,
    Rule,
    World,
    app_routes,
    matrix_failures,
)

DESK_FIXED = {"desk.toggle_mark": {"mark": "rapportage"}}


def _latest_user() -> User:
    """The user the matrix signed in just before building the URL."""
    user = db.session.scalar(select(User).order_by(User.id.desc()).limit(1))
    assert user is not None
    return user


def _desk(w: Any) -> dict[str, Any]:
    """Per location: a case handed over to (and accepted by) COPA with a report, a call, a
    visit, a detention session and a handover slot; built once per test."""
    if "desk" in w.extra:
        return w.extra["desk"]
    built: dict[str, Any] = {}
    for own, location, student in ((True, w.own, w.student), (False, w.other, w.other_student)):
        staff = w.colleague if own else _make(Role.MEDEWERKER, location)
        copa = _make(Role.COPA, location)
        slot = HandoverSlot(
            location_id=location.id, weekday=2, starts_at=time(13), place="", active=True
        )
        db.session.add(slot)
        db.session.flush()
        case = open_case(
            staff, student, reason="r", status=CaseStatus.PREVENTIEF, owner=staff, teamleider=None
        )
        handover = submit_handover(
            staff,
            case,
            handover_input(upcoming_moments(location.id)[0].value),
        )
        accept_handover(copa, handover, "")
        report = create_report(
            staff,
            student,
            report_input(),
        )
        call = create_call(staff, student, due=local_today(), assignee=staff, subject="s")
        visit, _ = plan_visit(
            staff,
            student,
            planned_on=local_today() + timedelta(days=1),
            planned_time=time(15),
            staff_one=staff,
            staff_two=None,
            companion="",
            mixed_pair=False,
            reason="r",
        )
        session = create_session(
            staff,
            location=location,
            held_on=local_today(),
            starts_at=None,
            supervisor=staff,
            note="",
        )
        coordinator = _make(Role.AANDACHTSFUNCTIONARIS, location)
        traject = open_traject(staff, student, signal="s", owner=coordinator)
        incident = create_incident(
            staff,
            IncidentInput(
                location=location,
                zone_id=None,
                kind="pesten",
                day=local_today(),
                at=time(0, 5),
                description="d",
                involved=[Involved(student.leerlingnummer, "dader")],
            ),
        )
        ensure_default_partners()
        referral = create_referral(
            staff,
            student,
            partner=db.session.scalars(select(ChainPartner)).first(),
            referred_on=local_today(),
            contact_person="",
            reason="r",
            consent="ouders",
            consent_note="",
            feedback_due=local_today() + timedelta(days=7),
        )
        built[own] = {
            "traject": traject.id,
            "incident": incident.id,
            "referral": referral.id,
            "case": case.id,
            "handover": handover.id,
            "report": report.id,
            "call": call.id,
            "visit": visit.id,
            "session": session.id,
            "slot": slot.id,
            "staff": staff,
            "location": location,
            "student": student,
        }
    db.session.commit()
    w.extra["desk"] = built
    return built


def _make(role: Role, location: Any) -> User:
    from app.auth.services import create_user

    user = create_user(
        email=f"desk-{uuid.uuid4().hex[:8]}@school.example.nl",
        name="X",
        role=role,
        locations=[location],
        password="correct-horse-battery",
    )
    db.session.flush()
    return user


def _entry_for(w: Any, own: bool, kind: str = "vlag") -> FloorEntry:
    data = _desk(w)[own]
    user = _latest_user() if own else data["staff"]
    if data["location"].id not in user.location_ids:  # signed out: any owner will do
        user = data["staff"]
    location = data["location"]
    student: Student = data["student"]
    item = floor_item(
        location, kind, zone=location.zones[0].name, students=(student.leerlingnummer,)
    )
    accept_entries(user, [item])
    db.session.commit()
    entry = db.session.scalar(select(FloorEntry).where(FloorEntry.uuid == item["uuid"]))
    assert entry is not None
    return entry


def _flag(w: Any, own: bool) -> int:
    entry = _entry_for(w, own)
    flag = db.session.scalar(select(Flag).where(Flag.entry_id == entry.id))
    assert flag is not None
    return flag.id


def _quarantined(w: Any, own: bool) -> int:
    data = _desk(w)[own]
    user = _latest_user() if own else data["staff"]
    item = QuarantinedEntry(uuid=None, staff_id=user.id, payload="{}", reason="r")
    db.session.add(item)
    db.session.commit()
    return item.id


def _report(w: Any, own: bool) -> int:
    data = _desk(w)[own]
    user = _latest_user()
    if own and user.role in CASE_WORKERS:  # their own report, so they may edit it
        report = create_report(
            user,
            data["student"],
            report_input(),
        )
        db.session.commit()
        return report.id
    return data["report"]


def _attendance(w: Any, own: bool) -> int:
    data = _desk(w)[own]
    from app.models import DetentionSession

    session = db.session.get(DetentionSession, data["session"])
    student = Student(
        leerlingnummer=uuid.uuid4().hex[:10],
        first_name="N",
        last_name="N",
        class_name="1A",
        location_id=data["location"].id,
        active=True,
    )
    db.session.add(student)
    db.session.flush()
    attendance = DetentionAttendance(session_id=session.id, student_id=student.id)
    db.session.add(attendance)
    db.session.commit()
    return attendance.id


DESK_ARGUMENTS = {
    "entry_id": lambda w, own: _entry_for(w, own).id,
    "flag_id": _flag,
    "item_id": _quarantined,
    "case_id": lambda w, own: _desk(w)[own]["case"],
    "handover_id": lambda w, own: _desk(w)[own]["handover"],
    "report_id": _report,
    "call_id": lambda w, own: _desk(w)[own]["call"],
    "visit_id": lambda w, own: _desk(w)[own]["visit"],
    "session_id": lambda w, own: _desk(w)[own]["session"],
    "attendance_id": _attendance,
    "slot_id": lambda w, own: _desk(w)[own]["slot"],
    "traject_id": lambda w, own: _desk(w)[own]["traject"],
    "incident_id": lambda w, own: _desk(w)[own]["incident"],
    "referral_id": lambda w, own: _desk(w)[own]["referral"],
    "user_id": lambda w, own: _desk(w)[own]["staff"].id,
}


def _url(rule: str, endpoint: str, w: World, own: bool) -> str:
    fixed = DESK_FIXED.get(endpoint, {})

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name in fixed:
            return str(fixed[name])
        if name == "leerlingnummer":
            return (w.student if own else w.other_student).leerlingnummer
        return str(DESK_ARGUMENTS[name](w, own))

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "desk_route" in metafunc.fixturenames:
        from app import create_app

        routes = [r for r in app_routes(create_app("testing")) if r[0].startswith("desk.")]
        metafunc.parametrize("desk_route", routes, ids=[f"{m} {e}" for e, _, m in routes])


def test_every_desk_route_has_a_rule(app: Flask) -> None:
    endpoints = {endpoint for endpoint, _, _ in app_routes(app) if endpoint.startswith("desk.")}
    assert endpoints == set(DESK_RULES)


def test_desk_route_answers_as_its_rule_says(
    client: FlaskClient,
    world: World,
    make_user: Callable[..., User],
    desk_route: tuple[str, str, str],
) -> None:
    endpoint, rule_text, method = desk_route
    rule: Rule = DESK_RULES[endpoint]
    failures = matrix_failures(
        client,
        make_user,
        rule,
        method,
        lambda own: _url(rule_text, endpoint, world, own),
        desk_screened=True,
    )
    db.session.rollback()
    assert not failures, f"{method} {rule_text}: " + "; ".join(failures)
