"""Flags raised today, most urgent type first."""

from __future__ import annotations

from collections import Counter
from datetime import datetime

from sqlalchemy import select

from app.core.vocabulary import FlagStatus, FlagType
from app.digest.model import FlagItem, FlagSection
from app.digest.sections.common import STUDENT_COLUMNS, StudentRefs, between
from app.extensions import db
from app.models import Flag, Student


def flag_section(
    location_id: int, start: datetime, end: datetime, students: StudentRefs
) -> FlagSection:
    rows = db.session.execute(
        select(Flag.flag_type, Flag.status, *STUDENT_COLUMNS)
        .join(Student, Student.id == Flag.student_id)
        .where(Flag.location_id == location_id, between(Flag.raised_at, start, end))
        .order_by(Flag.raised_at, Flag.id)
    ).all()
    by_type: Counter[FlagType] = Counter()
    items: list[FlagItem] = []
    for flag_type, status, student_id, first, last, class_name in rows:
        by_type[flag_type] += 1
        items.append(
            FlagItem(
                flag_type,
                students.ref(student_id, first, last, class_name),
                status == FlagStatus.OPEN,
            )
        )
    urgency = list(FlagType)  # most urgent first
    items.sort(key=lambda item: urgency.index(item.flag_type))
    return FlagSection(by_type={t: by_type[t] for t in FlagType}, items=items)
