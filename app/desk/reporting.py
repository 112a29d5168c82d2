"""Desk data for other capabilities: the team leader's daily digest and the periodic report.

Plain read-only functions (no Flask request, no commit). Callers decide who may read the result;
every function takes the locations to report on. Times are aware UTC; days are local
(Europe/Amsterdam) calendar days.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import ColumnElement, case, func, select
from sqlalchemy.orm import joinedload, selectinload

from app.core.localtime import local_day_bounds
from app.core.sql import plain_rows
from app.core.vocabulary import CaseStatus, EntryKind, Topic
from app.extensions import db
from app.models import (
    Casus,
    EntryTriage,
    FloorEntry,
    Location,
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
            FloorEntry.location_id == location_id,
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

    A board's school year holds tens of thousands of marked entries: the database ranks them
    and only the ones shown are read."""
    theme = (
        FloorEntry.location_id,
        FloorEntry.topic,
        case((FloorEntry.topic.is_(None), FloorEntry.kind)),
    )
    newest_first = (FloorEntry.occurred_at.desc(), FloorEntry.id.desc())
    ranked = (
        select(
            FloorEntry.id,
            FloorEntry.location_id,
            FloorEntry.occurred_at,
            FloorEntry.zone_id,
            FloorEntry.kind,
            FloorEntry.topic,
            func.row_number().over(partition_by=theme, order_by=newest_first).label("rank"),
            # The same window as the rank (one sort), over the whole partition.
            func.count()
            .over(partition_by=theme, order_by=newest_first, rows=(None, None))
            .label("total"),
        )
        .join(EntryTriage, EntryTriage.entry_id == FloorEntry.id)
        .where(*_marked_for_report(location_ids, start, end))
        .subquery()
    )
    shown = plain_rows(
        select(
            ranked.c.id,
            ranked.c.location_id,
            ranked.c.occurred_at,
            Zone.name,
            ranked.c.kind,
            ranked.c.topic,
            ranked.c.total,
        )
        .join(Zone, Zone.id == ranked.c.zone_id)
        .where(ranked.c.rank <= per_group)
        .order_by(ranked.c.occurred_at, ranked.c.id)
    ).all()
    # The notes of the few shown, by id: carried through the ranking's sort they made it
    # slower, and joined back to the ranking PostgreSQL would scan every entry again (it cannot
    # know the rank leaves a few hundred rows).
    notes = dict(
        plain_rows(
            select(FloorEntry.id, FloorEntry.note).where(
                FloorEntry.id.in_([row[0] for row in shown] or [-1])
            )
        ).all()
    )
    return [
        (ReportObservation(*row[:-1], note=notes[row[0]]), int(row[-1]))  # type: ignore[misc]
        for row in shown
    ]


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
