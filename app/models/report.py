"""The periodic report's own data: the qualitative text a reader wrote (from the observations
staff marked "voor rapportage") for one scope and period, exported with the figures."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, ForeignKey, Index, Integer, String, Text, UniqueConstraint
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


class FloorTally(Model):
    """Floor entries per location, UTC hour (hours since 1970), kind, severity and outcome (''
    for none): ``entries`` and the summed ``head_count`` (``heads``), for the report.

    Kept by the database, not by the app: triggers on ``floor_entry`` (migration 0030) change
    it inside every transaction that inserts, updates or deletes entries, whoever writes, so it
    is never stale. Local days and hours are whole UTC hours apart in Amsterdam, so a period of
    local days is an exact range of these hours. Rows may hold 0 after deletions."""

    __tablename__ = "floor_tally"

    location_id: Mapped[int] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(20), primary_key=True)
    severity: Mapped[str] = mapped_column(String(10), primary_key=True)
    outcome: Mapped[str] = mapped_column(String(20), primary_key=True)
    entries: Mapped[int] = mapped_column(Integer)
    heads: Mapped[int] = mapped_column(Integer)


class FloorZoneTally(Model):
    """Floor entries per location, UTC hour and zone; kept like :class:`FloorTally`."""

    __tablename__ = "floor_zone_tally"

    location_id: Mapped[int] = mapped_column(
        ForeignKey("location.id", ondelete="CASCADE"), primary_key=True
    )
    hour: Mapped[int] = mapped_column(Integer, primary_key=True)
    zone_id: Mapped[int] = mapped_column(
        ForeignKey("zone.id", ondelete="CASCADE"), primary_key=True
    )
    entries: Mapped[int] = mapped_column(Integer)


class ReportMark(Model):
    """A floor entry marked "voor rapportage", with what the report ranks it by: its location,
    its theme (the entry's topic when it has one, else its kind) and when it occurred.

    Kept by the database, like :class:`FloorTally`: triggers on ``entry_triage`` (the mark set,
    moved or removed) and on ``floor_entry`` (its location, time, kind or topic changed;
    migration 0032) change it inside every writing transaction, and it goes with its entry (ON
    DELETE CASCADE). So the report ranks a board's year of marks (75,000 at 10×) from this
    table's index alone, without reading the 1.5 million floor entries they are among."""

    __tablename__ = "report_mark"
    __table_args__ = (
        # Per location and theme, oldest to newest: the report's groups and their counts, and
        # the most recent of each read backwards.
        Index("ix_report_mark_ranking", "location_id", "theme", "occurred_at", "entry_id"),
    )

    entry_id: Mapped[int] = mapped_column(
        ForeignKey("floor_entry.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    location_id: Mapped[int] = mapped_column(Integer)
    theme: Mapped[str] = mapped_column(String(30))
    occurred_at: Mapped[datetime] = mapped_column(UTCDateTime)
