"""The history of imports: every student and absence file imported — by upload, on the command
line or by the inbox — is recorded in ``import_run`` with how it ended, so that beheer sees at
*Beheer → Imports* what came in and what failed, whoever or whatever ran it.

A finished import is recorded in its own transaction (:func:`recorded`, :func:`record_done`);
a refused one after that transaction was rolled back, in a transaction of its own
(:func:`record_refused`; the caller commits), so the refusal stays while nothing of the file
does. The inbox (app/inbox/) writes its rows itself, as it also claims files with them.
"""

from __future__ import annotations

import getpass
import hashlib
import socket
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeVar

from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.core.vocabulary import ImportKind, ImportOrigin, ImportStatus
from app.exceptions import DomainError
from app.extensions import db
from app.models import ImportRun, User
from app.models.imports import FILENAME_MAX_LENGTH, MESSAGE_MAX_LENGTH

R = TypeVar("R")


def this_runner() -> str:
    """The system account and host a command runs as, e.g. ``schoolfit@app1``."""
    try:
        account = getpass.getuser()
    except (KeyError, OSError):  # no name for this uid (a container)
        account = "?"
    return f"{account}@{socket.gethostname()}"[:120]


@dataclass(frozen=True)
class ImportSource:
    """A file about to be imported, and who or what imports it."""

    kind: ImportKind
    origin: ImportOrigin
    filename: str
    data: bytes = b""
    user: User | None = None
    runner: str = ""

    @classmethod
    def of_upload(cls, kind: ImportKind, upload: Any, user: User) -> ImportSource:
        """An uploaded file (a ``FileStorage``, or None when no file was sent), read once."""
        if upload is None or not hasattr(upload, "read"):
            return cls(kind, ImportOrigin.UPLOAD, "", b"", user)
        return cls(kind, ImportOrigin.UPLOAD, upload.filename or "", upload.read(), user)

    @classmethod
    def of_command(cls, kind: ImportKind, filename: str, data: bytes = b"") -> ImportSource:
        return cls(kind, ImportOrigin.OPDRACHTREGEL, filename, data, runner=this_runner())


def content_digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest() if data else ""


def rows_of(result: Any) -> int | None:
    """How many rows an import's result or refusal counted (None when it did not get there)."""
    rows = getattr(result, "rows", None)
    if rows is None:
        rows = getattr(result, "total_rows", None)
    plan = getattr(result, "plan", None)
    if rows is None and plan is not None:
        rows = len(plan.rows)  # a student import that needs a confirmation
    return rows if isinstance(rows, int) else None


def new_run(source: ImportSource, status: ImportStatus, message: str) -> ImportRun:
    """A row of the history (added, not flushed)."""
    run = ImportRun(
        kind=source.kind,
        origin=source.origin,
        status=status,
        filename=source.filename[:FILENAME_MAX_LENGTH],
        digest=content_digest(source.data),
        message=message[:MESSAGE_MAX_LENGTH],
        user_id=source.user.id if source.user is not None else None,
        runner=source.runner,
    )
    db.session.add(run)
    return run


def record_done(source: ImportSource, result: Any) -> ImportRun:
    """A finished import, with its result's rows and summary (add and flush)."""
    run = new_run(source, ImportStatus.GELUKT, str(result.summary()))
    run.rows = rows_of(result)
    db.session.flush()
    return run


def record_refused(source: ImportSource, error: DomainError) -> ImportRun:
    """A refused import, with its message (the row problems); call it after the import's
    rollback, and commit."""
    run = new_run(source, ImportStatus.MISLUKT, error.raw)
    run.rows = rows_of(error)
    db.session.flush()
    return run


def recorded(source: ImportSource, run_import: Callable[[], R]) -> R:
    """Run an import and record it when it finished; a refusal is raised as it was."""
    result = run_import()
    record_done(source, result)
    return result


def history_query() -> Select[ImportRun]:
    """Every import, the newest first (the page paginates it)."""
    return (
        select(ImportRun)
        .options(joinedload(ImportRun.user))
        .order_by(ImportRun.started_at.desc(), ImportRun.id.desc())
    )
