"""The student import: upsert by leerlingnummer, all or nothing, after a look at what it does.

A file is read and checked (:func:`plan_student_import`, which changes nothing) into a plan:
who is new, whose name or location changes on a known leerlingnummer (a number typed wrong
overwrites another student), whose class or mentor changes, who comes back, and — in a full
import — who is deactivated, with their open work. The upload page shows the plan as a preview
and imports only after a confirmation (app/students/staging.py); the command line prints it
and refuses, changing nothing, when the import would deactivate a student with open work or
more than a tenth of a location's active students, unless ``--confirm`` is given
(:func:`import_students`). :func:`apply_plan` writes the plan in one transaction, under the
import lock (app/core/locks.py).
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.core.locks import hold_import_lock
from app.exceptions import DomainError
from app.extensions import db
from app.imports.tabular import read_table
from app.models import Location, Student
from app.models.types import utcnow
from app.observability.metrics import counted_import
from app.students.open_work import OpenWork, open_work_of
from app.students.rules import LocationShare, deactivation_risks, percentage
from app.students.services import ImportRejected, RowProblem

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
LIMITS = {"roepnaam": 80, "tussenvoegsel": 30, "achternaam": 120, "klas": 20, "mentor": 80}
# Lines of a list the command line prints before "… en nog N".
LISTED = 50


@dataclass
class StudentImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    reactivated: int = 0
    deactivated: int = 0
    locations: list[str] = field(default_factory=list)
    preview: list[str] = field(default_factory=list)  # the plan as text, for the command line

    @property
    def rows(self) -> int:
        """The students in the file."""
        return self.created + self.updated + self.unchanged + self.reactivated

    def summary(self) -> str:
        return (
            f"{self.created} nieuw, {self.updated} bijgewerkt, {self.unchanged} ongewijzigd, "
            f"{self.reactivated} heractiveerd, {self.deactivated} gedeactiveerd"
        )


@dataclass(frozen=True)
class StudentRow:
    line: int
    leerlingnummer: str
    first_name: str
    tussenvoegsel: str
    last_name: str
    class_name: str
    location: Location
    mentor: str

    def values(self) -> dict[str, object]:
        return {
            "first_name": self.first_name,
            "tussenvoegsel": self.tussenvoegsel,
            "last_name": self.last_name,
            "class_name": self.class_name,
            "location_id": self.location.id,
            "mentor": self.mentor,
        }

    @property
    def full_name(self) -> str:
        return " ".join(p for p in (self.first_name, self.tussenvoegsel, self.last_name) if p)

    def described(self) -> str:
        return f"{self.full_name} ({self.class_name}, {self.location.code})"


def described(student: Student) -> str:
    return f"{student.full_name} ({student.class_name}, {student.location.code})"


@dataclass(frozen=True)
class StudentChange:
    """A known leerlingnummer whose data the file changes."""

    row: StudentRow
    student: Student
    changed: tuple[str, ...]  # naam, locatie, klas, mentor
    before: str
    after: str

    @property
    def identity(self) -> bool:
        """A new name or location: maybe another student under a mistyped number."""
        return "naam" in self.changed or "locatie" in self.changed


class ImportNeedsConfirmation(DomainError):
    """A full import would deactivate students with open work or many of a location's."""

    def __init__(self, plan: StudentImportPlan) -> None:
        self.plan = plan
        super().__init__(
            "Niets geïmporteerd: deze import moet eerst bevestigd worden.\n"
            + "\n".join(plan.summary_lines())
            + "\nControleer het bestand; importeer het alleen als dit klopt (op de opdrachtregel "
            "met --confirm)."
        )


@dataclass
class StudentImportPlan:
    """What importing a file would do; computed without changing anything."""

    filename: str
    full: bool
    digest: str
    rows: list[StudentRow]
    new: list[StudentRow] = field(default_factory=list)
    changes: list[StudentChange] = field(default_factory=list)
    reactivated: list[StudentChange] = field(default_factory=list)
    unchanged: int = 0
    deactivated: list[Student] = field(default_factory=list)
    open_work: list[OpenWork] = field(default_factory=list)
    locations: list[LocationShare] = field(default_factory=list)

    @property
    def identity_changes(self) -> list[StudentChange]:
        return [change for change in self.changes if change.identity]

    @property
    def other_changes(self) -> list[StudentChange]:
        return [change for change in self.changes if not change.identity]

    @property
    def risks(self) -> list[str]:
        return deactivation_risks(self.locations, len(self.open_work))

    @property
    def location_codes(self) -> list[str]:
        return sorted({row.location.code for row in self.rows})

    def fingerprint(self) -> str:
        """Everything the preview shows: a confirmation of another preview, or of one the
        database has changed under since, does not match."""
        content = {
            "file": self.digest,
            "full": self.full,
            "new": [[r.leerlingnummer, r.described(), r.mentor] for r in self.new],
            "changed": [[c.row.leerlingnummer, c.before, c.after] for c in self.changes],
            "reactivated": [[c.row.leerlingnummer, c.before, c.after] for c in self.reactivated],
            "unchanged": self.unchanged,
            "deactivated": sorted(s.leerlingnummer for s in self.deactivated),
            "open_work": [work.fingerprint() for work in self.open_work],
        }
        text = json.dumps(content, sort_keys=True, ensure_ascii=False)
        return hashlib.sha256(text.encode()).hexdigest()

    def counts(self) -> str:
        return (
            f"{len(self.new)} nieuw, {len(self.identity_changes)} met een andere naam of "
            f"locatie, {len(self.other_changes)} met een andere klas of mentor, "
            f"{len(self.reactivated)} heractiveerd, {self.unchanged} ongewijzigd, "
            f"{len(self.deactivated)} gedeactiveerd"
        )

    def summary_lines(self) -> list[str]:
        """The preview as text (the command line prints it)."""
        kind = "volledig" if self.full else "alleen toevoegen en bijwerken"
        lines = [f"{self.filename} ({kind}; {', '.join(self.location_codes)}): {self.counts()}."]
        if self.identity_changes:
            lines.append("Andere naam of locatie bij een bekend leerlingnummer:")
            lines += _listed(
                f"  {c.row.leerlingnummer}: {c.before} → {c.after}" for c in self.identity_changes
            )
        if self.reactivated:
            lines.append("Weer actief:")
            lines += _listed(f"  {c.row.leerlingnummer}: {c.after}" for c in self.reactivated)
        if self.full and self.locations:
            lines.append(
                "Gedeactiveerd per locatie: "
                + ", ".join(
                    f"{s.code} {s.deactivated} van {s.active} ({percentage(s.share)})"
                    for s in self.locations
                )
                + "."
            )
        if self.open_work:
            lines.append("Gedeactiveerd terwijl er nog werk open staat:")
            lines += _listed(
                f"  {w.student.leerlingnummer}: {described(w.student)}: {', '.join(w.items)}"
                for w in self.open_work
            )
        lines += [f"Let op: {risk}" for risk in self.risks]
        return lines


def _listed(lines: Iterable[str]) -> list[str]:
    items = list(lines)
    more = len(items) - LISTED
    return items[:LISTED] + ([f"  … en nog {more}"] if more > 0 else [])


# --- reading and checking the file ------------------------------------------------------------


def _location_lookup() -> dict[str, Location]:
    lookup: dict[str, Location] = {}
    for location in db.session.scalars(select(Location)):
        lookup[location.code.lower()] = location
        lookup[location.name.lower()] = location
    return lookup


def _row_problems(
    row: dict[str, str], line: int, seen: dict[str, int], locations: dict[str, Location]
) -> list[str]:
    problems: list[str] = []
    number = row.get("leerlingnummer", "")
    if not number:
        problems.append("leerlingnummer ontbreekt")
    elif not LEERLINGNUMMER_PATTERN.match(number):
        problems.append(f"leerlingnummer '{number[:30]}' is ongeldig (alleen cijfers/letters)")
    elif number in seen:
        problems.append(f"leerlingnummer {number} staat ook op regel {seen[number]}")
    else:
        seen[number] = line
    for column in ("roepnaam", "achternaam", "klas"):
        if not row.get(column):
            problems.append(f"{column} ontbreekt")
    for column, limit in LIMITS.items():
        if len(row.get(column, "")) > limit:
            problems.append(f"{column} is langer dan {limit} tekens")
    location_text = row.get("locatie", "")
    if not location_text:
        problems.append("locatie ontbreekt")
    elif location_text.lower() not in locations:
        codes = ", ".join(sorted({loc.code for loc in locations.values()}))
        problems.append(f"onbekende locatie '{location_text[:30]}' (bekend: {codes})")
    return problems


def read_student_rows(data: bytes, filename: str) -> list[StudentRow]:
    """Every row of the file, checked; raises :class:`ImportRejected` listing every bad row,
    or :class:`~app.imports.tabular.TableError` for a file that cannot be read."""
    table = read_table(data, filename, STUDENT_COLUMNS, REQUIRED_COLUMNS)
    locations = _location_lookup()
    problems: list[RowProblem] = []
    seen: dict[str, int] = {}
    rows: list[StudentRow] = []
    for row, line in zip(table.rows, table.line_numbers, strict=True):
        row_problems = _row_problems(row, line, seen, locations)
        if row_problems:
            problems.append(RowProblem(line, "; ".join(row_problems)))
            continue
        rows.append(
            StudentRow(
                line=line,
                leerlingnummer=row["leerlingnummer"],
                first_name=row["roepnaam"],
                tussenvoegsel=row.get("tussenvoegsel", ""),
                last_name=row["achternaam"],
                class_name=row["klas"],
                location=locations[row["locatie"].lower()],
                mentor=row.get("mentor", ""),
            )
        )
    if problems:
        raise ImportRejected(problems, len(table.rows))
    return rows


# --- the plan ---------------------------------------------------------------------------------

CHANGED_FIELDS = (
    ("naam", ("first_name", "tussenvoegsel", "last_name")),
    ("locatie", ("location_id",)),
    ("klas", ("class_name",)),
    ("mentor", ("mentor",)),
)


def _change(row: StudentRow, student: Student) -> StudentChange:
    values = row.values()
    changed = tuple(
        label
        for label, names in CHANGED_FIELDS
        if any(getattr(student, name) != values[name] for name in names)
    )
    return StudentChange(row, student, changed, described(student), row.described())


def plan_rows(
    rows: list[StudentRow], *, filename: str, full: bool, digest: str
) -> StudentImportPlan:
    """What importing ``rows`` would do to the students as they are stored now."""
    plan = StudentImportPlan(filename=filename, full=full, digest=digest, rows=rows)
    numbers = [row.leerlingnummer for row in rows]
    existing: dict[str, Student] = {}
    for start in range(0, len(numbers), 500):
        for known in db.session.scalars(
            select(Student).where(Student.leerlingnummer.in_(numbers[start : start + 500]))
        ):
            existing[known.leerlingnummer] = known
    for row in rows:
        student = existing.get(row.leerlingnummer)
        if student is None:
            plan.new.append(row)
            continue
        change = _change(row, student)
        if not student.active:
            plan.reactivated.append(change)
        elif change.changed:
            plan.changes.append(change)
        else:
            plan.unchanged += 1
    if full:
        _plan_deactivations(plan, set(numbers))
    return plan


def _plan_deactivations(plan: StudentImportPlan, present: set[str]) -> None:
    """A full import is the complete list of every location in it: their active students who
    are missing are deactivated (never deleted)."""
    location_ids = {row.location.id for row in plan.rows}
    active = dict(
        db.session.execute(
            select(Student.location_id, func.count())
            .where(Student.location_id.in_(location_ids), Student.active.is_(True))
            .group_by(Student.location_id)
        ).all()
    )
    missing = db.session.scalars(
        select(Student)
        .where(Student.location_id.in_(location_ids), Student.active.is_(True))
        .order_by(Student.last_name, Student.first_name, Student.leerlingnummer)
    ).all()
    plan.deactivated = [s for s in missing if s.leerlingnummer not in present]
    codes = {row.location.id: row.location.code for row in plan.rows}
    gone: dict[int, int] = {}
    for student in plan.deactivated:
        gone[student.location_id] = gone.get(student.location_id, 0) + 1
    plan.locations = [
        LocationShare(codes[location_id], active.get(location_id, 0), gone.get(location_id, 0))
        for location_id in sorted(location_ids, key=lambda i: codes[i])
    ]
    plan.open_work = open_work_of(plan.deactivated)


def plan_student_import(data: bytes, filename: str, *, full: bool) -> StudentImportPlan:
    """Read and check the file and say what importing it would do; changes nothing."""
    rows = read_student_rows(data, filename)
    digest = hashlib.sha256(data).hexdigest()
    return plan_rows(rows, filename=filename, full=full, digest=digest)


def apply_plan(plan: StudentImportPlan) -> StudentImportResult:
    """Write the plan (add and flush; the caller commits). Take the import lock before the
    plan is made, so that nothing it read can change before it is written."""
    result = StudentImportResult(
        locations=plan.location_codes, unchanged=plan.unchanged, preview=plan.summary_lines()
    )
    for row in plan.new:
        db.session.add(Student(leerlingnummer=row.leerlingnummer, active=True, **row.values()))
    result.created = len(plan.new)
    for change in [*plan.changes, *plan.reactivated]:
        for name, value in change.row.values().items():
            setattr(change.student, name, value)
    result.updated = len(plan.changes)
    for change in plan.reactivated:
        change.student.active = True
        change.student.left_at = None
    result.reactivated = len(plan.reactivated)
    now = utcnow()
    for student in plan.deactivated:
        student.active = False
        student.left_at = now
    result.deactivated = len(plan.deactivated)
    db.session.flush()
    return result


@counted_import("students")
def import_students(
    data: bytes, filename: str, *, full: bool = True, confirm: bool = False
) -> StudentImportResult:
    """Import a file at once (the command line): all or nothing, under the import lock.

    Raises :class:`ImportNeedsConfirmation` (with the plan) when a full import would deactivate
    students with open work or more than a tenth of a location's, unless ``confirm``;
    :class:`ImportRejected` or :class:`~app.imports.tabular.TableError` for a bad file;
    :class:`~app.core.locks.ImportBusy` while another import runs. Then nothing changes."""
    rows = read_student_rows(data, filename)
    hold_import_lock("students")
    plan = plan_rows(rows, filename=filename, full=full, digest=hashlib.sha256(data).hexdigest())
    if plan.risks and not confirm:
        raise ImportNeedsConfirmation(plan)
    return apply_plan(plan)
