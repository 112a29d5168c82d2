"""Entries staff marked "voor teamleider" (read through the desk's query)."""

from __future__ import annotations

from datetime import UTC, date, datetime

from app.core.localtime import LOCAL_TZ
from app.desk import reporting as desk_reporting
from app.digest import rules
from app.digest.model import MarkedItem
from app.digest.sections.common import StudentRefs
from app.models import Location


def marked_items(
    location: Location, day: date, previous: date | None, students: StudentRefs
) -> list[MarkedItem]:
    """Entries staff marked "voor teamleider" since the previous school day's 14:00 e-mail, up
    to the end of this day (the desk's query). What is marked after the e-mail went out, or on
    a day without school, is in the next school day's digest too, so it is never missed."""
    since = None
    if previous is not None:
        since = datetime.combine(previous, rules.DAY_END, tzinfo=LOCAL_TZ).astimezone(UTC)
    return [
        MarkedItem(
            entry_id=m.entry.id,
            kind=m.entry.kind,
            at=m.entry.occurred_at,
            zone=m.entry.zone.name,
            students=[students.of(s) for s in m.students],
            note=m.note,
            staff=m.entry.staff.name,
        )
        for m in desk_reporting.entries_marked_for_teamleider(location, day, since=since)
    ]
