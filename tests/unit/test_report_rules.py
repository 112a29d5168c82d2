"""The report's pure arithmetic: periods, small-number suppression, medians and spreads, the
outcome windows in school weeks. Tables of cases."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from app.core.schoolcalendar import SchoolCalendar, year_name_for
from app.reports import rules
from app.reports.rules import Count, KeyFigure, PeriodError


@pytest.mark.parametrize(
    ("value", "shown", "suppressed"),
    [(0, "0", False), (1, "<5", True), (4, "<5", True), (5, "5", False), (123, "123", False)],
)
def test_counts_of_fewer_than_five_students_show_as_less_than_five(
    value: int, shown: str, suppressed: bool
) -> None:
    assert Count(value).shown == shown == str(Count(value))
    assert Count(value).suppressed is suppressed


@pytest.mark.parametrize(
    ("kind", "values", "expected"),
    [
        ("maand", {"month": "2026-11"}, (date(2026, 11, 1), date(2026, 11, 30))),
        ("maand", {"month": "2027-2"}, (date(2027, 2, 1), date(2027, 2, 28))),
        ("maand", {"month": "2028-02"}, (date(2028, 2, 1), date(2028, 2, 29))),
        (
            "periode",
            {"school_year": "2026-2027", "term": "1"},
            (date(2026, 8, 1), date(2026, 11, 30)),
        ),
        (
            "periode",
            {"school_year": "2026-2027", "term": 2},
            (date(2026, 12, 1), date(2027, 3, 31)),
        ),
        (
            "periode",
            {"school_year": "2026-2027", "term": "3"},
            (date(2027, 4, 1), date(2027, 7, 31)),
        ),
        ("schooljaar", {"school_year": "2026-2027"}, (date(2026, 8, 1), date(2027, 7, 31))),
        (
            "anders",
            {"start": "2026-11-03", "end": "20-11-2026"},
            (date(2026, 11, 3), date(2026, 11, 20)),
        ),
        (
            "anders",
            {"start": "2026-11-03", "end": "2026-11-03"},
            (date(2026, 11, 3), date(2026, 11, 3)),
        ),
    ],
)
def test_periods(kind: str, values: dict[str, object], expected: tuple[date, date]) -> None:
    assert rules.resolve_period(kind, **values) == expected  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "values", "message"),
    [
        ("anders", {"start": "2026-11-30", "end": "2026-11-01"}, "ligt na de einddatum"),
        (
            "anders",
            {"start": "gisteren", "end": "2026-11-01"},
            "'gisteren' is geen geldige begindatum",
        ),
        ("anders", {"start": "2026-02-30", "end": "2026-11-01"}, "geen geldige begindatum"),
        ("anders", {"start": "2026-11-01", "end": ""}, "Vul de einddatum in"),
        ("anders", {"start": "2025-01-01", "end": "2026-11-01"}, "hoogstens een jaar"),
        ("maand", {"month": "november"}, "is geen maand"),
        ("maand", {"month": "2026-13"}, "is geen maand"),
        ("periode", {"school_year": "2026-2027", "term": "4"}, "periode 1, 2 of 3"),
        ("periode", {"school_year": "2026-2027", "term": "x"}, "periode 1, 2 of 3"),
        ("schooljaar", {"school_year": "2026-2028"}, "is geen schooljaar"),
        ("week", {}, "Kies een maand"),
    ],
)
def test_bad_periods_have_dutch_messages(
    kind: str, values: dict[str, object], message: str
) -> None:
    with pytest.raises(PeriodError, match=message):
        rules.resolve_period(kind, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("values", "median", "quartiles"),
    [
        ([], None, None),
        ([4.0], 4.0, None),
        ([1, 3], 2.0, (1, 3)),
        ([1, 2, 3], 2.0, (1, 3)),
        ([1, 2, 3, 4], 2.5, (1.5, 3.5)),
        ([7, 1, 5, 3, 9], 5.0, (2.0, 8.0)),
        ([0, 0, 0, 10, 20, 30], 5.0, (0, 20)),
    ],
)
def test_median_and_spread(
    values: list[float], median: float | None, quartiles: tuple[float, float] | None
) -> None:
    assert rules.median(values) == median
    assert rules.quartiles(values) == quartiles


def test_rates_and_shares() -> None:
    assert rules.per_100(3, 20) == 15.0
    assert rules.per_100(1, 3) == 33.3
    assert rules.per_100(5, 0) is None
    assert rules.share(4, 6) == 67 and rules.share(1, 8) == 13 and rules.share(0, 0) is None


# School year 2026-2027 with the autumn holiday (17–25 October) and Christmas (19 Dec – 3 Jan).
CALENDAR = SchoolCalendar.simple(
    ["2026-2027"],
    [
        (date(2026, 8, 1), date(2026, 8, 23)),
        (date(2026, 10, 17), date(2026, 10, 25)),
        (date(2026, 12, 19), date(2027, 1, 3)),
    ],
)


def test_outcome_windows_skip_holidays_and_leave_out_the_week_of_opening() -> None:
    window = rules.outcome_windows(CALENDAR, date(2026, 11, 12))  # a Thursday in week 46
    assert window is not None
    # Before: the 8 school weeks up to week 45, skipping the autumn-holiday week (43).
    assert window.before_first == date(2026, 9, 7)
    assert window.before_last == date(2026, 11, 6)
    # After: from week 47, skipping the two Christmas weeks.
    assert window.after_first == date(2026, 11, 16)
    assert window.after_last == date(2027, 1, 22)


def test_outcome_window_opened_in_a_holiday_counts_from_the_week_before() -> None:
    window = rules.outcome_windows(CALENDAR, date(2026, 10, 21))  # autumn holiday
    assert window is not None
    assert window.before_last == date(2026, 10, 16)  # week 42 is the last week before
    assert window.after_first == date(2026, 10, 26)


def test_outcome_windows_outside_the_calendar() -> None:
    assert rules.outcome_windows(CALENDAR, date(2026, 9, 1)) is None  # not 8 weeks before yet
    assert rules.outcome_windows(CALENDAR, date(2027, 7, 1)) is None  # not 8 weeks after
    assert rules.outcome_windows(CALENDAR, date(2025, 1, 1)) is None


def test_school_weeks_between() -> None:
    # 10 October is a Saturday: the week of 5 October has no school day in the period.
    weeks = rules.school_weeks_between(CALENDAR, date(2026, 10, 10), date(2026, 11, 1))
    assert weeks == [date(2026, 10, 12), date(2026, 10, 26)]


# -- the summary: comparison periods, direction, which figures moved ---------------------------


@pytest.mark.parametrize(
    ("period", "previous", "last_year"),
    [
        # A month: the month before, and the same month a year earlier.
        (
            (date(2026, 11, 1), date(2026, 11, 30)),
            (date(2026, 10, 1), date(2026, 10, 31)),
            (date(2025, 11, 1), date(2025, 11, 30)),
        ),
        # January: the previous period is in the previous calendar year.
        (
            (date(2027, 1, 1), date(2027, 1, 31)),
            (date(2026, 12, 1), date(2026, 12, 31)),
            (date(2026, 1, 1), date(2026, 1, 31)),
        ),
        # Term 1 of 2026-2027: term 3 of 2025-2026, across the school-year boundary.
        (
            (date(2026, 8, 1), date(2026, 11, 30)),
            (date(2026, 4, 1), date(2026, 7, 31)),
            (date(2025, 8, 1), date(2025, 11, 30)),
        ),
        # Term 2 (December – March): term 1 before it.
        (
            (date(2026, 12, 1), date(2027, 3, 31)),
            (date(2026, 8, 1), date(2026, 11, 30)),
            (date(2025, 12, 1), date(2026, 3, 31)),
        ),
        # A school year: the school year before (1 August – 31 July), twice.
        (
            (date(2026, 8, 1), date(2027, 7, 31)),
            (date(2025, 8, 1), date(2026, 7, 31)),
            (date(2025, 8, 1), date(2026, 7, 31)),
        ),
        # February in a leap year: whole months stay whole.
        (
            (date(2028, 2, 1), date(2028, 2, 29)),
            (date(2028, 1, 1), date(2028, 1, 31)),
            (date(2027, 2, 1), date(2027, 2, 28)),
        ),
        (
            (date(2029, 2, 1), date(2029, 2, 28)),
            (date(2029, 1, 1), date(2029, 1, 31)),
            (date(2028, 2, 1), date(2028, 2, 29)),
        ),
        # Own dates: the same number of days right before; a year earlier day by day.
        (
            (date(2026, 11, 3), date(2026, 11, 20)),
            (date(2026, 10, 16), date(2026, 11, 2)),
            (date(2025, 11, 3), date(2025, 11, 20)),
        ),
        (
            (date(2028, 2, 29), date(2028, 3, 6)),
            (date(2028, 2, 22), date(2028, 2, 28)),
            (date(2027, 2, 28), date(2027, 3, 6)),
        ),
    ],
)
def test_comparison_periods(
    period: tuple[date, date], previous: tuple[date, date], last_year: tuple[date, date]
) -> None:
    assert rules.previous_period(*period) == previous
    assert rules.last_year_period(*period) == last_year
    # The previous period is as long: in months for whole months, else in days.
    months = rules.whole_months(*period)
    if months is not None:
        assert rules.whole_months(*previous) == months
    else:
        assert (previous[1] - previous[0]) == (period[1] - period[0])
    assert previous[1] + timedelta(days=1) == period[0]


@pytest.mark.parametrize(
    ("day", "term"),
    [
        (date(2026, 8, 1), 1),
        (date(2026, 11, 30), 1),
        (date(2026, 12, 1), 2),
        (date(2027, 3, 31), 2),
        (date(2027, 1, 15), 2),
        (date(2027, 4, 1), 3),
        (date(2027, 7, 31), 3),
    ],
)
def test_term_of_a_day(day: date, term: int) -> None:
    assert rules.term_of(day) == term
    first, last = rules.term_period(year_name_for(day), term)
    assert first <= day <= last


def _figure(
    value: float | None,
    previous: float | None,
    last_year: float | None = None,
    *,
    key: str = "k",
    digits: int = 0,
    students: bool = False,
) -> KeyFigure:
    return KeyFigure(key, value, previous, last_year, digits, students)


@pytest.mark.parametrize(
    ("figure", "direction", "change"),
    [
        (_figure(120, 100), rules.UP, 0.2),
        (_figure(80, 100), rules.DOWN, -0.2),
        (_figure(100, 100), rules.SAME, 0.0),
        # Compared as shown: 150.04 and 150.0 are both "150,0".
        (_figure(150.04, 150.0, digits=1), rules.SAME, 0.0),
        (_figure(10, 0), rules.UP, None),  # from nothing: a direction, no size
        (_figure(10, None), None, None),  # no data for the previous period
        (_figure(None, 10), None, None),
        # A small count of students (1 to 4) is never compared: that would reveal it.
        (_figure(7, 3, students=True), None, None),
        (_figure(3, 7, students=True), None, None),
        (_figure(7, 0, students=True), rules.UP, None),
        (_figure(7, 3), rules.UP, pytest.approx(4 / 3)),  # staff work: no suppression
    ],
)
def test_direction_and_change(figure: KeyFigure, direction: str | None, change: object) -> None:
    assert figure.direction == direction
    assert figure.change == change


def test_the_summary_picks_the_largest_changes_above_the_threshold() -> None:
    figures = [
        _figure(105, 100, key="small-change"),  # +5%: below the 10% threshold
        _figure(150, 100, key="plus-50"),
        _figure(60, 100, key="minus-40"),
        _figure(3, 1, key="tiny-numbers"),  # +200%, but 3 and 1 say nothing (guard)
        _figure(9, 5, key="below-base"),  # +80%, but under the minimum of 10
        _figure(12, 0, key="from-nothing"),  # new: counts as the largest change
        _figure(20, None, key="no-data"),
        _figure(8, 2, key="suppressed", students=True),
        _figure(110, 100, key="plus-10"),  # exactly the threshold
    ]
    moved = rules.moved_figures(figures)
    assert [f.key for f in moved] == ["from-nothing", "plus-50", "minus-40", "plus-10"]
    assert [f.key for f in rules.moved_figures(figures, limit=2)] == ["from-nothing", "plus-50"]
    assert rules.moved_figures(figures, threshold=0.45) == [figures[5], figures[1]]
    # Nothing moved: an empty list (the summary says so in words).
    assert rules.moved_figures([_figure(100, 100), _figure(101, 100)]) == []


def test_a_period_without_any_record_has_no_data() -> None:
    assert rules.has_data([0, 0, None]) is False
    assert rules.has_data([0, 3, None]) is True


def test_period_errors_keep_their_message_and_parameters() -> None:
    with pytest.raises(PeriodError) as caught:
        rules.parse_day("30-02-2026", "begindatum")
    error = caught.value
    assert str(error) == (
        "'30-02-2026' is geen geldige begindatum; kies een dag, of typ hem als 24-11-2026."
    )
    assert error.params == {"value": "30-02-2026", "label": "begindatum"}
    assert "%(value)s" in error.message


@pytest.mark.parametrize(
    ("today", "through"),
    [
        (date(2026, 11, 30), None),  # before the period
        (date(2026, 12, 1), date(2026, 12, 1)),  # its first day counts
        (date(2026, 12, 5), date(2026, 12, 5)),
        (date(2026, 12, 31), None),  # its last day: the whole period counts
        (date(2027, 1, 6), None),  # over
    ],
)
def test_a_period_is_counted_up_to_today_while_it_runs(today: date, through: date | None) -> None:
    assert rules.counted_through(date(2026, 12, 1), date(2026, 12, 31), today) == through


def test_a_running_period_is_compared_with_as_many_days() -> None:
    start, through = date(2026, 12, 1), date(2026, 12, 5)
    november = rules.previous_period(start, date(2026, 12, 31))
    assert rules.elapsed_part(november, start, through) == (date(2026, 11, 1), date(2026, 11, 5))
    # Never past the compared period's own end (February after a running March).
    february = (date(2027, 2, 1), date(2027, 2, 28))
    assert rules.elapsed_part(february, date(2027, 3, 1), date(2027, 3, 30)) == february


YEAR_STORED = (date(2026, 8, 24), date(2027, 7, 16))


@pytest.mark.parametrize(
    ("share", "start", "end", "stored", "from_students"),
    [
        # A board's year, with the summary's year before, over one stored year: from the
        # students (every stored day is in the period; by date costs twice as much a row).
        (1.0, date(2025, 8, 1), date(2027, 7, 31), YEAR_STORED, True),
        # A board's month: by date (a twelfth of the days, not all of them).
        (1.0, date(2026, 11, 1), date(2026, 11, 30), YEAR_STORED, False),
        # One location of six, a month: 1/6 of the days against 2 × 30/327 of them.
        (1 / 6, date(2026, 11, 1), date(2026, 11, 30), YEAR_STORED, True),
        # One location of six, a week: by date.
        (1 / 6, date(2026, 11, 2), date(2026, 11, 6), YEAR_STORED, False),
        # Six years stored (students in their sixth year): a board's two years by date.
        (1.0, date(2025, 8, 1), date(2027, 7, 31), (date(2021, 8, 23), date(2027, 7, 16)), False),
        # A period outside what is stored, or nothing stored: by date (nothing to read).
        (0.1, date(2020, 1, 1), date(2020, 12, 31), YEAR_STORED, False),
        (0.1, date(2026, 11, 1), date(2026, 11, 30), None, False),
    ],
)
def test_unauthorised_days_are_read_from_the_students_when_that_reads_fewer_rows(
    share: float,
    start: date,
    end: date,
    stored: tuple[date, date] | None,
    from_students: bool,
) -> None:
    assert rules.unauthorised_days_from_students(share, start, end, stored) is from_students
