"""The leerlingpeiling (student pulse): an anonymous questionnaire a location runs for a period.

Anonymity is designed into the tables (see docs/pulse.md):

- ``peiling_answer`` holds one row per answered statement: the peiling, the statement and the
  value 1–5. No name, student number, IP address, user agent, device token or time of any kind
  (not even the day: the peiling's period is the only time there is). Its key is random, so the
  row order of a submission cannot be read from it either.
- ``peiling_device`` is the register of devices that have answered, kept apart from the
  answers like a voters' register beside a ballot box: a keyed hash (HMAC with the app's
  secret key) of a random token kept in a cookie on the phone. Nothing links a register row to
  answer rows. The register is emptied when the peiling is closed.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime

from sqlalchemy import CheckConstraint, Date, ForeignKey, SmallInteger, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.vocabulary import PeilingStatus
from app.extensions import Model
from app.models.org import Location, User
from app.models.types import UTCDateTime, enum_column, utcnow

PEILING_CODE_LENGTH = 8
DEVICE_HASH_LENGTH = 64  # hex SHA-256


def _random_key() -> str:
    return uuid.uuid4().hex


class Peiling(Model):
    """One run of the questionnaire at one location, from ``starts_on`` to ``ends_on``
    (local dates, both inclusive). Students reach it through its short random ``code``."""

    __tablename__ = "peiling"
    __table_args__ = (CheckConstraint("starts_on <= ends_on", name="period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"), index=True)
    code: Mapped[str] = mapped_column(String(16), unique=True)
    # Which set of statements (app/pulse/statements.py) this peiling asks.
    questionnaire: Mapped[str] = mapped_column(String(16))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    status: Mapped[PeilingStatus] = mapped_column(
        enum_column(PeilingStatus, 12),
        default=PeilingStatus.OPEN,
    )
    opened_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    closed_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    location: Mapped[Location] = relationship()
    opened_by: Mapped[User | None] = relationship(foreign_keys=[opened_by_id])
    closed_by: Mapped[User | None] = relationship(foreign_keys=[closed_by_id])

    def __repr__(self) -> str:
        return f"<Peiling {self.code} {self.starts_on}..{self.ends_on}>"


class PeilingAnswer(Model):
    """One student's answer to one statement. Deliberately nothing else: see the module doc."""

    __tablename__ = "peiling_answer"
    __table_args__ = (CheckConstraint("value BETWEEN 1 AND 5", name="value"),)

    # Random, not a sequence: a counter would tell in which order students answered.
    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=_random_key)
    peiling_id: Mapped[int] = mapped_column(
        ForeignKey("peiling.id", ondelete="CASCADE"), index=True
    )
    statement: Mapped[str] = mapped_column(String(32))
    value: Mapped[int] = mapped_column(SmallInteger)


class PeilingDevice(Model):
    """The register of devices that answered a peiling: only a keyed hash of the device's token."""

    __tablename__ = "peiling_device"

    peiling_id: Mapped[int] = mapped_column(
        ForeignKey("peiling.id", ondelete="CASCADE"), primary_key=True
    )
    device_hash: Mapped[str] = mapped_column(String(DEVICE_HASH_LENGTH), primary_key=True)
