"""Referrals to chain partners: what one records, the open and overdue lists of the desk and
the digest, the outcome, the partner list beheer keeps, and calendar files (a home visit, a
COPA moment, a referral's feedback date) that name no student."""

from __future__ import annotations

from collections.abc import Callable
from datetime import time, timedelta

import pytest
from flask.testing import FlaskClient
from icalendar import Calendar
from sqlalchemy import select

from app.core.localtime import local_today
from app.core.vocabulary import Consent, PartnerKind, ReferralStatus, Role
from app.desk.referrals.services import (
    create_referral,
    ensure_default_partners,
    partners_for,
    record_outcome,
)
from app.desk.visits.services import plan_visit
from app.digest.builder import build_digest
from app.digest.model import ActionKind
from app.exceptions import DomainError
from app.extensions import db
from app.models import AuditEvent, ChainPartner, Referral, Student, User
from tests.client_helpers import hidden_fields

Client = Callable[[User], FlaskClient]


def partner(kind: PartnerKind) -> ChainPartner:
    ensure_default_partners()
    found = db.session.scalars(select(ChainPartner).where(ChainPartner.kind == kind)).first()
    assert found is not None
    return found


def refer(
    user: User, student: Student, *, days_ago: int = 0, due_in: int = 14, **changes: object
) -> Referral:
    today = local_today()
    values: dict[str, object] = {
        "partner": partner(PartnerKind.SMW),
        "referred_on": today - timedelta(days=days_ago),
        "contact_person": "Fatma Yilmaz",
        "reason": "somber na pesten",
        "consent": "ouders_en_leerling",
        "consent_note": "",
        "feedback_due": today - timedelta(days=days_ago) + timedelta(days=due_in),
    }
    values.update(changes)
    referral = create_referral(user, student, **values)  # type: ignore[arg-type]
    db.session.commit()
    return referral


def test_a_referral_from_the_student_page(
    client_for: Client, staff: User, student: Student
) -> None:
    ensure_default_partners()
    db.session.commit()
    client = client_for(staff)
    page = client.get(f"/leerlingen/{student.leerlingnummer}").get_data(as_text=True)
    path = f"/bureau/leerling/{student.leerlingnummer}/verwijzing/nieuw"
    assert path in page
    html = client.get(path).get_data(as_text=True)
    leerplicht = partner(PartnerKind.LEERPLICHT)
    form = {
        **hidden_fields(html, path),
        "partner": leerplicht.id,
        "contact_person": "R. de Graaf",
        "referred_on": local_today().isoformat(),
        "reason": "structureel verzuim",
        "consent": "geen",
        "consent_note": "",
        "feedback_due": (local_today() + timedelta(days=10)).isoformat(),
    }
    assert client.post(path, data=form).status_code == 400  # no consent: say why
    form.update(hidden_fields(client.get(path).get_data(as_text=True), path))
    form["consent_note"] = "wettelijke taak leerplicht; ouders ingelicht"
    assert client.post(path, data=form).status_code == 302
    referral = db.session.scalars(select(Referral)).one()
    assert (referral.consent, referral.status) == (Consent.GEEN, ReferralStatus.OPEN)
    assert referral.partner_id == leerplicht.id and referral.contact_person == "R. de Graaf"


def test_what_a_referral_needs(staff: User, student: Student) -> None:
    with pytest.raises(DomainError, match="vóór de verwijzing"):
        refer(staff, student, due_in=-1)
    with pytest.raises(DomainError, match="toekomst"):
        refer(staff, student, days_ago=-1)
    with pytest.raises(DomainError, match="toestemming"):
        refer(staff, student, consent="")


def test_open_and_overdue_in_the_desk_and_the_digest(
    client_for: Client, staff: User, student: Student, make_student: Callable[..., Student]
) -> None:
    late = refer(staff, student, days_ago=20, due_in=10)
    waiting = refer(staff, make_student("ZS"), due_in=5)
    outstanding = client_for(staff).get("/bureau/openstaand").get_data(as_text=True)
    assert "Verwijzingen: wacht op terugkoppeling" in outstanding
    assert outstanding.index(f"/bureau/verwijzingen/{late.id}") < outstanding.index(
        f"/bureau/verwijzingen/{waiting.id}"
    )
    listing = client_for(staff).get("/bureau/verwijzingen").get_data(as_text=True)
    assert "te laat" in listing
    digest = build_digest(student.location, local_today())
    assert digest.referrals.open == 2 and len(digest.referrals.overdue) == 1
    [action] = [a for a in digest.actions if a.kind == ActionKind.VERWIJZING]
    assert action.students[0].label == "L.V. · 2B" and action.detail == PartnerKind.SMW
    record_outcome(staff, late, "intake gedaan, gesprekken lopen", local_today())
    db.session.commit()
    assert build_digest(student.location, local_today()).referrals.overdue == []
    assert "Geen openstaande" not in client_for(staff).get("/bureau/openstaand").get_data(
        as_text=True
    )


def test_beheer_keeps_the_partner_list(
    client_for: Client, student: Student, make_user: Callable[..., User]
) -> None:
    admin = client_for(make_user(Role.BEHEER, ("ZS",)))
    html = admin.get("/beheer/ketenpartners").get_data(as_text=True)
    form = {"kind": "jeugdteam", "name": "Jeugdteam Zuid", "contact": "", "location": 0}
    token = hidden_fields(html, "/beheer/ketenpartners")
    assert admin.post("/beheer/ketenpartners", data={**token, **form}).status_code == 302
    named = select(ChainPartner).where(ChainPartner.name == "Jeugdteam Zuid")
    added = db.session.scalars(named).one()
    assert added in partners_for(student.location_id)
    html = admin.get("/beheer/ketenpartners").get_data(as_text=True)
    toggle = hidden_fields(html, f"/beheer/ketenpartners/{added.id}/actief")
    admin.post(f"/beheer/ketenpartners/{added.id}/actief", data={**toggle, "aan": "0"})
    db.session.expire_all()
    assert added not in partners_for(student.location_id)


def ics_of(client: FlaskClient, path: str) -> tuple[str, Calendar]:
    response = client.get(path)
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    text = response.get_data(as_text=True)
    return text, Calendar.from_ical(text)


def test_calendar_files_name_no_student(
    client_for: Client, staff: User, leader: User, student: Student
) -> None:
    referral = refer(staff, student)
    visit, _ = plan_visit(
        staff,
        student,
        planned_on=local_today() + timedelta(days=3),
        planned_time=time(15, 30),
        staff_one=staff,
        staff_two=leader,
        companion="",
        mixed_pair=True,
        reason="kennismaken",
    )
    db.session.commit()
    client = client_for(staff)
    for path, summary in (
        (f"/bureau/verwijzingen/{referral.id}/agenda.ics", "Terugkoppeling verwijzing"),
        (f"/bureau/huisbezoeken/{visit.id}/agenda.ics", "Huisbezoek L.V. · 2B"),
    ):
        text, calendar = ics_of(client, path)
        [event] = calendar.walk("VEVENT")
        assert summary in str(event["SUMMARY"]) and "L.V. · 2B" in str(event["SUMMARY"])
        assert str(event["URL"]).startswith("http")
        for value in (student.first_name, student.last_name, student.leerlingnummer):
            assert value not in text
    _text, calendar = ics_of(client, f"/bureau/verwijzingen/{referral.id}/agenda.ics")
    [event] = calendar.walk("VEVENT")
    assert event.decoded("DTSTART") == referral.feedback_due  # a whole day
    exports = db.session.scalars(
        select(AuditEvent.object_type).where(AuditEvent.detail == "agenda")
    ).all()
    assert sorted(exports) == ["huisbezoek", "verwijzing", "verwijzing"]
