"""Writing the audit trail. Views call :func:`record` for every view, print, export or change
of a student's data; there is no path in the app to edit or delete an event."""

from __future__ import annotations

from collections.abc import Iterable

from flask import has_request_context, request
from sqlalchemy import insert

from app.extensions import db
from app.models import Student, User
from app.models.audit import AuditEvent


def client_address() -> str:
    return (request.remote_addr or "")[:64] if has_request_context() else "cli"


def _common_fields(
    user: User | None, action: str, object_type: str, detail: str, address: str | None
) -> dict[str, object]:
    """The columns an event shares with the others of its request, cut to the column sizes."""
    return {
        "user_id": user.id if user is not None else None,
        "client_address": address if address is not None else client_address(),
        "action": action[:40],
        "object_type": object_type[:40],
        "detail": detail[:500],
    }


def _object_fields(object_id: object, student: Student | int | None) -> dict[str, object]:
    return {
        "object_id": str(object_id)[:64],
        "student_id": student.id if isinstance(student, Student) else student,
    }


def record(
    user: User | None,
    action: str,
    object_type: str,
    object_id: object = "",
    *,
    student: Student | int | None = None,
    detail: str = "",
    address: str | None = None,
) -> AuditEvent:
    """Add one audit event to the session (committed with the request)."""
    event = AuditEvent(
        **_common_fields(user, action, object_type, detail, address),
        **_object_fields(object_id, student),
    )
    db.session.add(event)
    return event


def record_many(
    user: User | None,
    action: str,
    object_type: str,
    events: Iterable[tuple[object, Student | int | None]],
    *,
    detail: str = "",
    address: str | None = None,
) -> int:
    """Add one audit event per ``(object_id, student)`` in one statement: a page that shows
    fifty students writes fifty events, and one INSERT each (SQLite gets no multi-row
    INSERT from the ORM) would grow the page's statements with its rows. Answers the count."""
    common = _common_fields(user, action, object_type, detail, address)
    rows = [{**common, **_object_fields(object_id, student)} for object_id, student in events]
    if rows:
        db.session.execute(insert(AuditEvent), rows)
    return len(rows)
