"""The history of imports from the LVS: every student and absence file imported by upload, on
the command line or by the inbox, with how it ended (docs/imports.md)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.vocabulary import ImportKind, ImportOrigin, ImportStatus
from app.extensions import Model
from app.models.org import User
from app.models.types import UTCDateTime, enum_column, utcnow

FILENAME_MAX_LENGTH = 200
MESSAGE_MAX_LENGTH = 20_000


class ImportRun(Model):
    """One file imported once: when, what, how many rows, how it ended, and who ran it.

    ``inbox_claim`` is the inbox's hold on a file's content (its SHA-256): unique, so two inbox
    runs at once never import the same content twice, and kept after a successful import, so an
    identical file dropped again (under any name) is not imported again. A failed file's claim is
    released once the file is in ``fout/``: dropped again after the cause is fixed, it is tried
    again. Uploads and the command line leave it empty.
    """

    __tablename__ = "import_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    started_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # The inbox: when the file and its report were put in verwerkt/ or fout/.
    finished_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    kind: Mapped[ImportKind] = mapped_column(enum_column(ImportKind, 12))
    origin: Mapped[ImportOrigin] = mapped_column(enum_column(ImportOrigin, 15))
    status: Mapped[ImportStatus] = mapped_column(enum_column(ImportStatus, 15))
    filename: Mapped[str] = mapped_column(String(FILENAME_MAX_LENGTH), default="")
    digest: Mapped[str] = mapped_column(String(64), default="")  # SHA-256 of the content
    inbox_claim: Mapped[str | None] = mapped_column(String(64), unique=True)
    rows: Mapped[int | None] = mapped_column(Integer)
    # The answer in Dutch: the summary, or the row messages of a refused file. It can name
    # students, so the purge clears it after RETENTION_DAYS["import_reports"].
    message: Mapped[str] = mapped_column(Text, default="")
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    # The system account and host of a command or an inbox run (e.g. schoolfit@app1).
    runner: Mapped[str] = mapped_column(String(120), default="")
    # The inbox: where the file went, relative to the drop folder (verwerkt/… or fout/…).
    moved_to: Mapped[str] = mapped_column(String(300), default="")

    user: Mapped[User | None] = relationship()
