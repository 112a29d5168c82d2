"""Safeguarding data in a subject-access export, in an erasure and in the retention purge
(wired in app/privacy/subject.py and app/privacy/retention.py; issue 23): Meldcode trajecten
with their steps and members, incidents, referrals.

Erasure: the student's trajecten and referrals go; an incident loses the student (an incident
about this student alone goes whole, since its description is about them).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import selectinload

from app.core.sql import rows_affected
from app.core.vocabulary import MeldcodeStatus, ReferralStatus
from app.extensions import db
from app.models import (
    Incident,
    IncidentStudent,
    MeldcodeMember,
    MeldcodeRecord,
    MeldcodeTraject,
    Referral,
    Student,
)
from app.privacy.sections import Section, plain

# The tables with a student column covered here; meldcode_record and meldcode_member go with
# their traject (ON DELETE CASCADE).
SAFEGUARDING_TABLES = {"meldcode_traject", "incident_student", "referral"}


def _name(user: Any) -> str:
    return user.name if user is not None else ""


def meldcode_section(student: Student) -> Section:
    trajecten = db.session.scalars(
        select(MeldcodeTraject)
        .where(MeldcodeTraject.student_id == student.id)
        .options(
            selectinload(MeldcodeTraject.records).selectinload(MeldcodeRecord.author),
            selectinload(MeldcodeTraject.members).selectinload(MeldcodeMember.user),
            selectinload(MeldcodeTraject.owner),
            selectinload(MeldcodeTraject.opened_by),
        )
        .order_by(MeldcodeTraject.opened_at)
    )
    return Section(
        "meldcode",
        "Meldcode-trajecten",
        [
            {
                "geopend_op": plain(t.opened_at),
                "signaal_van": _name(t.opened_by),
                "signaal": t.signal,
                "aandachtsfunctionaris": _name(t.owner),
                "status": t.status.value,
                "stappen": [
                    {
                        "stap": r.step.value,
                        "datum": plain(r.held_on),
                        "door": _name(r.author),
                        "wie_erbij": r.participants,
                        "notities": r.notes,
                        "melden_noodzakelijk": plain(r.report_needed),
                        "hulp_mogelijk": plain(r.help_possible),
                    }
                    for r in t.records
                ],
                "leest_mee": [_name(m.user) for m in t.members],
                "melding_veilig_thuis_op": plain(t.reported_on),
                "kenmerk_veilig_thuis": t.report_reference,
                "afgesloten_op": plain(t.closed_at),
                "reden_afsluiten": t.close_reason,
            }
            for t in trajecten
        ],
    )


def incident_section(student: Student) -> Section:
    rows = db.session.scalars(
        select(IncidentStudent)
        .where(IncidentStudent.student_id == student.id)
        .options(
            selectinload(IncidentStudent.incident).selectinload(Incident.zone),
            selectinload(IncidentStudent.incident).selectinload(Incident.involved),
        )
        .order_by(IncidentStudent.id)
    )
    return Section(
        "incidenten",
        "Incidenten",
        [
            {
                "tijdstip": plain(r.incident.occurred_at),
                "soort": r.incident.kind.value,
                "zone": r.incident.zone.name if r.incident.zone else "",
                "rol": r.role.value,
                "wat_er_gebeurde": r.incident.description,
                "andere_leerlingen": len(r.incident.involved) - 1,
            }
            for r in rows
        ],
    )


def referral_section(student: Student) -> Section:
    referrals = db.session.scalars(
        select(Referral)
        .where(Referral.student_id == student.id)
        .options(selectinload(Referral.partner), selectinload(Referral.created_by))
        .order_by(Referral.referred_on)
    )
    return Section(
        "verwijzingen",
        "Verwijzingen naar ketenpartners",
        [
            {
                "verwezen_op": plain(r.referred_on),
                "door": _name(r.created_by),
                "partner": r.partner.name,
                "soort_partner": r.partner.kind.value,
                "contactpersoon": r.contact_person,
                "reden": r.reason,
                "toestemming": r.consent.value,
                "toelichting_toestemming": r.consent_note,
                "terugkoppeling_uiterlijk": plain(r.feedback_due),
                "status": r.status.value,
                "uitkomst": r.outcome,
                "uitkomst_op": plain(r.outcome_on),
            }
            for r in referrals
        ],
    )


SAFEGUARDING_SECTIONS = [meldcode_section, incident_section, referral_section]


def _alone_in(student: Student) -> Any:
    """Incidents in which ``student`` is the only student."""
    mine = select(IncidentStudent.incident_id).where(IncidentStudent.student_id == student.id)
    others = select(IncidentStudent.incident_id).where(IncidentStudent.student_id != student.id)
    return select(Incident.id).where(Incident.id.in_(mine), Incident.id.not_in(others))


def erase_case_records(student: Student) -> int:
    """Referrals and incident links of ``student`` (desk records; also for a leaver's file)."""
    alone = list(db.session.scalars(_alone_in(student)))
    count = rows_affected(delete(Referral).where(Referral.student_id == student.id))
    count += rows_affected(delete(IncidentStudent).where(IncidentStudent.student_id == student.id))
    if alone:
        count += rows_affected(delete(Incident).where(Incident.id.in_(alone)))
    return count


def erase_safeguarding(student: Student) -> int:
    """Everything here about ``student`` (art. 17): trajecten (with steps and members),
    referrals, incident links."""
    count = erase_case_records(student)
    return count + rows_affected(
        delete(MeldcodeTraject).where(MeldcodeTraject.student_id == student.id)
    )


def _count_or_apply(query: Any, statement: Any, dry_run: bool) -> int:
    count = db.session.scalar(select(func.count()).select_from(query.subquery())) or 0
    if not dry_run and count:
        db.session.execute(statement)
    return count


def purge_closed_trajecten(cutoff: datetime, dry_run: bool) -> int:
    """Meldcode trajecten closed before the cutoff (open ones stay)."""
    old = (MeldcodeTraject.status == MeldcodeStatus.AFGESLOTEN, MeldcodeTraject.closed_at < cutoff)
    return _count_or_apply(
        select(MeldcodeTraject.id).where(*old), delete(MeldcodeTraject).where(*old), dry_run
    )


def anonymise_named_incidents(cutoff: datetime, dry_run: bool) -> int:
    """Incidents older than the period lose their students and description; kind, zone and time
    stay for the report."""
    old = select(Incident.id).where(Incident.occurred_at < cutoff)
    named = old.where(
        Incident.id.in_(select(IncidentStudent.incident_id)) | (Incident.description != "")
    )
    ids = list(db.session.scalars(named))
    if not dry_run and ids:
        db.session.execute(delete(IncidentStudent).where(IncidentStudent.incident_id.in_(ids)))
        db.session.execute(update(Incident).where(Incident.id.in_(ids)).values(description=""))
    return len(ids)


def purge_old_incidents(cutoff: datetime, dry_run: bool) -> int:
    old = Incident.occurred_at < cutoff
    return _count_or_apply(select(Incident.id).where(old), delete(Incident).where(old), dry_run)


def purge_closed_referrals(cutoff: datetime, dry_run: bool) -> int:
    """Referrals whose outcome was recorded before the cutoff (open ones stay)."""
    old = (Referral.status == ReferralStatus.AFGEROND, Referral.outcome_on < cutoff.date())
    return _count_or_apply(select(Referral.id).where(*old), delete(Referral).where(*old), dry_run)
