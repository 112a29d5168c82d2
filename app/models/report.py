"""The periodic report's own data: the qualitative text a reader wrote (from the observations
staff marked "voor rapportage") for one scope and period, exported with the figures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.extensions import Model
from app.models.org import User
from app.models.types import UTCDateTime, utcnow

REPORT_TEXT_MAX = 20_000


class ReportText(Model):
    """The edited qualitative part of one report: scope (``ALL`` or location codes joined by
    commas, sorted) and period (local days, inclusive). The last save wins."""

    __tablename__ = "report_text"
    __table_args__ = (UniqueConstraint("scope", "starts_on", "ends_on"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    scope: Mapped[str] = mapped_column(String(120))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date] = mapped_column(Date)
    body: Mapped[str] = mapped_column(Text, default="")
    updated_by_id: Mapped[int | None] = mapped_column(ForeignKey("user.id", ondelete="SET NULL"))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    updated_by: Mapped[User | None] = relationship()
