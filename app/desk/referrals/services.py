"""Referrals to chain partners: make one (partner and contact, reason, consent, the date
feedback is due), record its outcome; the open and overdue lists; and the list of partners
beheer keeps. Services add and flush; views commit."""

from __future__ import annotations

from datetime import date, timedelta

from flask_babel import gettext
from sqlalchemy import Select, false, or_, select
from sqlalchemy.orm import joinedload

from app.access.cases import can_work_on_student
from app.audit import record
from app.core import roles
from app.core.localtime import local_today
from app.core.stored_text import N_
from app.core.vocabulary import Consent, PartnerKind, ReferralStatus
from app.desk.common import clean_text, open_case_of
from app.exceptions import DomainError
from app.extensions import db
from app.models import ChainPartner, Location, Referral, Student, User
from app.models.desk import NOTE_TEXT, SHORT_TEXT

OBJECT = "verwijzing"
MAX_FEEDBACK_DAYS = 366


def referrals_visible_to(user: User) -> Select[Referral]:
    query = select(Referral).join(Student, Student.id == Referral.student_id)
    if user.role not in roles.REFERRAL_WORKERS:
        return query.where(false())
    return query.where(Student.location_id.in_(user.location_ids or {-1}))


def partners_for(location_id: int) -> list[ChainPartner]:
    """Active partners for a location (those of every location included), by kind and name."""
    partners = db.session.scalars(
        select(ChainPartner).where(
            ChainPartner.active.is_(True),
            or_(ChainPartner.location_id.is_(None), ChainPartner.location_id == location_id),
        )
    ).all()
    order = {kind: index for index, kind in enumerate(PartnerKind)}
    return sorted(partners, key=lambda p: (order[p.kind], p.name.lower()))


def create_referral(
    user: User,
    student: Student,
    *,
    partner: ChainPartner | None,
    referred_on: date | None,
    contact_person: str | None,
    reason: str | None,
    consent: str | None,
    consent_note: str | None,
    feedback_due: date | None,
    today: date | None = None,
) -> Referral:
    today = today or local_today()
    if not can_work_on_student(user, student):
        raise DomainError(gettext("Je kunt voor deze leerling geen verwijzing vastleggen."))
    if partner is None or partner.id not in {p.id for p in partners_for(student.location_id)}:
        raise DomainError(gettext("Kies een ketenpartner."), field="partner")
    if referred_on is None:
        raise DomainError(gettext("Vul de datum van de verwijzing in."), field="referred_on")
    if referred_on > today:
        raise DomainError(gettext("Die datum ligt in de toekomst."), field="referred_on")
    if feedback_due is None:
        raise DomainError(gettext("Wanneer verwacht je terugkoppeling?"), field="feedback_due")
    if feedback_due < referred_on:
        raise DomainError(
            gettext("De terugkoppeling kan niet vóór de verwijzing liggen."), field="feedback_due"
        )
    if feedback_due > referred_on + timedelta(days=MAX_FEEDBACK_DAYS):
        raise DomainError(
            gettext("Kies een terugkoppeldatum binnen een jaar."), field="feedback_due"
        )
    try:
        consent_value = Consent(consent or "")
    except ValueError:
        raise DomainError(
            gettext("Leg vast of er toestemming is, en van wie."), field="consent"
        ) from None
    note = clean_text(
        consent_note,
        N_("de toelichting"),
        SHORT_TEXT,
        required=consent_value == Consent.GEEN,
        field="consent_note",
    )
    case = open_case_of(student.id)
    referral = Referral(
        student_id=student.id,
        case_id=case.id if case else None,
        partner_id=partner.id,
        referred_on=referred_on,
        contact_person=clean_text(
            contact_person, N_("de contactpersoon"), 120, required=False, field="contact_person"
        ),
        reason=clean_text(reason, N_("de reden"), NOTE_TEXT, required=True, field="reason"),
        consent=consent_value,
        consent_note=note,
        feedback_due=feedback_due,
        status=ReferralStatus.OPEN,
        created_by_id=user.id,
    )
    db.session.add(referral)
    db.session.flush()
    record(user, "create", OBJECT, referral.id, student=student, detail=partner.kind.value)
    return referral


def record_outcome(
    user: User,
    referral: Referral,
    outcome: str | None,
    outcome_on: date | None,
    *,
    today: date | None = None,
) -> None:
    if referral.status != ReferralStatus.OPEN:
        raise DomainError(gettext("Van deze verwijzing is de uitkomst al vastgelegd."))
    if outcome_on is None:
        raise DomainError(gettext("Vul de datum van de terugkoppeling in."), field="outcome_on")
    if outcome_on > (today or local_today()) or outcome_on < referral.referred_on:
        raise DomainError(gettext("Die datum kan niet kloppen."), field="outcome_on")
    referral.outcome = clean_text(
        outcome, N_("de uitkomst"), NOTE_TEXT, required=True, field="outcome"
    )
    referral.outcome_on = outcome_on
    referral.status = ReferralStatus.AFGEROND
    referral.closed_by_id = user.id
    db.session.flush()
    record(user, "update", OBJECT, referral.id, student=referral.student_id, detail="uitkomst")


def find_referral(user: User, referral_id: int) -> Referral | None:
    return db.session.scalar(
        referrals_visible_to(user)
        .where(Referral.id == referral_id)
        .options(
            joinedload(Referral.student).joinedload(Student.location),
            joinedload(Referral.partner),
            joinedload(Referral.created_by),
        )
    )


def record_view(user: User, referral: Referral) -> None:
    record(user, "view", OBJECT, referral.id, student=referral.student_id)


def referrals_for(user: User, *, include_closed: bool = False) -> list[Referral]:
    """Referrals at the user's locations: open ones by due date (overdue first)."""
    query = referrals_visible_to(user).options(
        joinedload(Referral.student).joinedload(Student.location), joinedload(Referral.partner)
    )
    if not include_closed:
        query = query.where(Referral.status == ReferralStatus.OPEN)
    return list(
        db.session.scalars(query.order_by(Referral.status, Referral.feedback_due, Referral.id))
    )


def open_referrals_of(user: User) -> list[Referral]:
    """The user's own open referrals (for "openstaand"), by due date."""
    return list(
        db.session.scalars(
            referrals_visible_to(user)
            .where(Referral.status == ReferralStatus.OPEN, Referral.created_by_id == user.id)
            .options(joinedload(Referral.student), joinedload(Referral.partner))
            .order_by(Referral.feedback_due, Referral.id)
        )
    )


# ---------------------------------------------------------------------------------------------
# The list of chain partners (beheer)


def all_partners() -> list[ChainPartner]:
    partners = db.session.scalars(
        select(ChainPartner).options(joinedload(ChainPartner.location))
    ).all()
    order = {kind: index for index, kind in enumerate(PartnerKind)}
    return sorted(partners, key=lambda p: (not p.active, order[p.kind], p.name.lower()))


def add_partner(
    user: User,
    *,
    kind: str | None,
    name: str | None,
    contact: str | None,
    location: Location | None,
) -> ChainPartner:
    try:
        partner_kind = PartnerKind(kind or "")
    except ValueError:
        raise DomainError(gettext("Kies de soort ketenpartner."), field="kind") from None
    text = clean_text(name, N_("de naam"), 120, required=True, field="name")
    if db.session.scalar(
        select(ChainPartner.id).where(ChainPartner.kind == partner_kind, ChainPartner.name == text)
    ):
        raise DomainError(gettext("Die ketenpartner staat al in de lijst."), field="name")
    partner = ChainPartner(
        kind=partner_kind,
        name=text,
        contact=clean_text(contact, N_("het contact"), 200, required=False, field="contact"),
        location_id=location.id if location else None,
        active=True,
    )
    db.session.add(partner)
    db.session.flush()
    record(user, "create", "ketenpartner", partner.id, detail=partner.kind.value)
    return partner


def set_partner_active(user: User, partner: ChainPartner, active: bool) -> None:
    partner.active = active
    db.session.flush()
    record(user, "update", "ketenpartner", partner.id, detail="actief" if active else "inactief")


def ensure_default_partners() -> int:
    """One partner per kind (named after it) when the list is empty: a starting point."""
    if db.session.scalar(select(ChainPartner.id).limit(1)):
        return 0
    for kind in PartnerKind:
        db.session.add(ChainPartner(kind=kind, name=kind.dutch, contact="", active=True))
    db.session.flush()
    return len(PartnerKind)
