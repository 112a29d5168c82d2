"""Absence import from Magister, SOMtoday or the canonical format: all or nothing, fast.

The file is read as columns (:func:`app.imports.tabular.read_columns`), every row is checked
first, each distinct combination of cells once (any bad row: nothing changes, and the answer
lists rows and reasons in Dutch), then the rows are staged and written by one set-based upsert
(``INSERT … ON CONFLICT (natural key) DO UPDATE … WHERE`` a column differs), so importing the
same or an overlapping export again never counts twice and a later correction replaces the
earlier registration. Afterwards the signals of the students whose day
figures changed are evaluated. docs/imports.md describes the format.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import select

from app.absence.counting import Registration
from app.absence.figures import imported_figures, refresh_figures
from app.absence.import_rows import (
    ABSENCE_COLUMNS,
    REQUIRED_COLUMNS,
    SHAPE_COLUMNS,
    CheckedRows,
    RowChecker,
)
from app.absence.import_storage import Progress, remove_missing, write_registrations
from app.absence.services import effective_codes, rule_settings
from app.absence.signals import evaluate_signals
from app.absence.summaries import import_text
from app.core.calendar_store import load_calendar
from app.core.collection import Alongside, collector_paused
from app.core.localtime import local_today
from app.core.locks import hold_import_lock
from app.core.stored_text import N_
from app.exceptions import DomainError
from app.extensions import db
from app.imports.tabular import ColumnTable, TableError, read_columns
from app.models import AbsenceImport, Student, User
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
    # Asked for a bulk load (``bulk_load``): "" when done, else why not (a stored text).
    bulk_load_declined: str | None = None

    def summary(self) -> str:
        return import_text(self)


def read_absence_table(data: bytes, filename: str) -> ColumnTable:
    table = read_columns(data, filename, ABSENCE_COLUMNS, REQUIRED_COLUMNS)
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
    bulk_load: bool = False,
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

    ``bulk_load``: a first load into an empty table on PostgreSQL sets the table's keys and
    indexes aside and makes them again after the insert (:mod:`app.core.bulk_load`; it locks
    the student table meanwhile: the operator's choice, ``flask import-absence --bulk-load``).
    Where that is not possible the file is imported as usual and the summary says why.
    """
    # Reading and checking a file makes a million lists and tuples that live till its end;
    # collections walking them took twice the time of reading an export (app/core/collection.py).
    with collector_paused():
        result = _import(
            data,
            filename,
            user=user,
            skip_unknown_students=skip_unknown_students,
            progress=progress,
            as_of=as_of,
            replace_period=replace_period,
            bulk_load=bulk_load,
        )
    if evaluate:
        # Incremental: the students whose figures changed (the nightly `flask signals` evaluates
        # everybody, as the days pass). tests/integration/absence/test_absence_incremental.py
        # checks that a full evaluation afterwards changes nothing.
        result.signals = evaluate_signals(as_of, student_ids=result.changed_student_ids)
    return result


def _import(
    data: bytes,
    filename: str,
    *,
    user: User | None,
    skip_unknown_students: bool,
    progress: Progress | None,
    as_of: date | None,
    replace_period: bool,
    bulk_load: bool = False,
) -> AbsenceImportResult:
    table = read_absence_table(data, filename)
    total = len(table)
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
    result = AbsenceImportResult(rows=total)

    def checked_so_far(done: int) -> None:
        if progress:
            progress("controleren", done, total)

    records = checker.check_columns(table.columns, table.line_numbers, checked_so_far)
    result.duplicates = records.duplicates
    if progress and not total:
        progress("controleren", 0, 0)
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
    _store(
        records,
        result,
        checker,
        filename,
        user,
        progress,
        replace_period=replace_period,
        bulk_load=bulk_load,
    )
    today = as_of or local_today()
    first_days = [values[0] for values in records.shape_values]
    future = sorted(first_days[shape] for shape in set(records.shapes) if first_days[shape] > today)
    result.future = sum(1 for shape in records.shapes if first_days[shape] > today)
    result.first_future_day = future[0] if future else None
    return result


def _store(
    records: CheckedRows,
    result: AbsenceImportResult,
    checker: RowChecker,
    filename: str,
    user: User | None,
    progress: Progress | None,
    *,
    replace_period: bool = False,
    bulk_load: bool = False,
) -> None:
    shape_values = records.shape_values
    used = set(records.shapes)
    days = [shape_values[shape][0] for shape in used]
    first_day = result.first_day = min(days)
    result.last_day = max(days)
    student_ids = result.student_ids = set(records.students)
    result.students = len(student_ids)
    calendar = checker.calendar
    off_days = {
        shape
        for shape in used
        if not calendar.school_days_between(shape_values[shape][0], shape_values[shape][3])
    }
    result.non_school_day = sum(1 for shape in records.shapes if shape in off_days)
    sources = sorted(checker.sources)
    result.source = sources[0] if len(sources) == 1 else ("gemengd" if sources else "bestand")
    log = AbsenceImport(
        user_id=user.id if user is not None else None,
        filename=filename[:200],
        source=result.source[:12],
        rows=result.rows,
        skipped=result.skipped_rows + result.not_absence,
        first_day=result.first_day,
        last_day=result.last_day,
    )
    db.session.add(log)
    db.session.flush()
    result.import_id = log.id
    losing: set[int] = set()
    if replace_period:
        result.removed, losing = remove_missing(
            records, student_ids, result.first_day, result.last_day
        )
    registrations = [_registration(values) for values in shape_values]
    settings = rule_settings()

    def figures_ahead() -> tuple[dict[int, list[Registration]], Any]:
        every = _per_student(records, registrations, None)
        return every, imported_figures(every, first_day, calendar, settings)

    # When every registration is new, the figures from the parsed rows are computed meanwhile.
    ahead = Alongside(figures_ahead)
    try:
        written = write_registrations(
            records,
            source=log.source,
            import_id=log.id,
            progress=progress,
            students=student_ids,
            period=(result.first_day, result.last_day),
            alongside=ahead.start,
            bulk_load=bulk_load,
        )
        computed = ahead.result()
    finally:
        ahead.close()
    result.bulk_load_declined = written.bulk_load_declined
    result.inserted, result.updated, result.unchanged = (
        written.inserted,
        written.updated,
        written.unchanged,
    )
    log.inserted, log.updated, log.unchanged = written.inserted, written.updated, written.unchanged
    if written.students or losing:
        # A registration's key holds its first day: nothing written or removed here changes a
        # day before the file's first day. A student with nothing corrected has, from that day
        # on, the registrations just written, in this order: refresh_figures need not read
        # them back unless it finds figures of theirs from that day on.
        fresh = written.students - written.corrected - losing
        if computed is None:
            imported, figures = _per_student(records, registrations, fresh), None
        else:
            every, figures = computed
            imported = {student_id: every[student_id] for student_id in fresh}
        result.changed_student_ids = refresh_figures(
            written.students | losing,
            result.first_day,
            calendar,
            settings,
            imported=imported,
            computed=figures,
            # Nothing was stored before: these are every registration (a rebuild of the
            # figures, as on a first import, need not read them back).
            complete=written.only_these and not written.corrected and not losing,
        )


def _per_student(
    records: CheckedRows, registrations: list[Registration], only: set[int] | None
) -> dict[int, list[Registration]]:
    """The file's registrations per student (of ``only``, when given), in the file's order."""
    result: dict[int, list[Registration]] = {}
    for student_id, shape in zip(records.students, records.shapes, strict=True):
        if only is None or student_id in only:
            result.setdefault(student_id, []).append(registrations[shape])
    return result


_REGISTRATION_AT = tuple(
    SHAPE_COLUMNS.index(name)
    for name in (
        "day",
        "category",
        "last_day",
        "first_hour",
        "last_hour",
        "start_minute",
        "minutes",
        "authorised",
    )
)


def _registration(values: tuple[Any, ...]) -> Registration:
    """A shape's registration as the rules read it (order 0: a student's list is in order)."""
    return Registration._make([*(values[i] for i in _REGISTRATION_AT), 0])
