"""Desk data for other capabilities: the team leader's daily digest and the periodic report.

Plain read-only functions (no Flask request, no commit). Callers decide who may read the result;
every function takes the locations to report on. Times are aware UTC; days are local
(Europe/Amsterdam) calendar days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, func, select, union_all
from sqlalchemy.orm import joinedload, selectinload

from app.core.localtime import local_day_bounds
from app.core.sql import NotAnIndexForSQLite, among, on_connection, plain_rows
from app.core.vocabulary import CaseStatus, EntryKind, Topic
from app.extensions import db
from app.models import (
    Casus,
    EntryTriage,
    FloorEntry,
    Location,
    ReportMark,
    Student,
    Zone,
)


@dataclass(frozen=True)
class MarkedEntry:
    """A floor entry a staff member marked "voor teamleider" or "voor rapportage"."""

    entry: FloorEntry  # with .students, .zone, .staff loaded
    marked_at: datetime
    note: str  # the entry's floor note

    @property
    def students(self) -> list[Student]:
        return list(self.entry.students)


def entries_marked_for_teamleider(
    location: Location | int, day: date, *, since: datetime | None = None
) -> list[MarkedEntry]:
    """Entries of ``location`` that staff marked "voor teamleider" during local ``day`` (the
    desk afternoon) — or from ``since`` up to the end of that day — oldest first. For the daily
    digest."""
    location_id = location if isinstance(location, int) else location.id
    start, end = local_day_bounds(day)
    if since is not None:
        start = since
    rows = db.session.execute(
        select(FloorEntry, EntryTriage.for_teamleider_at)
        .join(EntryTriage, EntryTriage.entry_id == FloorEntry.id)
        .where(
            # The day's marks are few, a location's entries many: SQLite, by its rules of
            # thumb, would walk the location's entries (0.2 s at 10×); PostgreSQL gets the
            # plain column for its estimates.
            NotAnIndexForSQLite(FloorEntry.location_id) == location_id,
            EntryTriage.for_teamleider.is_(True),
            EntryTriage.for_teamleider_at >= start,
            EntryTriage.for_teamleider_at < end,
        )
        .options(
            selectinload(FloorEntry.students),
            joinedload(FloorEntry.zone),
            joinedload(FloorEntry.staff),
        )
        .order_by(FloorEntry.occurred_at, FloorEntry.id)
    ).all()
    # for_teamleider_at is set whenever for_teamleider is (the filter above).
    return [
        MarkedEntry(entry=entry, marked_at=at, note=entry.note)
        for entry, at in rows
        if at is not None
    ]


# The report's groups (location and theme) whose most recent are read in one statement: a
# compound SELECT of at most this many (SQLite allows 500).
GROUPS_PER_STATEMENT = 100


@dataclass(frozen=True)
class ReportObservation:
    """A floor entry marked "voor rapportage": only what the periodic report prints of it."""

    entry_id: int
    location_id: int
    occurred_at: datetime
    zone: str  # the zone's name
    kind: EntryKind
    topic: Topic | None
    note: str


def _marked_for_report(
    location_ids: Iterable[int], start: date, end: date
) -> tuple[ColumnElement[bool], ...]:
    """Entries of the locations marked "voor rapportage" that occurred from the local day
    ``start`` to ``end`` (with ``EntryTriage`` joined)."""
    first, _ = local_day_bounds(start)
    _, last = local_day_bounds(end)
    return (
        FloorEntry.location_id.in_(list(location_ids) or [-1]),
        EntryTriage.for_report.is_(True),
        FloorEntry.occurred_at >= first,
        FloorEntry.occurred_at < last,
    )


def observations_for_report(
    location_ids: Iterable[int], start: date, end: date
) -> list[ReportObservation]:
    """Qualitative observations marked "voor rapportage", of entries that occurred between the
    local days ``start`` and ``end`` (inclusive), oldest first. For the periodic report.

    Columns, not entities: a school year of the group holds thousands of them, and loading each
    as a FloorEntry with its students, zone and staff took a third of the group report."""
    rows = plain_rows(
        select(
            FloorEntry.id,
            FloorEntry.location_id,
            FloorEntry.occurred_at,
            Zone.name,
            FloorEntry.kind,
            FloorEntry.topic,
            FloorEntry.note,
        )
        .join(EntryTriage, EntryTriage.entry_id == FloorEntry.id)
        .join(Zone, Zone.id == FloorEntry.zone_id)
        .where(*_marked_for_report(location_ids, start, end))
        .order_by(FloorEntry.occurred_at, FloorEntry.id)
    )
    return [ReportObservation(*row) for row in rows]


def recent_observations_for_report(
    location_ids: Iterable[int], start: date, end: date, per_group: int
) -> list[tuple[ReportObservation, int]]:
    """:func:`observations_for_report`, but of each location and theme (the topic when there is
    one, else the kind) only the ``per_group`` most recent, each with the number of marked
    observations of its location and theme in the period; oldest first.

    A board's school year holds tens of thousands of marked entries among a million and a half:
    they are counted and ranked from ``report_mark`` (the marks with their entry's location,
    theme and time, kept by the database; migration 0032) in the order of its index, and only
    the entries shown are read."""
    first, _ = local_day_bounds(start)
    _, last = local_day_bounds(end)
    period = (ReportMark.occurred_at >= first, ReportMark.occurred_at < last)
    totals = {
        (location_id, theme): int(count)
        for location_id, theme, count in plain_rows(
            select(ReportMark.location_id, ReportMark.theme, func.count())
            .where(ReportMark.location_id.in_(list(location_ids) or [-1]), *period)
            .group_by(ReportMark.location_id, ReportMark.theme)
        )
    }
    shown: dict[int, tuple[int, str]] = {}
    groups = sorted(totals)
    for at in range(0, len(groups), GROUPS_PER_STATEMENT):
        # Each group's most recent read backwards along the index: no sort, no window over all.
        newest = [
            select(ReportMark.entry_id, ReportMark.location_id, ReportMark.theme)
            .where(ReportMark.location_id == location_id, ReportMark.theme == theme, *period)
            .order_by(ReportMark.occurred_at.desc(), ReportMark.entry_id.desc())
            .limit(per_group)
            .subquery()
            for location_id, theme in groups[at : at + GROUPS_PER_STATEMENT]
        ]
        for entry_id, location_id, theme in on_connection(
            union_all(*(select(*part.c) for part in newest))
        ):
            shown[entry_id] = (location_id, theme)
    rows = plain_rows(
        select(
            FloorEntry.id,
            FloorEntry.location_id,
            FloorEntry.occurred_at,
            Zone.name,
            FloorEntry.kind,
            FloorEntry.topic,
            FloorEntry.note,
        )
        .join(Zone, Zone.id == FloorEntry.zone_id)
        .where(among(FloorEntry.id, shown))
        .order_by(FloorEntry.occurred_at, FloorEntry.id)
    )
    return [(ReportObservation(*row), totals[shown[row[0]]]) for row in rows]


def case_counts_by_status(location_ids: Iterable[int]) -> dict[CaseStatus, int]:
    """How many cases each status has now (every status present, zero included)."""
    rows = db.session.execute(
        select(Casus.status, func.count())
        .join(Student, Student.id == Casus.student_id)
        .where(Student.location_id.in_(list(location_ids) or [-1]))
        .group_by(Casus.status)
    ).all()
    counts = dict.fromkeys(CaseStatus, 0)
    counts.update({status: count for status, count in rows})
    return counts
