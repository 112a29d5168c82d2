"""Reading the audit trail (writing is app/audit.py). There is no edit or delete path."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.core.csv_export import csv_text
from app.core.localtime import local_day_bounds, to_local
from app.extensions import db
from app.models import AuditEvent, Student, User


@dataclass(frozen=True)
class AuditFilter:
    user_email: str = ""
    leerlingnummer: str = ""
    action: str = ""
    start: date | None = None
    end: date | None = None


def audit_query(criteria: AuditFilter) -> Select[AuditEvent]:
    query = select(AuditEvent).options(joinedload(AuditEvent.user))
    if criteria.user_email:
        query = query.join(User, AuditEvent.user_id == User.id).where(
            User.email == criteria.user_email.strip().lower()
        )
    if criteria.leerlingnummer:
        query = query.join(Student, AuditEvent.student_id == Student.id).where(
            Student.leerlingnummer == criteria.leerlingnummer.strip()
        )
    if criteria.action:
        query = query.where(AuditEvent.action == criteria.action.strip())
    if criteria.start:
        query = query.where(AuditEvent.at >= local_day_bounds(criteria.start)[0])
    if criteria.end:
        query = query.where(AuditEvent.at < local_day_bounds(criteria.end)[1])
    return query.order_by(AuditEvent.at.desc(), AuditEvent.id.desc())


def known_actions() -> list[str]:
    return list(
        db.session.scalars(select(AuditEvent.action).distinct().order_by(AuditEvent.action))
    )


def student_trail_csv(student: Student) -> str:
    """The whole audit trail of one student as CSV (for a subject-access request)."""
    events = db.session.scalars(
        select(AuditEvent)
        .where(AuditEvent.student_id == student.id)
        .options(joinedload(AuditEvent.user))
        .order_by(AuditEvent.at, AuditEvent.id)
    )
    header = ["tijdstip", "gebruiker", "rol", "actie", "object", "id", "adres", "detail"]
    rows = (
        [
            to_local(event.at).strftime("%Y-%m-%d %H:%M:%S"),
            event.user.email if event.user else "",
            event.user.role.value if event.user else "",
            event.action,
            event.object_type,
            event.object_id,
            event.client_address,
            event.detail,
        ]
        for event in events
    )
    return csv_text(header, rows, bom=False)
