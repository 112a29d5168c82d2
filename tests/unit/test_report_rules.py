"""The report's pure arithmetic: periods, small-number suppression, medians and spreads, the
outcome windows in school weeks. Tables of cases."""

from __future__ import annotations

from datetime import date

import pytest

from app.core.schoolcalendar import SchoolCalendar
from app.reports import rules
from app.reports.rules import Count, PeriodError


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
