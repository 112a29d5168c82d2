"""Retention: how long each kind of data is kept, and the purge that enforces it.

Each rule deletes or anonymises what has passed its period. Rules are idempotent (a second run
finds nothing more) and report counts; ``dry_run`` counts without changing anything. Periods
are set in ``RETENTION_DAYS`` (config/settings.py) and explained in docs/privacy.md.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import Exists, Select, delete, exists, func, select, update

from app.absence.privacy import purge_absence_of_leavers
from app.core.vocabulary import FlagStatus
from app.desk.privacy import erase_desk, purge_closed_cases, purge_loose_desk_records
from app.desk.safeguarding_privacy import (
    anonymise_named_incidents,
    erase_case_records,
    purge_closed_referrals,
    purge_closed_trajecten,
    purge_old_incidents,
)
from app.extensions import db
from app.models import (
    Alert,
    AuditEvent,
    ClimateCheck,
    Flag,
    FloorEntry,
    FormSubmission,
    ImportRun,
    PushSubscription,
    QuarantinedEntry,
    Student,
    StudentImportUpload,
)
from app.models.floor import floor_entry_student
from app.models.types import utcnow
from app.privacy.subject import erase_floor
from app.pulse.services import purge_devices_of_ended_peilingen


@dataclass(frozen=True)
class RetentionRule:
    key: str  # the key in RETENTION_DAYS
    description: str  # Dutch, shown by the purge command
    apply: Callable[[datetime, bool], int]  # (cutoff, dry_run) -> affected rows


def _count(query: Select[Any]) -> int:
    return db.session.scalar(select(func.count()).select_from(query.subquery())) or 0


def _has_students() -> Exists:
    return exists().where(floor_entry_student.c.entry_id == FloorEntry.id)


def purge_anonymous_entries(cutoff: datetime, dry_run: bool) -> int:
    """Floor entries without a student: kept for the trend reports, then deleted."""
    old = select(FloorEntry.id).where(FloorEntry.occurred_at < cutoff, ~_has_students())
    count = _count(old)
    if not dry_run and count:
        ids = list(db.session.scalars(old))
        db.session.execute(update(Flag).where(Flag.entry_id.in_(ids)).values(entry_id=None))
        db.session.execute(delete(FloorEntry).where(FloorEntry.id.in_(ids)))
    return count


def anonymise_named_entries(cutoff: datetime, dry_run: bool) -> int:
    """Floor entries about named students: after the period the link to the students and the
    note are removed; the anonymous count (kind, zone, time) stays for the reports."""
    old = select(FloorEntry.id).where(FloorEntry.occurred_at < cutoff, _has_students())
    noted = select(FloorEntry.id).where(FloorEntry.occurred_at < cutoff, FloorEntry.note != "")
    ids = set(db.session.scalars(old)) | set(db.session.scalars(noted))
    if not dry_run and ids:
        db.session.execute(
            delete(floor_entry_student).where(floor_entry_student.c.entry_id.in_(ids))
        )
        db.session.execute(update(FloorEntry).where(FloorEntry.id.in_(ids)).values(note=""))
    return len(ids)


def purge_handled_flags(cutoff: datetime, dry_run: bool) -> int:
    """Flags that were handled before the cutoff (open flags stay until handled)."""
    old = select(Flag.id).where(Flag.status == FlagStatus.AFGEHANDELD, Flag.raised_at < cutoff)
    count = _count(old)
    if not dry_run and count:
        db.session.execute(delete(Flag).where(Flag.id.in_(list(db.session.scalars(old)))))
    return count


def purge_quarantine(cutoff: datetime, dry_run: bool) -> int:
    """Entries the server could not accept, once the period has passed since they last arrived
    (an entry sent again and again is one row: its last arrival counts)."""
    last = func.coalesce(QuarantinedEntry.last_received_at, QuarantinedEntry.received_at)
    old = select(QuarantinedEntry.id).where(last < cutoff)
    count = _count(old)
    if not dry_run and count:
        db.session.execute(delete(QuarantinedEntry).where(last < cutoff))
    return count


def purge_climate_checks(cutoff: datetime, dry_run: bool) -> int:
    old = select(ClimateCheck.id).where(ClimateCheck.checked_at < cutoff)
    count = _count(old)
    if not dry_run and count:
        db.session.execute(delete(ClimateCheck).where(ClimateCheck.checked_at < cutoff))
    return count


def purge_audit_log(cutoff: datetime, dry_run: bool) -> int:
    """The audit trail itself has a period too; this is the only way events are removed."""
    old = select(AuditEvent.id).where(AuditEvent.at < cutoff)
    count = _count(old)
    if not dry_run and count:
        db.session.execute(delete(AuditEvent).where(AuditEvent.at < cutoff))
    return count


def purge_form_submissions(cutoff: datetime, dry_run: bool) -> int:
    """The one-time tokens of sent forms: only needed while a page could be sent again."""
    old = select(FormSubmission.id).where(FormSubmission.submitted_at < cutoff)
    count = _count(old)
    if not dry_run and count:
        db.session.execute(delete(FormSubmission).where(FormSubmission.submitted_at < cutoff))
    return count


def purge_student_import_uploads(cutoff: datetime, dry_run: bool) -> int:
    """Student exports uploaded for a preview that was never confirmed (they hold names)."""
    old = select(StudentImportUpload.id).where(StudentImportUpload.uploaded_at < cutoff)
    count = _count(old)
    if not dry_run and count:
        db.session.execute(delete(StudentImportUpload).where(StudentImportUpload.id.in_(old)))
    return count


def clear_import_reports(cutoff: datetime, dry_run: bool) -> int:
    """The messages of the import history (row messages and previews can name students); the
    rows themselves (when, file, kind, rows, result) stay, and so does the inbox's claim on a
    file's content, so an old file dropped again is still not imported twice."""
    old = select(ImportRun.id).where(ImportRun.started_at < cutoff, ImportRun.message != "")
    count = _count(old)
    if not dry_run and count:
        db.session.execute(
            update(ImportRun)
            .where(ImportRun.started_at < cutoff, ImportRun.message != "")
            .values(message="")
        )
    return count


def purge_alerts(cutoff: datetime, dry_run: bool) -> int:
    """Urgent alerts (contentless) with their receipts and push messages."""
    old = select(Alert.id).where(Alert.created_at < cutoff)
    count = _count(old)
    if not dry_run and count:
        db.session.execute(delete(Alert).where(Alert.created_at < cutoff))
    return count


def purge_push_subscriptions(cutoff: datetime, dry_run: bool) -> int:
    """Devices that received no push message for the whole period (or never, since then)."""
    last = func.coalesce(PushSubscription.last_success_at, PushSubscription.created_at)
    old = select(PushSubscription.id).where(last < cutoff)
    count = _count(old)
    if not dry_run and count:
        db.session.execute(delete(PushSubscription).where(PushSubscription.id.in_(old)))
    return count


ANONYMISED_LAST_NAME = "(vertrokken)"


def anonymise_leavers(cutoff: datetime, dry_run: bool) -> int:
    """The pupil file of a student who left before ``cutoff``: their floor links, flags and desk
    records are erased and the name, class and mentor blanked. The record itself stays, with
    its leerlingnummer, while absence data must still be kept (``absence_of_leavers``) and so the
    audit trail stays explainable; returns the number of students (to be) anonymised."""
    leavers = db.session.scalars(
        select(Student).where(
            Student.active.is_(False),
            Student.left_at.is_not(None),
            Student.left_at < cutoff,
            Student.last_name != ANONYMISED_LAST_NAME,
        )
    ).all()
    if dry_run:
        return len(leavers)
    for student in leavers:
        erase_case_records(student)
        erase_desk(student)
        erase_floor(student)
        student.first_name = ""
        student.tussenvoegsel = ""
        student.last_name = ANONYMISED_LAST_NAME
        student.class_name = ""
        student.mentor = ""
    return len(leavers)


RULES: list[RetentionRule] = [
    RetentionRule(
        "anonymous_floor_entries", "anonieme vloerregistraties verwijderd", purge_anonymous_entries
    ),
    RetentionRule(
        "named_floor_entries",
        "vloerregistraties over leerlingen geanonimiseerd",
        anonymise_named_entries,
    ),
    RetentionRule("handled_flags", "afgehandelde vlaggen verwijderd", purge_handled_flags),
    RetentionRule(
        "quarantined_entries", "niet-geaccepteerde registraties verwijderd", purge_quarantine
    ),
    RetentionRule("climate_checks", "klimaatchecks verwijderd", purge_climate_checks),
    RetentionRule(
        "closed_cases",
        "afgesloten casussen met hun verslagen, oudercontacten en huisbezoeken verwijderd",
        purge_closed_cases,
    ),
    RetentionRule(
        "desk_records_without_case",
        "losse gespreksverslagen, oudercontacten, huisbezoeken en nablijfklassen verwijderd",
        purge_loose_desk_records,
    ),
    RetentionRule(
        "students_who_left",
        "leerlingdossiers van vertrokken leerlingen geanonimiseerd",
        anonymise_leavers,
    ),
    RetentionRule(
        "absence_of_leavers",
        "verzuimregistraties en -signalen van vertrokken leerlingen verwijderd",
        purge_absence_of_leavers,
    ),
    RetentionRule(
        "peiling_devices",
        "apparaatregister van afgelopen leerlingpeilingen geleegd",
        purge_devices_of_ended_peilingen,
    ),
    RetentionRule("audit_log", "auditgebeurtenissen verwijderd", purge_audit_log),
    RetentionRule(
        "form_submissions", "tokens van verstuurde formulieren verwijderd", purge_form_submissions
    ),
    RetentionRule(
        "student_import_uploads",
        "niet bevestigde leerlingimports (geüploade bestanden) verwijderd",
        purge_student_import_uploads,
    ),
    RetentionRule(
        "import_reports", "meldingen in de importgeschiedenis gewist", clear_import_reports
    ),
    RetentionRule("alerts", "dringende meldingen verwijderd", purge_alerts),
    RetentionRule(
        "push_subscriptions",
        "ongebruikte apparaten voor pushmeldingen verwijderd",
        purge_push_subscriptions,
    ),
    RetentionRule(
        "closed_meldcode_trajecten",
        "afgesloten Meldcode-trajecten verwijderd",
        purge_closed_trajecten,
    ),
    RetentionRule(
        "named_incidents",
        "incidenten geanonimiseerd (leerlingen en beschrijving verwijderd)",
        anonymise_named_incidents,
    ),
    RetentionRule("anonymous_incidents", "oude incidenten verwijderd", purge_old_incidents),
    RetentionRule("closed_referrals", "afgeronde verwijzingen verwijderd", purge_closed_referrals),
]


@dataclass(frozen=True)
class PurgeLine:
    key: str
    description: str
    days: int
    cutoff: datetime
    count: int


def purge(
    retention_days: dict[str, int], *, dry_run: bool = False, now: datetime | None = None
) -> list[PurgeLine]:
    """Apply every rule; the caller commits (or, for a dry run, rolls back)."""
    now = now or utcnow()
    lines = []
    for rule in RULES:
        days = int(retention_days[rule.key])
        cutoff = now - timedelta(days=days)
        lines.append(
            PurgeLine(rule.key, rule.description, days, cutoff, rule.apply(cutoff, dry_run))
        )
    db.session.flush()
    return lines
