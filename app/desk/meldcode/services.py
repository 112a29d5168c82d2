"""Meldcode trajecten: opening one (a signal, which alerts the aandachtsfunctionaris), recording
the five steps and the melding at Veilig Thuis, the people added by name, the owner, closing.
Every view and change is audited. Services add and flush; the view commits."""

from __future__ import annotations

from datetime import date, datetime, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.access.meldcode import access_to, open_traject_known_to, trajecten_readable_by
from app.access.meldcode_rules import may_signal
from app.alerts.services import raise_alert
from app.audit import record
from app.core import roles
from app.core.localtime import local_today
from app.core.stored_text import N_
from app.core.vocabulary import AlertKind, Answer, MeldcodeStatus, MeldcodeStep
from app.desk.common import clean_text, staff_at
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    FloorEntry,
    MeldcodeMember,
    MeldcodeRecord,
    MeldcodeTraject,
    Student,
    User,
)
from app.models.desk import LONG_TEXT, SHORT_TEXT
from app.models.types import utcnow

OBJECT = "meldcode_traject"


def coordinators_at(location_id: int) -> list[User]:
    return staff_at(location_id, roles.MELDCODE_COORDINATORS)


def open_traject(
    user: User,
    student: Student,
    *,
    signal: str | None,
    owner: User | None,
    entry: FloorEntry | None = None,
    now: datetime | None = None,
) -> MeldcodeTraject:
    """Open a traject for ``student`` (a Meldcode signal): the aandachtsfunctionaris owns it
    and is alerted at once; whoever opened it is added by name (they know what they saw)."""
    if not may_signal(user.role, student.location_id in user.location_ids):
        raise DomainError(gettext("Je kunt voor deze leerling geen Meldcode-signaal vastleggen."))
    existing = open_traject_known_to(user, student)
    if existing is not None:
        ask = existing.owner.name if existing.owner else "de aandachtsfunctionaris"
        raise DomainError(
            gettext(
                (
                    "Er loopt al een Meldcode-traject voor deze leerling. Bespreek je "
                    "signaal met %(ask)s."
                ),
                ask=ask,
            )
        )
    text = clean_text(signal, N_("wat je zag of hoorde"), LONG_TEXT, required=True, field="signal")
    coordinators = coordinators_at(student.location_id)
    if owner is not None and owner.id not in {c.id for c in coordinators}:
        raise DomainError(
            gettext("%(name)s is geen aandachtsfunctionaris van deze locatie.", name=owner.name),
            field="owner",
        )
    if owner is None and coordinators:
        owner = coordinators[0]
    traject = MeldcodeTraject(
        student_id=student.id,
        status=MeldcodeStatus.OPEN,
        owner_id=owner.id if owner else None,
        opened_by_id=user.id,
        opened_at=now or utcnow(),
        signal=text,
        entry_id=entry.id if entry is not None else None,
    )
    db.session.add(traject)
    db.session.flush()
    if user.role not in roles.MELDCODE_COORDINATORS:
        db.session.add(MeldcodeMember(traject_id=traject.id, user_id=user.id, added_by_id=user.id))
    record(user, "create", OBJECT, traject.id, student=student)
    raise_alert(AlertKind.MELDCODE, student.location_id, traject_id=traject.id, now=now)
    db.session.flush()
    return traject


def _check(user: User, traject: MeldcodeTraject, what: str) -> None:
    access = access_to(user, traject)
    allowed = access.manage if what == "manage" else access.record
    if not allowed:
        if not traject.is_open:
            raise DomainError(gettext("Dit traject is afgesloten."))
        raise DomainError(gettext("Alleen de aandachtsfunctionaris kan dit doen."))


def record_step(
    user: User,
    traject: MeldcodeTraject,
    *,
    step: str | None,
    held_on: date | None,
    participants: str | None,
    notes: str | None,
    report_needed: str | None = None,
    help_possible: str | None = None,
    today: date | None = None,
) -> MeldcodeRecord:
    """Record one step as it was taken. Step 5 answers both questions of the afwegingskader
    explicitly: is melden noodzakelijk, and is hulp verlenen of organiseren (ook) mogelijk."""
    _check(user, traject, "record")
    try:
        kind = MeldcodeStep(step or "")
    except ValueError:
        raise DomainError(gettext("Kies de stap."), field="step") from None
    if held_on is None:
        raise DomainError(gettext("Vul de datum in."), field="held_on")
    if held_on > (today or local_today()):
        raise DomainError(gettext("Die datum ligt in de toekomst."), field="held_on")
    if held_on < traject.opened_at.date() - timedelta(days=366):
        raise DomainError(
            gettext("Die datum ligt ver voor het begin van het traject."), field="held_on"
        )
    answers: dict[str, Answer | None] = {"report_needed": None, "help_possible": None}
    if kind == MeldcodeStep.BESLISSEN:
        for name, value in (("report_needed", report_needed), ("help_possible", help_possible)):
            try:
                answers[name] = Answer(value or "")
            except ValueError:
                raise DomainError(
                    gettext(
                        "Beantwoord bij stap 5 beide vragen van het afwegingskader met ja of nee."
                    ),
                    field=name,
                ) from None
    entry = MeldcodeRecord(
        traject_id=traject.id,
        step=kind,
        held_on=held_on,
        author_id=user.id,
        participants=clean_text(
            participants, N_("wie erbij waren"), SHORT_TEXT, required=False, field="participants"
        ),
        notes=clean_text(
            notes,
            N_("wat er gezien, gezegd of gewogen is"),
            LONG_TEXT,
            required=True,
            field="notes",
        ),
        **answers,
    )
    db.session.add(entry)
    db.session.flush()
    record(user, "update", OBJECT, traject.id, student=traject.student_id, detail=f"stap {kind}")
    return entry


def record_melding(
    user: User,
    traject: MeldcodeTraject,
    *,
    reported_on: date | None,
    reference: str | None,
    today: date | None = None,
) -> None:
    """The melding at Veilig Thuis: the date and Veilig Thuis's reference."""
    _check(user, traject, "record")
    if traject.reported_on is not None:
        raise DomainError(gettext("De melding bij Veilig Thuis is al vastgelegd."))
    if reported_on is None:
        raise DomainError(gettext("Vul de datum van de melding in."), field="reported_on")
    if reported_on > (today or local_today()):
        raise DomainError(gettext("Die datum ligt in de toekomst."), field="reported_on")
    traject.reported_on = reported_on
    traject.report_reference = clean_text(
        reference, N_("het kenmerk van Veilig Thuis"), 60, required=True, field="reference"
    )
    traject.reported_by_id = user.id
    db.session.flush()
    record(user, "update", OBJECT, traject.id, student=traject.student_id, detail="melding VT")


def member_candidates(traject: MeldcodeTraject) -> list[User]:
    """Who the aandachtsfunctionaris may add: staff of the student's location who work with
    students, not yet added (and not the owner)."""
    present = {m.user_id for m in traject.members} | {traject.owner_id}
    return [
        u
        for u in staff_at(traject.student.location_id, roles.MELDCODE_SIGNALLERS)
        if u.id not in present
    ]


def add_member(user: User, traject: MeldcodeTraject, member: User | None) -> MeldcodeMember:
    _check(user, traject, "manage")
    if member is None or member.id not in {u.id for u in member_candidates(traject)}:
        raise DomainError(gettext("Kies een collega van deze locatie."), field="user")
    row = MeldcodeMember(traject_id=traject.id, user_id=member.id, added_by_id=user.id)
    db.session.add(row)
    db.session.flush()
    record(
        user, "update", OBJECT, traject.id, student=traject.student_id, detail=f"+lid {member.id}"
    )
    return row


def remove_member(user: User, traject: MeldcodeTraject, member_id: int) -> None:
    _check(user, traject, "manage")
    row = next((m for m in traject.members if m.user_id == member_id), None)
    if row is None:
        raise DomainError(gettext("Die collega hoort niet (meer) bij dit traject."))
    traject.members.remove(row)
    db.session.flush()
    record(
        user, "update", OBJECT, traject.id, student=traject.student_id, detail=f"-lid {member_id}"
    )


def set_owner(user: User, traject: MeldcodeTraject, owner: User | None) -> None:
    _check(user, traject, "manage")
    if owner is None or owner.id not in {
        c.id for c in coordinators_at(traject.student.location_id)
    }:
        raise DomainError(
            gettext("Kies een aandachtsfunctionaris van deze locatie."), field="owner"
        )
    traject.owner_id = owner.id
    db.session.flush()
    record(user, "update", OBJECT, traject.id, student=traject.student_id, detail="eigenaar")


def close_traject(
    user: User, traject: MeldcodeTraject, reason: str | None, *, now: datetime | None = None
) -> None:
    _check(user, traject, "manage")
    decided = any(r.step == MeldcodeStep.BESLISSEN for r in traject.records)
    if not decided:
        raise DomainError(
            gettext("Leg eerst stap 5 vast (de twee beslissingen) voordat je het traject afsluit.")
        )
    traject.close_reason = clean_text(
        reason, N_("een reden"), SHORT_TEXT, required=True, field="reason"
    )
    traject.status = MeldcodeStatus.AFGESLOTEN
    traject.closed_at = now or utcnow()
    traject.closed_by_id = user.id
    db.session.flush()
    record(user, "update", OBJECT, traject.id, student=traject.student_id, detail="afgesloten")


def record_view(user: User, traject: MeldcodeTraject) -> None:
    """Every view of a traject's content is audited."""
    record(user, "view", OBJECT, traject.id, student=traject.student_id)


def load_for_page(traject: MeldcodeTraject) -> MeldcodeTraject:
    """The traject with its steps (and authors) and members loaded for the page."""
    return db.session.scalars(
        select(MeldcodeTraject)
        .where(MeldcodeTraject.id == traject.id)
        .options(
            selectinload(MeldcodeTraject.records).joinedload(MeldcodeRecord.author),
            selectinload(MeldcodeTraject.members).joinedload(MeldcodeMember.user),
            joinedload(MeldcodeTraject.opened_by),
            joinedload(MeldcodeTraject.reported_by),
            joinedload(MeldcodeTraject.closed_by),
        )
    ).one()


def trajecten_for(user: User, *, include_closed: bool = False) -> list[MeldcodeTraject]:
    query = trajecten_readable_by(user).options(
        joinedload(MeldcodeTraject.student).joinedload(Student.location),
        joinedload(MeldcodeTraject.owner),
    )
    if not include_closed:
        query = query.where(MeldcodeTraject.status == MeldcodeStatus.OPEN)
    return list(db.session.scalars(query.order_by(MeldcodeTraject.opened_at.desc())))
