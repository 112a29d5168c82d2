"""What the sections share: one :class:`StudentRef` per student, and a time-range condition."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, and_

from app.digest.model import StudentRef
from app.models import Student
from app.models.student import initials_for

# The columns a section selects to make a StudentRef (unpacked as ``sid, first, last, cls``).
STUDENT_COLUMNS = (Student.id, Student.first_name, Student.last_name, Student.class_name)


class StudentRefs:
    """One StudentRef per student, shared by every section (so case links are set once)."""

    def __init__(self) -> None:
        self.refs: dict[int, StudentRef] = {}

    def ref(self, student_id: int, first_name: str, last_name: str, class_name: str) -> StudentRef:
        existing = self.refs.get(student_id)
        if existing is None:
            existing = StudentRef(student_id, initials_for(first_name, last_name), class_name)
            self.refs[student_id] = existing
        return existing

    def of(self, student: Student) -> StudentRef:
        return self.ref(student.id, student.first_name, student.last_name, student.class_name)


def between(column: Any, start: datetime, end: datetime) -> ColumnElement[bool]:
    """``start <= column < end`` (a timestamp column, aware UTC bounds)."""
    return and_(column >= start, column < end)
