"""The climate check: at the end of the floor shift, one tap per zone visited today."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.vocabulary import ClimateRating
from app.extensions import Model
from app.models.org import Location, User, Zone
from app.models.types import UTCDateTime, enum_column, utcnow

CLIMATE_NOTE_MAX = 200


class ClimateCheck(Model):
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
    rating: Mapped[ClimateRating] = mapped_column(enum_column(ClimateRating, 12))
    note: Mapped[str] = mapped_column(String(CLIMATE_NOTE_MAX), default="")
    # When the staff member tapped (phone clock); a retry or an older offline tap never
    # overwrites a newer one.
    checked_at: Mapped[datetime] = mapped_column(UTCDateTime)
    received_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    staff: Mapped[User] = relationship()
    location: Mapped[Location] = relationship()
    zone: Mapped[Zone] = relationship()
