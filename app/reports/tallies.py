"""The report's counts of floor entries and unauthorised absence: from the tallies, or (the
same figures, slower) from the raw rows.

The tallies (migration 0030) are kept inside every writing transaction — ``floor_tally`` and
``floor_zone_tally`` by database triggers on ``floor_entry``, ``absence_unauthorised_day`` by
``app.absence.figures`` together with the stored day figures — so they are never stale and a
report reads a few thousand tally rows instead of every entry and every student's figures of
the year. The raw path stays for what the tallies cannot answer (period bounds that are not
whole UTC hours; stored figures whose basis no longer holds) and for the test that both give
the same report (tests/integration/reports/test_report_tallies.py).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any, NamedTuple

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import InstrumentedAttribute

from app.absence.figures import figures_by_student, stored_basis_matches
from app.absence.services import rule_settings
from app.core.schoolcalendar import SchoolCalendar
from app.core.sql import NotAnIndexForSQLite, dialect_name, epoch_bucket
from app.core.vocabulary import EntryKind, Outcome, Severity
from app.extensions import db
from app.models import (
    AbsenceUnauthorisedDay,
    FloorEntry,
    FloorTally,
    FloorZoneTally,
    Location,
    Student,
    Zone,
)
from app.reports import rules
from app.reports.filters import in_period, in_scope, on_days

HOUR = 3600
# A day's hours summed in another order differ in the last bits: both paths round them here,
# far below the report's two decimals, so the two give the same report.
DIGITS = 6


class KindCount(NamedTuple):
    location_id: int
    kind: EntryKind
    severity: Severity | None
    outcome: Outcome | None
    entries: int
    heads: int


def hour_range(first: datetime, last: datetime) -> tuple[int, int] | None:
    """[first, last) as UTC hours since 1970, when both are whole hours (local days in
    Amsterdam always are); else None."""
    start, end = first.timestamp(), last.timestamp()
    if start % HOUR or end % HOUR:
        return None
    return int(start) // HOUR, int(end) // HOUR


def floor_kinds(
    location_ids: Sequence[int], first: datetime, last: datetime, *, tallies: bool = True
) -> list[KindCount]:
    """Entries (and summed head counts) per location, kind, severity and outcome."""
    hours = hour_range(first, last) if tallies else None
    if hours is not None:
        rows: Any = db.session.execute(
            select(
                FloorTally.location_id,
                FloorTally.kind,
                FloorTally.severity,
                FloorTally.outcome,
                func.sum(FloorTally.entries),
                func.sum(FloorTally.heads),
            )
            .where(
                in_scope(FloorTally.location_id, location_ids),
                FloorTally.hour >= hours[0],
                FloorTally.hour < hours[1],
            )
            .group_by(
                FloorTally.location_id, FloorTally.kind, FloorTally.severity, FloorTally.outcome
            )
        )
        return [
            KindCount(
                location_id,
                EntryKind(kind),
                Severity(severity) if severity else None,
                Outcome(outcome) if outcome else None,
                int(entries),
                int(heads),
            )
            for location_id, kind, severity, outcome, entries, heads in rows
            if entries or heads
        ]
    rows = db.session.execute(
        select(
            FloorEntry.location_id,
            FloorEntry.kind,
            FloorEntry.severity,
            FloorEntry.outcome,
            func.count(),
            func.coalesce(func.sum(FloorEntry.head_count), 0),
        )
        .where(
            in_scope(FloorEntry.location_id, location_ids),
            in_period(FloorEntry.occurred_at, first, last),
        )
        .group_by(FloorEntry.location_id, FloorEntry.kind, FloorEntry.severity, FloorEntry.outcome)
    )
    return [
        KindCount(location_id, kind, severity, outcome, int(entries), int(heads or 0))
        for location_id, kind, severity, outcome, entries, heads in rows
    ]


def floor_zones(
    location_ids: Sequence[int], first: datetime, last: datetime, *, tallies: bool = True
) -> dict[str, int]:
    """Entries per zone name (zones of one name at several locations counted together)."""
    hours = hour_range(first, last) if tallies else None
    if hours is not None:
        query = (
            select(Zone.name, func.sum(FloorZoneTally.entries))
            .join(FloorZoneTally, FloorZoneTally.zone_id == Zone.id)
            .where(
                in_scope(FloorZoneTally.location_id, location_ids),
                FloorZoneTally.hour >= hours[0],
                FloorZoneTally.hour < hours[1],
            )
            .group_by(Zone.name)
        )
    else:
        query = (
            select(Zone.name, func.count())
            .join(FloorEntry, FloorEntry.zone_id == Zone.id)
            .where(
                in_scope(FloorEntry.location_id, location_ids),
                in_period(FloorEntry.occurred_at, first, last),
            )
            .group_by(Zone.name)
        )
    return {name: int(count) for name, count in db.session.execute(query) if count}


def floor_hours(
    location_ids: Sequence[int], first: datetime, last: datetime, *, tallies: bool = True
) -> dict[int, int]:
    """Entries per UTC hour (hours since 1970)."""
    hours = hour_range(first, last) if tallies else None
    if hours is not None:
        query = (
            select(FloorTally.hour, func.sum(FloorTally.entries))
            .where(
                in_scope(FloorTally.location_id, location_ids),
                FloorTally.hour >= hours[0],
                FloorTally.hour < hours[1],
            )
            .group_by(FloorTally.hour)
        )
    else:
        bucket = epoch_bucket(FloorEntry.occurred_at, HOUR)
        query = (
            select(bucket, func.count())
            .where(
                in_scope(FloorEntry.location_id, location_ids),
                in_period(FloorEntry.occurred_at, first, last),
            )
            .group_by(bucket)
        )
    return {int(hour): int(count) for hour, count in db.session.execute(query) if count}


def _from_students(location_ids: Sequence[int], start: date, end: date) -> bool:
    """:func:`app.reports.rules.unauthorised_days_from_students` for this scope and period, on
    SQLite (PostgreSQL weighs it by its own statistics). The scope's share of the students is
    taken as its share of the locations: two lookups in an index, not a count of students."""
    if dialect_name() != "sqlite":
        return False
    # Each alone: SQLite reads a lone min() or max() from the index, both together from every row.
    first = db.session.scalar(select(func.min(AbsenceUnauthorisedDay.day)))
    last = db.session.scalar(select(func.max(AbsenceUnauthorisedDay.day)))
    locations = db.session.scalar(select(func.count()).select_from(Location)) or 0
    if first is None or last is None or not locations:
        return False
    share = min(1.0, len(set(location_ids)) / locations)
    return rules.unauthorised_days_from_students(share, start, end, (first, last))


def unauthorised_by_day(
    location_ids: Sequence[int],
    start: date,
    end: date,
    calendar: SchoolCalendar,
    *,
    tallies: bool = True,
) -> dict[int, dict[date, float]]:
    """Unauthorised hours per location per day, of the active students (the same figures the
    absence signals use)."""
    settings = rule_settings()
    result: dict[int, dict[date, float]] = {location_id: {} for location_id in location_ids}
    if tallies and stored_basis_matches(calendar, settings):
        day_column: InstrumentedAttribute[date] | ColumnElement[date] = AbsenceUnauthorisedDay.day
        if _from_students(location_ids, start, end):
            # SQLite then starts from the scope's students and reads each one's days by the
            # primary key, not the period's days of every student by the day index.
            day_column = NotAnIndexForSQLite(AbsenceUnauthorisedDay.day)
        rows = db.session.execute(
            select(
                Student.location_id,
                AbsenceUnauthorisedDay.day,
                func.sum(AbsenceUnauthorisedDay.hours),
            )
            .join(Student, Student.id == AbsenceUnauthorisedDay.student_id)
            .where(
                Student.active.is_(True),
                in_scope(Student.location_id, location_ids),
                on_days(day_column, start, end),
            )
            .group_by(Student.location_id, AbsenceUnauthorisedDay.day)
        )
        for location_id, day, hours in rows:
            if hours:
                result[location_id][day] = round(float(hours), DIGITS)
        return result
    for location_id in location_ids:
        days: dict[date, float] = defaultdict(float)
        per_student = figures_by_student(
            None, start, end, calendar, settings, location_id=location_id
        )
        for figures in per_student.values():
            for day, figure in figures.items():
                if figure.unauthorised:
                    days[day] += figure.unauthorised
        result[location_id] = {day: round(hours, DIGITS) for day, hours in days.items()}
    return result
