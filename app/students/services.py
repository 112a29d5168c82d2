"""Searching students, and the row problems of every import (students and absence); the
student import itself is app/students/importing.py."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import ColumnElement, Integer, Select, case, func, literal, or_

from app.access import students_visible_to
from app.core.name_search import query_words
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
    """Students visible to ``user`` matching every word of ``text`` in their name (accents,
    case, tussenvoegsel and word order do not matter: app/core/name_search.py), class or
    leerlingnummer; by name."""
    query = _matching(students_visible_to(user), text)
    query = query.order_by(Student.last_name, Student.first_name, Student.leerlingnummer)
    if limit:
        query = query.limit(limit)
    return query


def search_students_ranked(
    user: User, text: str, *, location_id: int | None = None, limit: int = 8
) -> Select[Student]:
    """As :func:`search_students`, best first: the students of ``location_id`` (the floor's
    chosen location) before those of the user's other locations, then the exact leerlingnummer,
    then whole words before starts of words before pieces of words, then by name."""
    query = _matching(students_visible_to(user), text)
    if location_id is not None:
        query = query.order_by(case((Student.location_id == location_id, 0), else_=1))
    ranked = query.order_by(
        _rank(text).desc(), Student.last_name, Student.first_name, Student.leerlingnummer
    )
    return ranked.limit(limit)


def _matching(query: Select[Student], text: str) -> Select[Student]:
    for word in query_words(text):
        # Folded words hold only letters and digits: no LIKE wildcard (% or _) or escape.
        query = query.where(
            or_(
                Student.search_key.like(f"%{word}%"),
                func.lower(Student.class_name).like(f"%{word}%"),
                func.lower(Student.leerlingnummer).like(f"{word}%"),
            )
        )
    return query


def _rank(text: str) -> ColumnElement[int]:
    total: ColumnElement[int] = literal(0, Integer)
    for word in query_words(text):
        total = total + case(
            (func.lower(Student.leerlingnummer) == word, 10),
            (Student.search_key.like(f"% {word} %"), 3),
            (func.lower(Student.class_name) == word, 3),
            (Student.search_key.like(f"% {word}%"), 2),
            else_=1,
        )
    return total
