"""Student import (upsert by leerlingnummer, all or nothing) and search."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from sqlalchemy import Select, func, or_, select

from app.access import students_visible_to
from app.exceptions import DomainError
from app.extensions import db
from app.imports.tabular import read_table
from app.models import Location, Student, User
from app.models.types import utcnow
from app.observability.metrics import counted_import

STUDENT_COLUMNS: dict[str, tuple[str, ...]] = {
    "leerlingnummer": ("stamnummer", "stamnr", "leerlingnr", "llnr", "leerling nummer"),
    "roepnaam": ("voornaam",),
    "tussenvoegsel": ("tussenvoegsels", "voorvoegsel", "voorvoegsels"),
    "achternaam": ("familienaam", "geslachtsnaam"),
    "klas": ("stamgroep", "klasnaam", "groep"),
    "locatie": ("vestiging", "locatiecode", "vestigingscode", "school"),
    "mentor": ("mentoren", "mentorafkorting"),
}
REQUIRED_COLUMNS = ("leerlingnummer", "roepnaam", "achternaam", "klas", "locatie")
LEERLINGNUMMER_PATTERN = re.compile(r"^[A-Za-z0-9-]{1,20}$")
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


@dataclass
class StudentImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reactivated: int = 0
    deactivated: int = 0
    locations: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.created} nieuw, {self.updated} bijgewerkt, {self.unchanged} ongewijzigd, "
            f"{self.reactivated} heractiveerd, {self.deactivated} gedeactiveerd"
        )


@dataclass
class _StudentRow:
    line: int
    leerlingnummer: str
    first_name: str
    tussenvoegsel: str
    last_name: str
    class_name: str
    location: Location
    mentor: str


def _location_lookup() -> dict[str, Location]:
    lookup: dict[str, Location] = {}
    for location in db.session.scalars(select(Location)):
        lookup[location.code.lower()] = location
        lookup[location.name.lower()] = location
    return lookup


def _validate_rows(rows: list[dict[str, str]], lines: list[int]) -> list[_StudentRow]:
    locations = _location_lookup()
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    parsed: list[_StudentRow] = []
    limits = {"roepnaam": 80, "tussenvoegsel": 30, "achternaam": 120, "klas": 20, "mentor": 80}
    for row, line in zip(rows, lines, strict=True):
        row_problems: list[str] = []
        number = row.get("leerlingnummer", "")
        if not number:
            row_problems.append("leerlingnummer ontbreekt")
        elif not LEERLINGNUMMER_PATTERN.match(number):
            row_problems.append(
                f"leerlingnummer '{number[:30]}' is ongeldig (alleen cijfers/letters)"
            )
        elif number in seen:
            row_problems.append(f"leerlingnummer {number} staat ook op regel {seen[number]}")
        else:
            seen[number] = line
        for column, label in (
            ("roepnaam", "roepnaam"),
            ("achternaam", "achternaam"),
            ("klas", "klas"),
        ):
            if not row.get(column):
                row_problems.append(f"{label} ontbreekt")
        for column, limit in limits.items():
            if len(row.get(column, "")) > limit:
                row_problems.append(f"{column} is langer dan {limit} tekens")
        location_text = row.get("locatie", "")
        location = locations.get(location_text.lower())
        if not location_text:
            row_problems.append("locatie ontbreekt")
        elif location is None:
            codes = ", ".join(sorted({loc.code for loc in locations.values()}))
            row_problems.append(f"onbekende locatie '{location_text[:30]}' (bekend: {codes})")
        if row_problems:
            problems.append(RowProblem(line, "; ".join(row_problems)))
            continue
        assert location is not None
        parsed.append(
            _StudentRow(
                line=line,
                leerlingnummer=number,
                first_name=row["roepnaam"],
                tussenvoegsel=row.get("tussenvoegsel", ""),
                last_name=row["achternaam"],
                class_name=row["klas"],
                location=location,
                mentor=row.get("mentor", ""),
            )
        )
    if problems:
        raise ImportRejected(problems, len(rows))
    return parsed


@counted_import("students")
def import_students(data: bytes, filename: str, *, full: bool = True) -> StudentImportResult:
    """Upsert students from an export, all or nothing.

    With ``full`` the file is the complete list for every location it mentions: active students
    of those locations who are missing are deactivated (never deleted).
    Raises :class:`ImportRejected` or :class:`~app.imports.tabular.TableError`; then nothing
    changes.
    """
    table = read_table(data, filename, STUDENT_COLUMNS, REQUIRED_COLUMNS)
    parsed = _validate_rows(table.rows, table.line_numbers)

    existing = {
        s.leerlingnummer: s
        for s in db.session.scalars(
            select(Student).where(Student.leerlingnummer.in_([p.leerlingnummer for p in parsed]))
        )
    }
    result = StudentImportResult()
    for row in parsed:
        values = {
            "first_name": row.first_name,
            "tussenvoegsel": row.tussenvoegsel,
            "last_name": row.last_name,
            "class_name": row.class_name,
            "location_id": row.location.id,
            "mentor": row.mentor,
        }
        student = existing.get(row.leerlingnummer)
        if student is None:
            db.session.add(Student(leerlingnummer=row.leerlingnummer, active=True, **values))
            result.created += 1
            continue
        changed = any(getattr(student, key) != value for key, value in values.items())
        for key, value in values.items():
            setattr(student, key, value)
        if not student.active:
            student.active = True
            student.left_at = None
            result.reactivated += 1
        elif changed:
            result.updated += 1
        else:
            result.unchanged += 1

    location_ids = {row.location.id for row in parsed}
    result.locations = sorted({row.location.code for row in parsed})
    if full:
        present = {row.leerlingnummer for row in parsed}
        missing = db.session.scalars(
            select(Student).where(
                Student.location_id.in_(location_ids),
                Student.active.is_(True),
                Student.leerlingnummer.not_in(present),
            )
        ).all()
        now = utcnow()
        for student in missing:
            student.active = False
            student.left_at = now
        result.deactivated = len(missing)
    db.session.flush()
    return result


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
