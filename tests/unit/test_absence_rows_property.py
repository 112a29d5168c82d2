"""Any value in any field of an absence row becomes a Dutch row problem or a registration that
the database can store: never an exception (property tests over rows)."""

from __future__ import annotations

import contextlib
from datetime import UTC, date, datetime

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from app.absence.import_rows import RECORD_COLUMNS, UNREADABLE_ROW, RowChecker
from app.absence.parsing import CellError, MomentParser, parse_kind, parse_lesson_hours
from app.absence.settings import load_default_codes
from app.core.schoolcalendar import SchoolCalendar

CALENDAR = SchoolCalendar.simple(["2026-2027"])
CODES = load_default_codes()
STUDENTS = {"100231": 1}
COLUMNS = ("begin", "eind", "lesuur", "eindlesuur", "code", "omschrijving", "geoorloofd", "soort")


def checker() -> RowChecker:
    return RowChecker(
        calendar=CALENDAR, codes=CODES, students=STUDENTS, skip_unknown_students=False
    )


# Date-time texts at and beyond the edges of what Python can represent: years 1 and 9999,
# offsets that push a moment out of range, 24:00 on the last day, digits of other scripts.
years = st.one_of(
    st.sampled_from([1, 2, 1899, 1900, 2026, 2027, 2199, 2200, 9998, 9999]),
    st.integers(1, 9999),
)
offsets = st.sampled_from(["", "Z", "+05:00", "-05:00", "+14:00", "-12:00", "+2359", "-23:59"])


@st.composite
def moments(draw: st.DrawFn) -> str:
    year, month, day = draw(years), draw(st.integers(1, 12)), draw(st.integers(1, 31))
    hour, minute = draw(st.integers(0, 24)), draw(st.sampled_from([0, 30, 59]))
    if draw(st.booleans()):
        return f"{day:02d}-{month:02d}-{year:04d} {hour:02d}:{minute:02d}"
    return f"{year:04d}-{month:02d}-{day:02d}T{hour:02d}:{minute:02d}:00{draw(offsets)}"


cell = st.one_of(
    moments(),
    st.text(max_size=40),
    st.sampled_from(["", "²", "١٢", "３", "9" * 5000, "0", "15", "16", "-1", "1-99", "Ja", "x"]),
)
rows = st.fixed_dictionaries(
    {"leerlingnummer": st.sampled_from(["100231", "", "999"])},
    optional={column: cell for column in COLUMNS},
)


@given(text=cell)
@example("0001-01-01T00:00:00+05:00")
@example("9999-12-31T23:59:00-05:00")
@example("31-12-9999 24:00")
@example("01-01-0001 00:30")
def test_a_date_cell_is_a_moment_or_a_dutch_problem(text: str) -> None:
    try:
        moment = MomentParser()(text)
    except CellError as error:
        assert "'" in str(error)  # names the value
        return
    utc = moment.utc()
    assert utc is None or utc.tzinfo is UTC


@given(text=cell)
@example("²")
@example("9" * 5000)
def test_kind_and_lesson_cells_never_raise_anything_else(text: str) -> None:
    for parse in (parse_kind, parse_lesson_hours):
        with contextlib.suppress(CellError):
            parse(text)


@settings(max_examples=400, suppress_health_check=[HealthCheck.too_slow])
@given(row=rows)
@example({"leerlingnummer": "100231", "begin": "0001-01-01T00:00:00+05:00"})
@example({"leerlingnummer": "100231", "begin": "9999-12-31T23:59:00-05:00"})
@example({"leerlingnummer": "100231", "begin": "31-12-9999 24:00"})
@example({"leerlingnummer": "100231", "begin": "01-01-0001 00:30"})
@example({"leerlingnummer": "100231", "begin": "14-09-2026", "soort": "²"})
@example({"leerlingnummer": "100231", "begin": "14-09-2026", "eind": "01-01-0001 00:00"})
def test_every_row_is_a_registration_or_a_row_problem(row: dict[str, str]) -> None:
    rows_checker = checker()
    record = rows_checker.check(row, 7)
    problems = rows_checker.grouped_problems()
    # Each parser names what it could not read: the catch-all of the checker is never needed.
    assert all(UNREADABLE_ROW not in problem.message for problem in problems)
    if record is None:
        return
    assert problems == []
    values = dict(zip(RECORD_COLUMNS, record, strict=True))
    assert CALENDAR.year_of(values["day"]) is not None
    assert CALENDAR.year_of(values["last_day"]) is not None
    for moment in (values["starts_at"], values["ends_at"]):
        assert moment is None or (
            isinstance(moment, datetime) and moment.tzinfo is UTC and 2000 < moment.year < 2100
        )
    assert isinstance(values["day"], date)
