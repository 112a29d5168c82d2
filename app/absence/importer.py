"""Absence import from Magister, SOMtoday or the canonical format: all or nothing, fast.

The file is read with :func:`app.imports.tabular.read_table`, every row is checked first (any
bad row: nothing changes, and the answer lists rows and reasons in Dutch), then the rows are
written in bulk with the database's own upsert (``INSERT … ON CONFLICT (natural key) DO
UPDATE``), so importing the same or an overlapping export again never counts twice and a later
correction replaces the earlier registration. Afterwards the signals of the students whose day
figures changed are evaluated. docs/imports.md describes the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import delete, select, tuple_

from app.absence.figures import refresh_figures
from app.absence.import_rows import (
    ABSENCE_COLUMNS,
    KEY_COLUMNS,
    REQUIRED_COLUMNS,
    RowChecker,
)
from app.absence.import_storage import (
    CHUNK,
    COMPARED_POSITIONS,
    Progress,
    chunks,
    stored_versions,
    write_records,
)
from app.absence.services import effective_codes, rule_settings
from app.absence.signals import evaluate_signals
from app.absence.summaries import import_text
from app.core.calendar_store import load_calendar
from app.core.localtime import local_today
from app.core.locks import hold_import_lock
from app.core.stored_text import N_
from app.exceptions import DomainError
from app.extensions import db
from app.imports.tabular import Table, TableError, read_table
from app.models import AbsenceImport, AbsenceRecord, Student, User
from app.observability.metrics import counted_import
from app.students.services import ImportRejected, RowProblem


class AbsenceImportRejected(ImportRejected):
    """Nothing was imported; ``unknown_students`` lists the student numbers not in SchoolFit."""

    def __init__(
        self, problems: list[RowProblem], total_rows: int, unknown_students: list[str]
    ) -> None:
        super().__init__(problems, total_rows)
        self.unknown_students = unknown_students


@dataclass
class AbsenceImportResult:
    rows: int = 0
    inserted: int = 0
    updated: int = 0
    unchanged: int = 0
    removed: int = 0  # with ``replace_period``: stored rows the file no longer has
    duplicates: int = 0
    not_absence: int = 0
    non_school_day: int = 0
    skipped_students: list[str] = field(default_factory=list)
    skipped_rows: int = 0
    students: int = 0
    first_day: date | None = None
    last_day: date | None = None
    source: str = ""
    # Registrations that begin after the day of the import: stored, not counted in signals.
    future: int = 0
    first_future_day: date | None = None
    import_id: int | None = None
    signals: Any = None  # app.absence.signals.EvaluationSummary, when evaluated
    # The students of the file's rows (the inbox evaluates their signals once, after all its
    # absence files).
    student_ids: set[int] = field(default_factory=set)
    # The students whose day figures the import changed: only their signals can have changed,
    # so only they are evaluated afterwards. None: the figures were rebuilt (the calendar or the
    # hour settings changed since), anybody's may have changed.
    changed_student_ids: set[int] | None = field(default_factory=set)

    def summary(self) -> str:
        return import_text(self)


def read_absence_table(data: bytes, filename: str) -> Table:
    table = read_table(data, filename, ABSENCE_COLUMNS, REQUIRED_COLUMNS)
    if not {"code", "soort", "geoorloofd"} & set(table.columns):
        raise TableError(
            N_(
                "Kolom(men) niet gevonden: code (Code/afkorting) of soort "
                "(Verantwoordingtype/absentieSoort) met geoorloofd. Zonder die "
                "kolommen is niet te zien wat voor verzuim een regel is."
            )
        )
    return table


@counted_import("absence")
def import_absence(
    data: bytes,
    filename: str,
    *,
    user: User | None = None,
    skip_unknown_students: bool = False,
    progress: Progress | None = None,
    evaluate: bool = True,
    as_of: date | None = None,
    replace_period: bool = False,
) -> AbsenceImportResult:
    """Import an absence export, all or nothing, then evaluate the signals of its students.

    ``replace_period``: the file is the whole truth for its students over its period (first to
    last day in it): their stored registrations in that period that the file no longer has —
    deleted in the LVS — are removed. Students without any row in the file are left alone.

    Registrations that begin after ``as_of`` (default: today) are stored with a warning in the
    result; the signals do not count them until their day (:func:`evaluate_signals`).

    Raises :class:`AbsenceImportRejected` (bad rows), :class:`TableError` (unreadable file) or
    :class:`~app.core.locks.ImportBusy` (another absence import runs); then nothing changes.
    ``progress(stage, done, total)`` is called as rows are checked and written.
    """
    table = read_absence_table(data, filename)
    total = len(table.rows)
    calendar = load_calendar()
    if not calendar.years:
        raise DomainError(
            N_(
                "Er staat nog geen schooljaar in de schoolkalender. Voeg eerst het "
                "schooljaar toe (Verzuim → Schoolkalender, of: flask --app app "
                "calendar add-year 2026-2027)."
            )
        )
    checker = RowChecker(
        calendar=calendar,
        codes=effective_codes(),
        students=dict(db.session.execute(select(Student.leerlingnummer, Student.id)).all()),
        skip_unknown_students=skip_unknown_students,
    )
    records: dict[tuple[Any, ...], tuple[Any, ...]] = {}
    first_lines: dict[tuple[Any, ...], int] = {}
    result = AbsenceImportResult(rows=total)
    for position, (row, line) in enumerate(zip(table.rows, table.line_numbers, strict=True)):
        record = checker.check(row, line)
        if record is not None:
            key = record[:4]
            earlier = records.get(key)
            if earlier is None:
                records[key] = record
                first_lines[key] = line
            elif earlier == record:
                result.duplicates += 1
            else:
                checker.problems.append(
                    RowProblem(
                        line,
                        f"dezelfde registratie (leerling, dag, lesuur, soort) als regel "
                        f"{first_lines[key]}, maar met andere gegevens",
                    )
                )
        if progress and (position + 1) % CHUNK == 0:
            progress("controleren", position + 1, total)
    if progress:
        progress("controleren", total, total)
    problems = checker.grouped_problems()
    if problems:
        raise AbsenceImportRejected(problems, total, sorted(checker.unknown_students))
    if skip_unknown_students:
        result.skipped_students = sorted(checker.unknown_students)
        result.skipped_rows = sum(len(v) for v in checker.unknown_students.values())
    result.not_absence = checker.not_absence
    if not records:
        raise DomainError(
            "Niets geïmporteerd: het bestand bevat geen verzuimregels"
            + (" van bekende leerlingen." if result.skipped_rows else ".")
        )
    # Checking the file needed no lock; what is stored is read and written under it, so an
    # import started twice at once imports once (app/core/locks.py).
    hold_import_lock("absence")
    _store(records, result, checker, filename, user, progress, replace_period=replace_period)
    today = as_of or local_today()
    future = sorted(key[1] for key in records if key[1] > today)
    result.future = len(future)
    result.first_future_day = future[0] if future else None
    result.student_ids = {key[0] for key in records}
    if evaluate:
        # Incremental: the students whose figures changed (the nightly `flask signals` evaluates
        # everybody, as the days pass). tests/integration/absence/test_absence_incremental.py
        # checks that a full evaluation afterwards changes nothing.
        result.signals = evaluate_signals(as_of, student_ids=result.changed_student_ids)
    return result


def _store(
    records: dict[tuple[Any, ...], tuple[Any, ...]],
    result: AbsenceImportResult,
    checker: RowChecker,
    filename: str,
    user: User | None,
    progress: Progress | None,
    *,
    replace_period: bool = False,
) -> None:
    days = [key[1] for key in records]
    result.first_day, result.last_day = min(days), max(days)
    student_ids = {key[0] for key in records}
    result.students = len(student_ids)
    result.non_school_day = sum(
        1
        for record in records.values()
        if not checker.calendar.school_days_between(record[1], record[4])
    )
    stored = stored_versions(student_ids, result.first_day, result.last_day)
    to_write: list[tuple[Any, ...]] = []
    for key, record in records.items():
        before = stored.get(key)
        if before is None:
            result.inserted += 1
        elif before == tuple(record[i] for i in COMPARED_POSITIONS):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        to_write.append(record)
    gone: list[tuple[Any, ...]] = []
    if replace_period:
        gone = [key for key in stored if key[0] in student_ids and key not in records]
        for chunk in chunks(gone, 500):
            db.session.execute(
                delete(AbsenceRecord).where(
                    tuple_(*(getattr(AbsenceRecord, c) for c in KEY_COLUMNS)).in_(list(chunk))
                )
            )
        result.removed = len(gone)
    sources = sorted(checker.sources)
    result.source = sources[0] if len(sources) == 1 else ("gemengd" if sources else "bestand")
    log = AbsenceImport(
        user_id=user.id if user is not None else None,
        filename=filename[:200],
        source=result.source[:12],
        rows=result.rows,
        inserted=result.inserted,
        updated=result.updated,
        unchanged=result.unchanged,
        skipped=result.skipped_rows + result.not_absence,
        first_day=result.first_day,
        last_day=result.last_day,
    )
    db.session.add(log)
    db.session.flush()
    result.import_id = log.id
    write_records(to_write, source=log.source, import_id=log.id, progress=progress)
    if to_write or result.removed:
        # A registration's key holds its first day: nothing written or removed here changes a
        # day before the file's first day.
        written = {record[0] for record in to_write} | {key[0] for key in gone}
        result.changed_student_ids = refresh_figures(
            written, result.first_day, checker.calendar, rule_settings()
        )
