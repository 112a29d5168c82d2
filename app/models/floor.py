"""The floor log: entries made on a phone (08:00–11:00), the flags they raise, and entries the
server could not accept (kept for desk review, never dropped)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    Boolean,
    Column,
    ForeignKey,
    Index,
    Integer,
    String,
    Table,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.vocabulary import EntryKind, FlagStatus, FlagType, Outcome, Severity, Topic
from app.extensions import Model, db
from app.models.org import Location, User, Zone
from app.models.student import Student
from app.models.types import UTCDateTime, enum_column, utcnow

NOTE_MAX_LENGTH = 500


floor_entry_student = Table(
    "floor_entry_student",
    db.metadata,
    Column("entry_id", ForeignKey("floor_entry.id", ondelete="CASCADE"), primary_key=True),
    Column("student_id", ForeignKey("student.id", ondelete="CASCADE"), primary_key=True),
    Index("ix_floor_entry_student_student_id", "student_id"),
)


class FloorEntry(Model):
    """One tap on the floor. ``uuid`` is made on the phone and is the idempotency key."""

    __tablename__ = "floor_entry"
    __table_args__ = (
        Index("ix_floor_entry_location_occurred", "location_id", "occurred_at"),
        Index("ix_floor_entry_staff_occurred", "staff_id", "occurred_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"), index=True)
    kind: Mapped[EntryKind] = mapped_column(enum_column(EntryKind, 20))
    topic: Mapped[Topic | None] = mapped_column(enum_column(Topic, 30))
    severity: Mapped[Severity | None] = mapped_column(enum_column(Severity, 10))
    outcome: Mapped[Outcome | None] = mapped_column(enum_column(Outcome, 20))
    flag_type: Mapped[FlagType | None] = mapped_column(enum_column(FlagType, 20))
    head_count: Mapped[int | None] = mapped_column(Integer)
    note: Mapped[str] = mapped_column(String(NOTE_MAX_LENGTH), default="")
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    made_offline: Mapped[bool] = mapped_column(Boolean, default=False)

    staff: Mapped[User] = relationship()
    location: Mapped[Location] = relationship()
    zone: Mapped[Zone] = relationship()
    students: Mapped[list[Student]] = relationship(
        secondary=floor_entry_student, order_by="Student.last_name"
    )
    flags: Mapped[list[Flag]] = relationship(back_populates="entry")

    @property
    def kind_label(self) -> str:
        return self.kind.label


class Flag(Model):
    """A quick flag on a student, raised on the floor and handled at the desk."""

    __tablename__ = "flag"
    __table_args__ = (
        Index("ix_flag_location_status", "location_id", "status"),
        # A location's flags of a day (the digest) without its year's.
        Index("ix_flag_location_raised", "location_id", "raised_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # Optimistic locking: every ORM update checks the version it read and raises it, so of two
    # changes made at once one is refused instead of both half-applying (app/core/forms.py).
    version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    __mapper_args__ = {"version_id_col": version}
    student_id: Mapped[int] = mapped_column(ForeignKey("student.id"), index=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    flag_type: Mapped[FlagType] = mapped_column(enum_column(FlagType, 20))
    status: Mapped[FlagStatus] = mapped_column(enum_column(FlagStatus, 12), default=FlagStatus.OPEN)
    raised_by_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    entry_id: Mapped[int | None] = mapped_column(
        ForeignKey("floor_entry.id", ondelete="SET NULL"), index=True
    )
    raised_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    handled_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    handled_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    handled_note: Mapped[str] = mapped_column(String(500), default="")

    student: Mapped[Student] = relationship()
    raised_by: Mapped[User] = relationship(foreign_keys=[raised_by_id])
    handled_by: Mapped[User | None] = relationship(foreign_keys=[handled_by_id])
    entry: Mapped[FloorEntry | None] = relationship(back_populates="flags")

    @property
    def type_label(self) -> str:
        return self.flag_type.label


class QuarantinedEntry(Model):
    """An entry sent from a phone that the server could not accept, kept with the reason for
    review at the desk (for example a student who has left the location).

    Bounded (app/floor/quarantine.py): identical entries without a valid UUID from one staff
    member are one row (``repeat_key``) counting its ``repeats``; the desk sees rows with the
    same ``fingerprint`` (the same reason and content, whatever the UUID) as one group."""

    __tablename__ = "quarantined_entry"
    __table_args__ = (
        UniqueConstraint("staff_id", "repeat_key"),
        Index("ix_quarantined_entry_staff_fingerprint", "staff_id", "fingerprint"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    # The phone's UUID when it was a valid one; retries answer "quarantined" again.
    uuid: Mapped[str | None] = mapped_column(String(36), unique=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"), index=True)
    payload: Mapped[str] = mapped_column(Text)
    reason: Mapped[str] = mapped_column(String(500))
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    # SHA-256 (hex) of the reason and the content without the UUID: the desk's grouping key.
    fingerprint: Mapped[str] = mapped_column(String(64), default="")
    # Only without a valid UUID: the fingerprint again, unique per staff member, so a phone (or
    # anyone) sending the same thing again adds to ``repeats`` instead of adding a row.
    repeat_key: Mapped[str | None] = mapped_column(String(64))
    repeats: Mapped[int] = mapped_column(Integer, default=1)
    # When a repeat last arrived (None: it arrived once).
    last_received_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    resolved_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id"))
    resolution: Mapped[str] = mapped_column(String(500), default="")

    staff: Mapped[User] = relationship(foreign_keys=[staff_id])
