"""The climate check: at the end of the floor shift, one tap per zone visited today."""

from __future__ import annotations

import enum
from datetime import date, datetime

from sqlalchemy import Date, Enum, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import db
from app.models.org import Location, User, Zone, enum_values
from app.models.types import UTCDateTime, utcnow


class ClimateRating(enum.StrEnum):
    RUSTIG = "rustig"
    WISSELEND = "wisselend"
    ONRUSTIG = "onrustig"


CLIMATE_LABELS = {
    ClimateRating.RUSTIG: "rustig",
    ClimateRating.WISSELEND: "wisselend",
    ClimateRating.ONRUSTIG: "onrustig",
}
CLIMATE_NOTE_MAX = 200


class ClimateCheck(db.Model):
    """At most one per staff member, zone and (local) day: a second tap replaces the first."""

    __tablename__ = "climate_check"
    __table_args__ = (
        UniqueConstraint("staff_id", "zone_id", "day"),
        Index("ix_climate_check_location_day", "location_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    staff_id: Mapped[int] = mapped_column(ForeignKey("user.id"))
    location_id: Mapped[int] = mapped_column(ForeignKey("location.id"))
    zone_id: Mapped[int] = mapped_column(ForeignKey("zone.id"))
    day: Mapped[date] = mapped_column(Date)
    rating: Mapped[ClimateRating] = mapped_column(
        Enum(ClimateRating, native_enum=False, length=12, values_callable=enum_values)
    )
    note: Mapped[str] = mapped_column(String(CLIMATE_NOTE_MAX), default="")
    # When the staff member tapped (phone clock); a retry or an older offline tap never
    # overwrites a newer one.
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[User] = relationship()
    location: Mapped[Location] = relationship()
    zone: Mapped[Zone] = relationship()
