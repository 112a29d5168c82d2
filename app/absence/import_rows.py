"""The rows of an absence export, checked and converted one by one: which student, which day
and lesson hours, which code and what it means. Every problem is collected (with its line), so
the import can refuse the whole file with all its reasons at once."""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime
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


@dataclass
class RowChecker:
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
        """The registration as a tuple of :data:`RECORD_COLUMNS`, or None (problem or skip).

        Every cell parser turns a value it cannot read into a Dutch problem; a value that
        slips past them all still becomes a problem of its row, never an error of the import."""
        try:
            return self._check(row, line)
        except (ValueError, OverflowError, ArithmeticError):
            log.exception("absence import: row %s has a value no parser caught", line)
            self.problems.append(RowProblem(line, UNREADABLE_ROW))
            return None

    def _check(self, row: dict[str, str], line: int) -> tuple[Any, ...] | None:
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
            self.sources.add("magister" if is_magister_type(row["soort"]) else "somtoday")
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
