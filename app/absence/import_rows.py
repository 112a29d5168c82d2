"""The rows of an absence export, checked and converted: which student, which day and lesson
hours, which code and what it means. Every problem is collected (with its line), so the import
can refuse the whole file with all its reasons at once. A file is checked column-wise: each
distinct combination of cells is read once (a year's export repeats a few thousand), each row
costs a few dict lookups (docs/benchmarks.md, issue 24)."""

from __future__ import annotations

import itertools
import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

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
    is_magister_type,
    parse_kind,
    parse_lesson_hours,
    parse_yes_no,
)
from app.absence.settings import CodeMeaning, kind_for, normalise_code
from app.core.schoolcalendar import SchoolCalendar, year_name_for
from app.core.vocabulary import AbsenceCategory
from app.students.services import RowProblem

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


MAX_PERIOD_DAYS = 366


MAX_LINES_SHOWN = 8


UNREADABLE_ROW = "een waarde in deze regel is niet te lezen"


# Progress is told after every this many rows.
PROGRESS_EVERY = 5_000


log = logging.getLogger(__name__)


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


# Read by the checker from each row besides the student number and the description: rows with
# the same cells here say the same (a year's export of 600,000 rows has a few thousand such).
SHAPE_CELLS = ("soort", "begin", "eind", "lesuur", "eindlesuur", "geoorloofd", "code")

# A shape's registration: RECORD_COLUMNS without the student and the description.
SHAPE_COLUMNS = tuple(c for c in RECORD_COLUMNS if c not in ("student_id", "description"))
_DESCRIPTION_AT = RECORD_COLUMNS.index("description") - 1  # in a shape's values


@dataclass(eq=False, slots=True)
class Shape:
    """What a row's cells other than the student number and the description say, checked once
    for all rows with the same cells. The problems are kept in the order the checks find them;
    the checker adds each row's own (student number, line) to them."""

    not_absence: bool = False
    source: str | None = None
    errors: tuple[str, ...] = ()  # problems of the cells, in the order they are found
    unknown_code: str | None = None  # recorded with each row's line
    complete: bool = False  # begin and category known: without them no registration
    problem: str | None = None  # shown only when the cells have no errors (eind vóór begin…)
    outside_year: str | None = None  # the school year, not in the calendar, of a day
    unreadable: bool = False  # a value that slipped past every parser
    # The registration (SHAPE_COLUMNS), when the cells make one; rows whose values are equal
    # share one Shape (``index``), so two rows compare by index and description.
    values: tuple[Any, ...] | None = None
    key: tuple[Any, ...] = ()  # the natural key's day, slot and kind
    index: int = -1


@dataclass
class CheckedRows:
    """The registrations of a file, deduplicated by natural key, in the file's order: the
    i-th has ``students[i]``, ``shapes[i]`` (an index into ``shape_values``), ``descriptions[i]``
    and was first seen on ``lines[i]``."""

    students: list[int] = field(default_factory=list)
    shapes: list[int] = field(default_factory=list)
    descriptions: list[str] = field(default_factory=list)
    lines: list[int] = field(default_factory=list)
    shape_values: list[tuple[Any, ...]] = field(default_factory=list)
    duplicates: int = 0

    def __len__(self) -> int:
        return len(self.students)

    def record(self, position: int) -> tuple[Any, ...]:
        """The ``position``-th registration as a tuple of :data:`RECORD_COLUMNS`."""
        values = self.shape_values[self.shapes[position]]
        return (
            self.students[position],
            *values[:_DESCRIPTION_AT],
            self.descriptions[position],
            *values[_DESCRIPTION_AT:],
        )


@dataclass
class RowChecker:
    """Checks and converts the rows of one file; collects every problem.

    A file is checked column-wise (:meth:`check_columns`): the cells other than the student
    number and the description are read once per distinct combination (:class:`Shape`), the
    student number is one dict lookup, so a row costs a few lookups; the problems and their
    order per row are those of checking each row on its own (:meth:`check`)."""

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
    _shapes: dict[tuple[str, ...], Shape] = field(default_factory=dict)
    _by_values: dict[tuple[Any, ...], Shape] = field(default_factory=dict)
    _shape_values: list[tuple[Any, ...]] = field(default_factory=list)
    _year_known: dict[date, bool] = field(default_factory=dict)

    def known_day(self, day: date) -> bool:
        known = self._year_known.get(day)
        if known is None:
            known = self._year_known[day] = self.calendar.year_of(day) is not None
        return known

    def category_of(
        self, code: str, kind: str | None, authorised: bool | None
    ) -> tuple[AbsenceCategory, bool] | str | None:
        """(category, authorised), an error message, or None when the code is unknown."""
        if code:
            meaning = self.codes.get(code)
            if meaning is None:
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

    # --- one row ------------------------------------------------------------------------------

    def check(self, row: dict[str, str], line: int) -> tuple[Any, ...] | None:
        """One row (canonical column -> cell) as a tuple of :data:`RECORD_COLUMNS`, or None
        (a problem, recorded, or a row to skip)."""
        number = row.get("leerlingnummer", "").strip()
        shape = self.shape_of(tuple(row.get(name, "") for name in SHAPE_CELLS))
        if not self._accept(number, self.students.get(number), shape, line):
            return None
        assert shape.values is not None
        description = row.get("omschrijving", "").strip()[:80]
        values = shape.values
        return (
            self.students[number],
            *values[:_DESCRIPTION_AT],
            description,
            *values[_DESCRIPTION_AT:],
        )

    def _accept(self, number: str, student_id: int | None, shape: Shape, line: int) -> bool:
        """Whether a row with this student and shape is a registration; records its problems
        (in the order checking the row alone finds them) and what it skips."""
        errors: list[str] = []
        if not number:
            errors.append("leerlingnummer ontbreekt")
        elif student_id is None:
            self.unknown_students.setdefault(number, []).append(line)
            if self.skip_unknown_students:
                return False
        if shape.unreadable:
            self.problems.append(RowProblem(line, UNREADABLE_ROW))
            return False
        if shape.not_absence:
            self.not_absence += 1
            return False
        if shape.source is not None:
            self.sources.add(shape.source)
        if shape.unknown_code is not None:
            self.unknown_codes.setdefault(shape.unknown_code, []).append(line)
        errors.extend(shape.errors)
        if errors or student_id is None or not shape.complete:
            if errors:
                self.problems.append(RowProblem(line, "; ".join(errors)))
            return False
        if shape.problem is not None:
            self.problems.append(RowProblem(line, shape.problem))
            return False
        if shape.outside_year is not None:
            self.outside_calendar.setdefault(shape.outside_year, []).append(line)
            return False
        return shape.values is not None

    # --- a whole file ---------------------------------------------------------------------------

    def check_columns(
        self,
        columns: Mapping[str, Sequence[str]],
        lines: Sequence[int],
        progress: Callable[[int], None] | None = None,
    ) -> CheckedRows:
        """Every row of a file read as columns (cells as read); the registrations deduplicated
        by natural key (an equal row again is a duplicate, a different one a problem naming the
        first line). ``progress(rows done)`` is told every :data:`PROGRESS_EVERY` rows."""
        count = len(lines)
        blank = [""] * count
        numbers = [n.strip() for n in columns.get("leerlingnummer", blank)]
        cells = zip(*(columns.get(name, blank) for name in SHAPE_CELLS), strict=False)
        descriptions = columns.get("omschrijving", blank)
        clean: dict[str, str] = {}
        checked = CheckedRows(shape_values=self._shape_values)
        seen: dict[tuple[int, tuple[Any, ...]], int] = {}
        students, shapes, kept_lines = checked.students, checked.shapes, checked.lines
        kept_descriptions = checked.descriptions
        known, lookup, sources_add = self._shapes, self.students.get, self.sources.add
        rows = zip(numbers, cells, descriptions, lines, strict=False)
        for start in range(0, count, PROGRESS_EVERY):
            for number, row_cells, raw_description, line in itertools.islice(rows, PROGRESS_EVERY):
                student_id = lookup(number)
                shape = known.get(row_cells) or self.shape_of(row_cells)
                if student_id is None or shape.values is None or not number:
                    self._accept(number, student_id, shape, line)  # records why not
                    continue
                if shape.source is not None:
                    sources_add(shape.source)
                description = clean.get(raw_description)
                if description is None:
                    description = clean[raw_description] = raw_description.strip()[:80]
                key = (student_id, shape.key)
                earlier = seen.get(key)
                if earlier is None:
                    seen[key] = len(students)
                    students.append(student_id)
                    shapes.append(shape.index)
                    kept_descriptions.append(description)
                    kept_lines.append(line)
                elif shapes[earlier] == shape.index and kept_descriptions[earlier] == description:
                    checked.duplicates += 1
                else:
                    self.problems.append(
                        RowProblem(
                            line,
                            f"dezelfde registratie (leerling, dag, lesuur, soort) als regel "
                            f"{kept_lines[earlier]}, maar met andere gegevens",
                        )
                    )
            if progress:
                progress(min(start + PROGRESS_EVERY, count))
        return checked

    # --- the cells of a row ---------------------------------------------------------------------

    def shape_of(self, cells: tuple[str, ...]) -> Shape:
        """The :class:`Shape` of these cells (:data:`SHAPE_CELLS`, as read), checked once."""
        shape = self._shapes.get(cells)
        if shape is None:
            try:
                shape = self._read_shape(*(cell.strip() for cell in cells))
            except (ValueError, OverflowError, ArithmeticError):
                log.exception("absence import: a row has a value no parser caught: %r", cells)
                shape = Shape(unreadable=True)
            if shape.values is not None:
                # Cells that read alike ("3" and "03") share one index, so rows compare by it.
                same = self._by_values.get(shape.values)
                if same is None:
                    shape.key = shape.values[:3]
                    shape.index = len(self._shape_values)
                    self._shape_values.append(shape.values)
                    self._by_values[shape.values] = shape
                else:
                    shape.values, shape.key, shape.index = same.values, same.key, same.index
            self._shapes[cells] = shape
        return shape

    def _read_shape(
        self,
        soort: str,
        begin_text: str,
        end_text: str,
        lesuur: str,
        eindlesuur: str,
        geoorloofd: str,
        code_text: str,
    ) -> Shape:
        shape = Shape()
        errors: list[str] = []
        try:
            kind = self.parse_kind(soort)
        except CellError as error:
            errors.append(str(error))
            kind = None
        if kind == KIND_NOT_ABSENCE:
            shape.not_absence = True
            return shape
        if kind is not None:
            shape.source = "magister" if is_magister_type(soort) else "somtoday"
        begin = end = None
        if not begin_text:
            errors.append("begin (datum) ontbreekt")
        else:
            try:
                begin = self.parse_moment(begin_text)
                if begin.minute == 0:  # an Excel date cell: midnight means "the whole day"
                    begin = Moment(begin.day)
            except CellError as error:
                errors.append(f"begin: {error}")
        if end_text:
            try:
                end = self.parse_moment(end_text)
            except CellError as error:
                errors.append(f"eind: {error}")
        try:
            first_hour, last_hour = self.parse_hours(lesuur)
            end_hour, _ = self.parse_hours(eindlesuur)
            last_hour = end_hour if end_hour is not None else last_hour
        except CellError as error:
            errors.append(str(error))
            first_hour = last_hour = None
        try:
            authorised = self.parse_yes_no(geoorloofd)
        except CellError as error:
            errors.append(str(error))
            authorised = None
        code = normalise_code(code_text)
        if len(code) > 10:
            errors.append(f"code '{code[:20]}' is langer dan 10 tekens")
            code = ""
        meaning = self.category_of(code, kind, authorised)
        if meaning is None:
            shape.unknown_code = code
        elif isinstance(meaning, str):
            errors.append(meaning)
        shape.errors = tuple(errors)
        shape.complete = begin is not None and meaning is not None
        if errors or begin is None or meaning is None or isinstance(meaning, str):
            return shape
        category, is_authorised = meaning

        last_day = begin.day
        minutes = None
        if end is not None:
            last_day = end.day
            if end.minute == 0 and end.day > begin.day:
                last_day = date.fromordinal(end.day.toordinal() - 1)  # ends at midnight
            if (end.day, end.minute or 0) < (begin.day, begin.minute or 0):
                shape.problem = "eind ligt vóór begin"
                return shape
            if (last_day - begin.day).days > MAX_PERIOD_DAYS:
                shape.problem = "de periode is langer dan een jaar"
                return shape
            if end.day == begin.day and end.minute is not None and begin.minute is not None:
                minutes = end.minute - begin.minute
        if (
            first_hour is not None
            and last_hour is not None
            and last_day == begin.day
            and last_hour < first_hour
        ):
            shape.problem = "eindlesuur ligt vóór het lesuur"
            return shape
        for day in {begin.day, last_day}:
            if not self.known_day(day):
                shape.outside_year = year_name_for(day)
                return shape
        if first_hour is not None:
            slot = f"L{first_hour}"
        elif begin.minute is not None:
            slot = f"{begin.minute // 60:02d}:{begin.minute % 60:02d}"
        else:
            slot = "dag"
        shape.values = (
            begin.day,
            slot,
            kind_for(category).value,
            last_day,
            first_hour,
            last_hour if last_hour != first_hour or last_day != begin.day else None,
            begin.utc(),
            end.utc() if end is not None else None,
            begin.minute if first_hour is None else None,
            minutes,
            code,
            category.value,
            is_authorised,
        )
        return shape

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
