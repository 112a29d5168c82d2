"""Absence import from Magister, SOMtoday or the canonical format: all or nothing, fast.

The file is read with :func:`app.imports.tabular.read_table`, every row is checked first (any
bad row: nothing changes, and the answer lists rows and reasons in Dutch), then the rows are
written in bulk with the database's own upsert (``INSERT … ON CONFLICT (natural key) DO
UPDATE``), so importing the same or an overlapping export again never counts twice and a later
correction replaces the earlier registration. Afterwards the signals of the students in the
file are evaluated. docs/imports.md describes the format.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from sqlalchemy import delete, select, tuple_
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.absence.figures import refresh_figures
from app.absence.parsing import (
    KIND_ABSENT,
    KIND_EXEMPT,
    KIND_LATE,
    KIND_NOT_ABSENCE,
    KIND_SENT_OUT,
    KIND_SICK,
    CellError,
    Moment,
    MomentParser,
    cached,
    parse_kind,
    parse_lesson_hours,
    parse_yes_no,
)
from app.absence.services import effective_codes, rule_settings
from app.absence.settings import CodeMeaning, kind_for, normalise_code
from app.absence.signals import evaluate_signals
from app.core.calendar_store import load_calendar
from app.core.schoolcalendar import SchoolCalendar, year_name_for
from app.core.sql import table_of
from app.core.vocabulary import AbsenceCategory
from app.exceptions import DomainError
from app.extensions import db
from app.imports.tabular import Table, TableError, read_table
from app.models import AbsenceImport, AbsenceRecord, Student, User
from app.models.types import utcnow
from app.students.services import ImportRejected, RowProblem

ABSENCE_COLUMNS: dict[str, tuple[str, ...]] = {
    "leerlingnummer": ("stamnr", "stamnummer", "leerlingnr", "llnr", "leerling"),
    "begin": (
        "start",
        "begindatumtijd",
        "begindatum",
        "startdatum",
        "startdatumtijd",
        "datum",
        "van",
    ),
    "eind": ("einde", "einddatumtijd", "einddatum", "tot"),
    "lesuur": ("beginlesuur", "lesuurvan", "uur"),
    "eindlesuur": ("lesuurtot", "totlesuur"),
    "code": ("afkorting", "verzuimcode", "absentiecode", "redencode"),
    "omschrijving": ("reden", "absentiereden", "toelichting"),
    "geoorloofd": ("isgeoorloofd",),
    "soort": ("verantwoordingtype", "absentiesoort", "verzuimsoort", "type"),
}
REQUIRED_COLUMNS = ("leerlingnummer", "begin")
CHUNK = 5_000
MAX_PERIOD_DAYS = 366
MAX_LINES_SHOWN = 8

# Columns written for each registration, in this order.
RECORD_COLUMNS = (
    "student_id",
    "day",
    "slot",
    "kind",
    "last_day",
    "first_hour",
    "last_hour",
    "starts_at",
    "ends_at",
    "start_minute",
    "minutes",
    "code",
    "description",
    "category",
    "authorised",
)
KEY_COLUMNS = RECORD_COLUMNS[:4]
# Compared with what is stored to tell new, corrected and unchanged registrations apart.
COMPARED_COLUMNS = (
    "last_day",
    "first_hour",
    "last_hour",
    "start_minute",
    "minutes",
    "code",
    "description",
    "category",
    "authorised",
)
_COMPARED_POSITIONS = tuple(RECORD_COLUMNS.index(c) for c in COMPARED_COLUMNS)

Progress = Callable[[str, int, int], None]


@dataclass
class GroupedProblem(RowProblem):
    """One problem found on many rows: listed once, with (some of) its line numbers."""

    lines: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        shown = ", ".join(str(n) for n in self.lines[:MAX_LINES_SHOWN])
        more = len(self.lines) - MAX_LINES_SHOWN
        label = "Regel" if len(self.lines) == 1 else "Regels"
        tail = f" en nog {more}" if more > 0 else ""
        return f"{label} {shown}{tail}: {self.message}"


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
    import_id: int | None = None
    signals: Any = None  # app.absence.signals.EvaluationSummary, when evaluated

    def summary(self) -> str:
        parts = [
            f"{self.rows} regels: {self.inserted} nieuw, {self.updated} gecorrigeerd, "
            f"{self.unchanged} ongewijzigd"
            + (f", {self.removed} verwijderd (niet meer in het LVS)" if self.removed else "")
        ]
        if self.first_day and self.last_day:
            parts.append(f"periode {self.first_day:%d-%m-%Y} t/m {self.last_day:%d-%m-%Y}")
        if self.duplicates:
            parts.append(f"{self.duplicates} dubbele regels één keer geteld")
        if self.not_absence:
            parts.append(f"{self.not_absence} regels zonder verzuim (bijv. huiswerk) overgeslagen")
        if self.non_school_day:
            parts.append(
                f"{self.non_school_day} registraties op een dag zonder school bewaard maar niet "
                "meegeteld"
            )
        if self.skipped_students:
            numbers = ", ".join(self.skipped_students[:20])
            more = len(self.skipped_students) - 20
            parts.append(
                f"{self.skipped_rows} regels van {len(self.skipped_students)} onbekende "
                f"leerling(en) overgeslagen: {numbers}" + (f" en nog {more}" if more > 0 else "")
            )
        if self.signals is not None:
            parts.append(self.signals.summary())
        return "; ".join(parts)


@dataclass
class _Checker:
    """Checks and converts the rows of one file; collects every problem."""

    calendar: SchoolCalendar
    codes: dict[str, CodeMeaning]
    students: dict[str, int]
    skip_unknown_students: bool
    problems: list[RowProblem] = field(default_factory=list)
    unknown_students: dict[str, list[int]] = field(default_factory=dict)
    unknown_codes: dict[str, list[int]] = field(default_factory=dict)
    outside_calendar: dict[str, list[int]] = field(default_factory=dict)
    not_absence: int = 0
    sources: set[str] = field(default_factory=set)
    parse_moment: MomentParser = field(default_factory=MomentParser)
    parse_kind: Callable[[str], str | None] = field(default_factory=lambda: cached(parse_kind))
    parse_hours: Callable[[str], tuple[int | None, int | None]] = field(
        default_factory=lambda: cached(parse_lesson_hours)
    )
    parse_yes_no: Callable[[str], bool | None] = field(default_factory=lambda: cached(parse_yes_no))
    _utc: dict[Moment, datetime | None] = field(default_factory=dict)
    _year_known: dict[date, bool] = field(default_factory=dict)

    def utc(self, moment: Moment) -> datetime | None:
        if moment not in self._utc:
            self._utc[moment] = moment.utc()
        return self._utc[moment]

    def known_day(self, day: date) -> bool:
        known = self._year_known.get(day)
        if known is None:
            known = self._year_known[day] = self.calendar.year_of(day) is not None
        return known

    def category_of(
        self, code: str, kind: str | None, authorised: bool | None, line: int
    ) -> tuple[AbsenceCategory, bool] | str | None:
        """(category, authorised), an error message, or None when the code is unknown."""
        if code:
            meaning = self.codes.get(code)
            if meaning is None:
                self.unknown_codes.setdefault(code, []).append(line)
                return None
            return meaning.category, meaning.authorised
        if kind == KIND_SICK:
            return AbsenceCategory.ZIEK, True
        if kind == KIND_EXEMPT:
            return AbsenceCategory.GEOORLOOFD, True
        if kind == KIND_LATE:
            return AbsenceCategory.TE_LAAT, bool(authorised)
        if kind == KIND_SENT_OUT:
            return AbsenceCategory.VERWIJDERD, bool(authorised)
        if authorised is None:
            if kind == KIND_ABSENT:
                return "geen code en geoorloofd is leeg: vul Ja of Nee in, of een verzuimcode"
            return "code, soort en geoorloofd zijn leeg: niet te zien wat voor verzuim dit is"
        return (
            (AbsenceCategory.GEOORLOOFD, True)
            if authorised
            else (AbsenceCategory.ONGEOORLOOFD, False)
        )

    def check(self, row: dict[str, str], line: int) -> tuple[Any, ...] | None:
        """The registration as a tuple of :data:`RECORD_COLUMNS`, or None (problem or skip)."""
        errors: list[str] = []
        number = row.get("leerlingnummer", "")
        student_id = self.students.get(number)
        if not number:
            errors.append("leerlingnummer ontbreekt")
        elif student_id is None:
            self.unknown_students.setdefault(number, []).append(line)
            if self.skip_unknown_students:
                return None
        try:
            kind = self.parse_kind(row.get("soort", ""))
        except CellError as error:
            errors.append(str(error))
            kind = None
        if kind == KIND_NOT_ABSENCE:
            self.not_absence += 1
            return None
        if kind is not None:
            self.sources.add("magister" if row["soort"].strip().isdigit() else "somtoday")
        begin = end = None
        text = row.get("begin", "")
        if not text:
            errors.append("begin (datum) ontbreekt")
        else:
            try:
                begin = self.parse_moment(text)
                if begin.minute == 0:  # an Excel date cell: midnight means "the whole day"
                    begin = Moment(begin.day)
            except CellError as error:
                errors.append(f"begin: {error}")
        text = row.get("eind", "")
        if text:
            try:
                end = self.parse_moment(text)
            except CellError as error:
                errors.append(f"eind: {error}")
        try:
            first_hour, last_hour = self.parse_hours(row.get("lesuur", ""))
            end_hour, _ = self.parse_hours(row.get("eindlesuur", ""))
            last_hour = end_hour if end_hour is not None else last_hour
        except CellError as error:
            errors.append(str(error))
            first_hour = last_hour = None
        try:
            authorised = self.parse_yes_no(row.get("geoorloofd", ""))
        except CellError as error:
            errors.append(str(error))
            authorised = None
        code = normalise_code(row.get("code", ""))
        if len(code) > 10:
            errors.append(f"code '{code[:20]}' is langer dan 10 tekens")
            code = ""
        meaning = self.category_of(code, kind, authorised, line)
        if isinstance(meaning, str):
            errors.append(meaning)
        if begin is None or errors or student_id is None or meaning is None:
            if errors:
                self.problems.append(RowProblem(line, "; ".join(errors)))
            return None
        assert not isinstance(meaning, str)
        category, is_authorised = meaning

        last_day = begin.day
        minutes = None
        if end is not None:
            last_day = end.day
            if end.minute == 0 and end.day > begin.day:
                last_day = date.fromordinal(end.day.toordinal() - 1)  # ends at midnight
            if (end.day, end.minute or 0) < (begin.day, begin.minute or 0):
                self.problems.append(RowProblem(line, "eind ligt vóór begin"))
                return None
            if (last_day - begin.day).days > MAX_PERIOD_DAYS:
                self.problems.append(RowProblem(line, "de periode is langer dan een jaar"))
                return None
            if end.day == begin.day and end.minute is not None and begin.minute is not None:
                minutes = end.minute - begin.minute
        if (
            first_hour is not None
            and last_hour is not None
            and last_day == begin.day
            and last_hour < first_hour
        ):
            self.problems.append(RowProblem(line, "eindlesuur ligt vóór het lesuur"))
            return None
        for day in {begin.day, last_day}:
            if not self.known_day(day):
                self.outside_calendar.setdefault(year_name_for(day), []).append(line)
                return None
        if first_hour is not None:
            slot = f"L{first_hour}"
        elif begin.minute is not None:
            slot = f"{begin.minute // 60:02d}:{begin.minute % 60:02d}"
        else:
            slot = "dag"
        return (
            student_id,
            begin.day,
            slot,
            kind_for(category).value,
            last_day,
            first_hour,
            last_hour if last_hour != first_hour or last_day != begin.day else None,
            self.utc(begin),
            self.utc(end) if end is not None else None,
            begin.minute if first_hour is None else None,
            minutes,
            code,
            row.get("omschrijving", "")[:80],
            category.value,
            is_authorised,
        )

    def grouped_problems(self) -> list[RowProblem]:
        problems = list(self.problems)
        if self.unknown_students and not self.skip_unknown_students:
            numbers = sorted(self.unknown_students)
            lines = sorted(n for group in self.unknown_students.values() for n in group)
            shown = ", ".join(numbers[:30]) + (
                f" en nog {len(numbers) - 30}" if len(numbers) > 30 else ""
            )
            problems.append(
                GroupedProblem(
                    lines[0],
                    f"onbekende leerlingnummers ({len(numbers)}): {shown}. Importeer eerst de "
                    "leerlingen, of kies 'onbekende leerlingen overslaan'.",
                    lines=lines,
                )
            )
        for code, lines in sorted(self.unknown_codes.items()):
            problems.append(
                GroupedProblem(
                    lines[0],
                    f"onbekende verzuimcode '{code}'. Voeg hem toe onder Verzuim → Verzuimcodes "
                    "(functioneel beheer).",
                    lines=lines,
                )
            )
        for year, lines in sorted(self.outside_calendar.items()):
            problems.append(
                GroupedProblem(
                    lines[0],
                    f"de datum valt in schooljaar {year}, dat niet in de schoolkalender staat. "
                    "Voeg het schooljaar toe onder Verzuim → Schoolkalender.",
                    lines=lines,
                )
            )
        return sorted(problems, key=lambda p: p.line)


def _chunks(items: Sequence[Any], size: int) -> Iterator[Sequence[Any]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


WRITTEN_COLUMNS = (*RECORD_COLUMNS, "source", "import_id", "imported_at")


def _upsert(dialect: Any) -> tuple[str, list[str] | None]:
    """The dialect's ``INSERT … ON CONFLICT (natural key) DO UPDATE`` as driver SQL, with the
    order of its parameters when the driver takes them by position (SQLite)."""
    if dialect.name == "postgresql":
        insert: Any = pg_insert
    elif dialect.name == "sqlite":
        insert = sqlite_insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise RuntimeError(f"Absence import does not support {dialect.name}")
    # inline(): no RETURNING of the new primary key, which bulk rows do not need.
    statement = insert(table_of(AbsenceRecord)).inline()
    statement = statement.on_conflict_do_update(
        index_elements=list(KEY_COLUMNS),
        set_={c: statement.excluded[c] for c in WRITTEN_COLUMNS if c not in KEY_COLUMNS},
    )
    compiled = statement.compile(dialect=dialect, column_keys=list(WRITTEN_COLUMNS))
    order = list(compiled.positiontup or []) if compiled.positional else None
    return str(compiled), order


def _copy_and_upsert_postgresql(
    connection: Any, rows: Iterator[list[tuple[Any, ...]]], progress: Callable[[int], None]
) -> None:
    """PostgreSQL: ``COPY`` the rows into a temporary table, then one ``INSERT … SELECT …
    ON CONFLICT (natural key) DO UPDATE`` — one round trip for the whole file instead of one
    statement per row (psycopg's COPY is implemented in C)."""
    sql, _order = _upsert(connection.dialect)
    insert_into = sql.split(" VALUES ", 1)[0]
    conflict = sql.split(" ON CONFLICT ", 1)[1]
    columns = ", ".join(WRITTEN_COLUMNS)
    staging = "absence_record_import"
    # Identifiers are constants and come from the compiled statement; values travel by COPY.
    table = AbsenceRecord.__tablename__
    empty_copy = f"SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
    statements = (
        f"DROP TABLE IF EXISTS pg_temp.{staging}",
        f"CREATE TEMPORARY TABLE {staging} ON COMMIT DROP AS {empty_copy}",
    )
    with connection.connection.driver_connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)
        with cursor.copy(f"COPY {staging} ({columns}) FROM STDIN") as copy:
            for chunk in rows:
                for row in chunk:
                    copy.write_row(row)
                progress(len(chunk))
        cursor.execute(f"{insert_into} SELECT {columns} FROM {staging} ON CONFLICT {conflict}")  # noqa: S608
        cursor.execute(f"DROP TABLE {staging}")


def _memoised(processor: Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """SQLAlchemy's own bind processor for a column type, remembered per value: an export
    repeats the same days and lesson times thousands of times, and converting each of them
    anew costs more than the database's own work."""
    if processor is None:
        return lambda value: value
    cache: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return cache[value]
        except KeyError:
            converted = cache[value] = processor(value)
            return converted

    return convert


def _stored_versions(
    student_ids: set[int], first_day: date, last_day: date
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    columns = [getattr(AbsenceRecord, c) for c in (*KEY_COLUMNS, *COMPARED_COLUMNS)]
    query = select(*columns).where(AbsenceRecord.day.between(first_day, last_day))
    if len(student_ids) <= 500:
        query = query.where(AbsenceRecord.student_id.in_(student_ids))
    stored = {}
    for row in db.session.execute(query):
        stored[tuple(row[:4])] = tuple(row[4:])
    return stored


def read_absence_table(data: bytes, filename: str) -> Table:
    table = read_table(data, filename, ABSENCE_COLUMNS, REQUIRED_COLUMNS)
    if not {"code", "soort", "geoorloofd"} & set(table.columns):
        raise TableError(
            "Kolom(men) niet gevonden: code (Code/afkorting) of soort (Verantwoordingtype/"
            "absentieSoort) met geoorloofd. Zonder die kolommen is niet te zien wat voor verzuim "
            "een regel is."
        )
    return table


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

    Raises :class:`AbsenceImportRejected` (bad rows) or :class:`TableError` (unreadable file);
    then nothing changes. ``progress(stage, done, total)`` is called as rows are checked and
    written.
    """
    table = read_absence_table(data, filename)
    total = len(table.rows)
    calendar = load_calendar()
    if not calendar.years:
        raise DomainError(
            "Er staat nog geen schooljaar in de schoolkalender. Voeg eerst het schooljaar toe "
            "(Verzuim → Schoolkalender, of: flask --app app calendar add-year 2026-2027)."
        )
    checker = _Checker(
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
    _store(records, result, checker, filename, user, progress, replace_period=replace_period)
    if evaluate:
        student_ids = {key[0] for key in records}
        result.signals = evaluate_signals(as_of, student_ids=student_ids)
    return result


def _store(
    records: dict[tuple[Any, ...], tuple[Any, ...]],
    result: AbsenceImportResult,
    checker: _Checker,
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
    stored = _stored_versions(student_ids, result.first_day, result.last_day)
    to_write: list[tuple[Any, ...]] = []
    for key, record in records.items():
        before = stored.get(key)
        if before is None:
            result.inserted += 1
        elif before == tuple(record[i] for i in _COMPARED_POSITIONS):
            result.unchanged += 1
            continue
        else:
            result.updated += 1
        to_write.append(record)
    gone: list[tuple[Any, ...]] = []
    if replace_period:
        gone = [key for key in stored if key[0] in student_ids and key not in records]
        for chunk in _chunks(gone, 500):
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
        changed = {record[0] for record in to_write} | {key[0] for key in gone}
        refresh_figures(changed, result.first_day, checker.calendar, rule_settings())


def write_records(
    records: Sequence[tuple[Any, ...]],
    *,
    source: str,
    import_id: int | None = None,
    progress: Progress | None = None,
) -> None:
    """Upsert registrations (tuples of :data:`RECORD_COLUMNS`) in chunks, by natural key.

    Values are converted by SQLAlchemy's own (memoised) bind processors, so they are stored
    exactly as the ORM would store them, and go to the driver in bulk: SQLite's
    ``executemany`` of the upsert, PostgreSQL ``COPY`` and one upsert (docs/benchmarks.md)."""
    connection = db.session.connection()
    dialect = connection.dialect
    table = table_of(AbsenceRecord)
    processors = [table.c[name].type._cached_bind_processor(dialect) for name in WRITTEN_COLUMNS]
    width = len(RECORD_COLUMNS)  # then source, import and time, the same for every row
    extra = [
        _memoised(processor)(value)
        for processor, value in zip(
            processors[width:], (source[:12], import_id, utcnow()), strict=True
        )
    ]
    # Only the columns whose type converts at all (on PostgreSQL 3 of the record's 15): a
    # call per value and row costs more, at 600,000 rows, than the COPY itself.
    converting = [(i, _memoised(p)) for i, p in enumerate(processors[:width]) if p is not None]
    done = 0

    def converted() -> Iterator[list[tuple[Any, ...]]]:
        for chunk in _chunks(records, CHUNK):
            rows = []
            for record in chunk:
                if len(record) != width:
                    raise ValueError(f"a registration has {len(record)} values, not {width}")
                row = [*record, *extra]
                for index, convert in converting:
                    row[index] = convert(row[index])
                rows.append(tuple(row))
            yield rows

    def advance(count: int) -> None:
        nonlocal done
        done += count
        if progress:
            progress("opslaan", done, len(records))

    if dialect.name == "postgresql":
        _copy_and_upsert_postgresql(connection, converted(), advance)
    else:
        sql, order = _upsert(dialect)
        assert order == list(WRITTEN_COLUMNS)  # SQLite: positional, in column order
        for rows in converted():
            connection.exec_driver_sql(sql, rows)
            advance(len(rows))
    if progress and not records:
        progress("opslaan", 0, 0)
