"""Absence signals of the location's students: new ones and those still active, with the DUO
report deadline of an unacknowledged 16-hour signal."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select

from app.core.localtime import local_day_bounds
from app.core.sql import NotAnIndexForSQLite
from app.core.vocabulary import AbsenceRule
from app.digest.model import AbsenceItem, AbsenceSection, StudentRef
from app.digest.sections.common import STUDENT_COLUMNS, StudentRefs
from app.extensions import db
from app.models import AbsenceSignal, Student


@dataclass
class _PerStudent:
    student: StudentRef
    first_seen: datetime
    rules: list[str] = field(default_factory=list)
    new: bool = False
    duo_due: date | None = None


def absence_section(
    location_id: int, day: date, previous: date | None, end: datetime, students: StudentRefs
) -> AbsenceSection:
    """Active signals of the location's students. New: first seen since the start of the
    previous school day (the absence list's own "nieuw"), so a signal found after one digest
    went out is still new in the next."""
    new_since, _ = local_day_bounds(previous or day)
    rows = db.session.execute(
        select(
            AbsenceSignal.rule,
            AbsenceSignal.first_seen_at,
            AbsenceSignal.due_on,
            AbsenceSignal.acknowledged_at,
            *STUDENT_COLUMNS,
        )
        .join(Student, Student.id == AbsenceSignal.student_id)
        .where(
            Student.location_id == location_id,
            Student.active.is_(True),
            # Else SQLite, without statistics, walks the board's active signals by their index
            # and then their students (29 ms at 10×) instead of the location's students and
            # then each one's signals, from the index that holds what is read here (migration
            # 0035: 6 ms).
            NotAnIndexForSQLite(AbsenceSignal.active).is_(True),
            AbsenceSignal.first_seen_at < end,
        )
        .order_by(Student.class_name, AbsenceSignal.first_seen_at, AbsenceSignal.id)
    ).all()
    per_student: dict[int, _PerStudent] = {}
    for rule, first_seen, due_on, acknowledged_at, student_id, first, last, class_name in rows:
        item = per_student.setdefault(
            student_id,
            _PerStudent(students.ref(student_id, first, last, class_name), first_seen),
        )
        if rule not in item.rules:
            item.rules.append(rule)
        item.first_seen = min(item.first_seen, first_seen)
        if first_seen >= new_since:
            item.new = True
        if rule == AbsenceRule.ZESTIEN_UUR and due_on is not None and acknowledged_at is None:
            item.duo_due = due_on if item.duo_due is None else min(item.duo_due, due_on)
    new: list[AbsenceItem] = []
    still: list[AbsenceItem] = []
    for item in per_student.values():
        entry = AbsenceItem(item.student, tuple(item.rules), item.first_seen, item.duo_due)
        (new if item.new else still).append(entry)
    return AbsenceSection(new=new, still_active=still)
