"""The audit trail: who saw or changed what about a student, when, from where. Append-only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.org import User
from app.models.types import UTCDateTime, utcnow


class AuditEvent(Model):
    __tablename__ = "audit_event"
    __table_args__ = (
        Index("ix_audit_event_student_at", "student_id", "at"),
        Index("ix_audit_event_user_at", "user_id", "at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, index=True)
    # Nullable and not cascaded: the trail outlives accounts and (anonymised) students.
    user_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    client_address: Mapped[str] = mapped_column(String(64), default="")
    action: Mapped[str] = mapped_column(String(40))  # view, create, update, export, print, ...
    object_type: Mapped[str] = mapped_column(String(40))  # student, casus, floor_entry, ...
    object_id: Mapped[str] = mapped_column(String(64), default="")
    student_id: Mapped[int | None] = mapped_column(ForeignKey("student.id", ondelete="SET NULL"))
    detail: Mapped[str] = mapped_column(String(500), default="")

    user: Mapped[User | None] = relationship()
