"""Searching students, and the row problems of every import (students and absence); the
student import itself is app/students/importing.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_

from app.access import students_visible_to
from app.exceptions import DomainError
from app.models import Student, User

MAX_ERRORS_SHOWN = 50


@dataclass
class RowProblem:
    line: int
    message: str

    def __str__(self) -> str:
        return f"Regel {self.line}: {self.message}"


class ImportRejected(DomainError):
    """The file had bad rows; nothing was changed."""

    def __init__(self, problems: list[RowProblem], total_rows: int) -> None:
        self.problems = problems
        self.total_rows = total_rows
        shown = problems[:MAX_ERRORS_SHOWN]
        more = len(problems) - len(shown)
        lines = [str(p) for p in shown] + ([f"… en nog {more} fout(en)."] if more > 0 else [])
        super().__init__(
            f"Niets geïmporteerd: {len(problems)} fout(en) in {total_rows} regels.\n"
            + "\n".join(lines)
        )


def search_students(user: User, text: str = "", *, limit: int | None = None) -> Select[Student]:
    """Students visible to ``user`` matching a few letters of name, class or leerlingnummer."""
    query = students_visible_to(user)
    for word in text.split()[:4]:
        pattern = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(Student.first_name).like(pattern),
                func.lower(Student.last_name).like(pattern),
                func.lower(Student.class_name).like(pattern),
                Student.leerlingnummer.like(f"{word}%"),
            )
        )
    query = query.order_by(Student.last_name, Student.first_name)
    if limit:
        query = query.limit(limit)
    return query
