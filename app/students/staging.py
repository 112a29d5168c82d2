"""The upload page's preview of a student import, and its confirmation.

The uploaded file is kept in the database (``student_import_upload``, one row per user) between
the preview and the confirmation — not in a file on one app server, which another server behind
the load balancer would not see, and not sent again by the browser, which could send another
file. The confirmation names the preview it confirms: the upload's random token and the
fingerprint of everything the preview showed. It imports only when both still match: the
user's current upload (an upload replaces the previous one), not older than
``STUDENT_IMPORT_PREVIEW_LIFETIME``, and a plan computed again — under the import lock — that
is the same as the one shown (no other import or change came in between).
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from flask import current_app
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from app.core.locks import hold_import_lock
from app.core.vocabulary import ImportKind, ImportOrigin
from app.exceptions import DomainError
from app.extensions import db
from app.imports.history import ImportSource, record_done
from app.models import StudentImportUpload, User
from app.models.types import utcnow
from app.observability.metrics import counted_import
from app.students.importing import (
    StudentImportPlan,
    StudentImportResult,
    apply_plan,
    plan_student_import,
)

STALE = (
    "Dit voorbeeld geldt niet meer: het is verlopen, vervangen door een nieuwer bestand of al "
    "geïmporteerd. Er is niets veranderd; upload het bestand opnieuw."
)
CHANGED = (
    "Er is niets geïmporteerd: sinds het voorbeeld zijn de leerlingen veranderd (een andere "
    "import of een wijziging). Bekijk het nieuwe voorbeeld hieronder en bevestig opnieuw."
)
BUSY = "Er wordt al een bestand voor u klaargezet; probeer het zo opnieuw."
RISKS_UNCONFIRMED = (
    "Vink aan dat u de leerlingen met lopend werk en de aantallen per locatie hebt gezien."
)


def _lifetime() -> timedelta:
    lifetime: timedelta = current_app.config["STUDENT_IMPORT_PREVIEW_LIFETIME"]
    return lifetime


def purge_expired_uploads() -> int:
    """Delete uploads older than the preview's lifetime (they hold students' names)."""
    cutoff = utcnow() - _lifetime()
    old = db.session.scalars(
        select(StudentImportUpload.id).where(StudentImportUpload.uploaded_at < cutoff)
    ).all()
    if old:
        db.session.execute(delete(StudentImportUpload).where(StudentImportUpload.id.in_(old)))
    return len(old)


def stage_student_import(
    user: User, data: bytes, filename: str, *, full: bool
) -> tuple[StudentImportUpload, StudentImportPlan]:
    """Check the file and keep it for its preview, replacing the user's previous upload.
    A file with bad rows is refused (:class:`~app.students.services.ImportRejected`) and not
    kept."""
    plan = plan_student_import(data, filename, full=full)
    discard_student_import(user)
    purge_expired_uploads()
    upload = StudentImportUpload(
        user_id=user.id,
        token=secrets.token_urlsafe(32),
        filename=filename[:200],
        full=full,
        digest=hashlib.sha256(data).hexdigest(),
        content=data,
    )
    try:
        with db.session.begin_nested():  # the same user uploading in two tabs at once
            db.session.add(upload)
    except IntegrityError:
        raise DomainError(BUSY) from None
    return upload, plan


def pending_upload(user: User, token: str | None = None) -> StudentImportUpload | None:
    """The user's upload waiting for confirmation (the one named by ``token``, if given)."""
    query = select(StudentImportUpload).where(StudentImportUpload.user_id == user.id)
    if token is not None:
        query = query.where(StudentImportUpload.token == token)
    upload = db.session.scalar(query)
    if upload is None or upload.uploaded_at < utcnow() - _lifetime():
        return None
    return upload


def preview(upload: StudentImportUpload) -> StudentImportPlan:
    """What importing the kept file would do now."""
    return plan_student_import(upload.content, upload.filename, full=upload.full)


@counted_import("students")
def confirm_student_import(
    user: User, token: str, fingerprint: str, *, risks_seen: bool
) -> StudentImportResult:
    """Import the file of the preview the user confirms, exactly as it was shown; raises a
    :class:`DomainError` (and changes nothing) when that preview no longer holds."""
    upload = pending_upload(user, token)
    if upload is None:
        raise DomainError(STALE)
    hold_import_lock("students")
    plan = preview(upload)
    if not secrets.compare_digest(plan.fingerprint(), fingerprint):
        raise DomainError(CHANGED)
    if plan.risks and not risks_seen:
        raise DomainError(RISKS_UNCONFIRMED, field="risks_seen")
    result = apply_plan(plan)
    source = ImportSource(
        ImportKind.LEERLINGEN, ImportOrigin.UPLOAD, upload.filename, upload.content, user
    )
    record_done(source, result)
    db.session.delete(upload)
    db.session.flush()
    return result


def discard_student_import(user: User) -> None:
    db.session.execute(delete(StudentImportUpload).where(StudentImportUpload.user_id == user.id))
