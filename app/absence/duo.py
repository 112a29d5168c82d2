"""The DUO melding itself: from a 16-hour signal, record that the school made the melding at
DUO's verzuimloket (date, by whom, reference), and later the contact with the
leerplichtambtenaar and the verzuimgesprek. Recording it closes the DUO reminder; a melding
after an earlier one is a follow-up. Services add and flush; the view commits."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.absence import duo_rules
from app.absence.signals import signal_query
from app.audit import record
from app.core.localtime import local_today
from app.core.vocabulary import AbsenceRule
from app.exceptions import DomainError
from app.extensions import db
from app.models import AbsenceSignal, DuoMelding, Student, User
from app.models.types import utcnow

OBJECT = "duo_melding"


def _text(value: str | None, label: str, limit: int, *, required: bool, field: str) -> str:
    text = (value or "").strip()
    if required and not text:
        raise DomainError(gettext("Vul %(label)s in.", label=label), field=field)
    if len(text) > limit:
        raise DomainError(gettext("Hoogstens %(limit)s tekens.", limit=limit), field=field)
    return text


def earlier_meldingen(student_id: int, before: date) -> list[DuoMelding]:
    return list(
        db.session.scalars(
            select(DuoMelding)
            .where(DuoMelding.student_id == student_id, DuoMelding.window_end < before)
            .order_by(DuoMelding.reported_on)
        )
    )


def follow_up_for(signal: AbsenceSignal) -> bool:
    """Whether a melding for this signal would be a follow-up (a vervolgmelding)."""
    earlier = earlier_meldingen(signal.student_id, signal.window_start)
    return duo_rules.is_follow_up(signal.window_start, [m.window_end for m in earlier])


def melding_of(signal: AbsenceSignal) -> DuoMelding | None:
    return db.session.scalar(select(DuoMelding).where(DuoMelding.signal_id == signal.id))


def find_signal_for_melding(user: User, signal_id: int) -> AbsenceSignal | None:
    """A 16-hour signal of a student ``user`` may see, else None."""
    query = signal_query(user, include_inactive=True).where(
        AbsenceSignal.id == signal_id, AbsenceSignal.rule == AbsenceRule.ZESTIEN_UUR
    )
    return db.session.scalar(query)


def record_melding(
    user: User,
    signal: AbsenceSignal,
    *,
    reported_on: date | None,
    reference: str | None,
    leerplicht_contact: str | None = None,
    today: date | None = None,
) -> DuoMelding:
    """Record the melding made at DUO for ``signal``; it closes the DUO reminder (the signal is
    acknowledged with the melding, unless someone acknowledged it before)."""
    today = today or local_today()
    if signal.rule != AbsenceRule.ZESTIEN_UUR:
        raise DomainError(
            gettext("Alleen een signaal van 16 uur ongeoorloofd verzuim wordt gemeld.")
        )
    if melding_of(signal) is not None:
        raise DomainError(gettext("Voor dit signaal is de melding bij DUO al vastgelegd."))
    if reported_on is None:
        raise DomainError(gettext("Vul de datum van de melding in."), field="reported_on")
    if reported_on > today or reported_on < signal.window_end - timedelta(days=1):
        raise DomainError(
            gettext("De melding ligt na het bereiken van de 16 uur en niet in de toekomst."),
            field="reported_on",
        )
    melding = DuoMelding(
        student_id=signal.student_id,
        signal_id=signal.id,
        reported_on=reported_on,
        reported_by_id=user.id,
        reference=_text(reference, "het kenmerk van DUO", 60, required=True, field="reference"),
        window_start=signal.window_start,
        window_end=signal.window_end,
        hours=signal.hours,
        follow_up=follow_up_for(signal),
        leerplicht_contact=_text(
            leerplicht_contact,
            "de leerplichtambtenaar",
            120,
            required=False,
            field="leerplicht_contact",
        ),
    )
    db.session.add(melding)
    if signal.acknowledged_at is None:
        kind = "vervolgmelding" if melding.follow_up else "melding"
        signal.acknowledged_by_id = user.id
        signal.acknowledged_at = utcnow()
        signal.acknowledgement_note = (
            f"Gemeld bij DUO ({kind}) op {reported_on:%d-%m-%Y}, kenmerk {melding.reference}."
        )[:500]
    db.session.flush()
    record(user, "create", OBJECT, melding.id, student=signal.student_id)
    return melding


def record_follow_up(
    user: User,
    melding: DuoMelding,
    *,
    leerplicht_contact: str | None,
    contacted_on: date | None,
    conversation_on: date | None,
    conversation_note: str | None,
    today: date | None = None,
) -> None:
    """The leerplichtambtenaar's follow-up: who, when contact was made, the verzuimgesprek."""
    today = today or local_today()
    for value, field in ((contacted_on, "contacted_on"), (conversation_on, "conversation_on")):
        if value is not None and (
            value > today + timedelta(days=120) or value < melding.reported_on
        ):
            raise DomainError(gettext("Die datum kan niet kloppen."), field=field)
    melding.leerplicht_contact = _text(
        leerplicht_contact,
        "de leerplichtambtenaar",
        120,
        required=False,
        field="leerplicht_contact",
    )
    melding.contacted_on = contacted_on
    melding.conversation_on = conversation_on
    melding.conversation_note = _text(
        conversation_note, "de notitie", 500, required=False, field="conversation_note"
    )
    db.session.flush()
    record(user, "update", OBJECT, melding.id, student=melding.student_id)


def find_melding(user: User, melding_id: int) -> DuoMelding | None:
    """A melding about a student ``user`` may see (the signal list's rule), else None."""
    melding = db.session.scalar(
        select(DuoMelding)
        .where(DuoMelding.id == melding_id)
        .options(joinedload(DuoMelding.student).joinedload(Student.location))
    )
    if melding is None or melding.student.location_id not in user.location_ids:
        return None
    return melding


def meldingen_of(student: Student) -> list[DuoMelding]:
    return list(
        db.session.scalars(
            select(DuoMelding)
            .where(DuoMelding.student_id == student.id)
            .options(joinedload(DuoMelding.reported_by))
            .order_by(DuoMelding.reported_on)
        )
    )
