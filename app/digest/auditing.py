"""The audit trail of the digest: who saw which students in which digest (page or e-mail)."""

from __future__ import annotations

from collections.abc import Iterable

from app.audit import record_many
from app.digest.model import Digest
from app.models import User


def audit_digest(
    user: User | None,
    digest: Digest,
    *,
    action: str = "view",
    detail: str = "",
    student_ids: Iterable[int] | None = None,
    address: str | None = None,
) -> None:
    """One audit event for the digest, and one per student it shows (so a student's audit
    trail names who saw them in a digest). ``student_ids`` limits the students (the e-mail
    shows fewer than the page)."""
    object_id = f"{digest.location_code}/{digest.day.isoformat()}"
    shown = digest.students if student_ids is None else student_ids
    events = [(object_id, None), *((object_id, student_id) for student_id in shown)]
    record_many(user, action, "digest", events, detail=detail, address=address)
