from datetime import date

import pytest

from app.core.schoolcalendar import (
    HOLIDAYS_2026_2027_ZUID,
    CalendarError,
    SchoolCalendar,
    easter_sunday,
    parse_year_name,
    plausible_holidays,
    public_holidays,
    year_name_for,
)

CALENDAR = SchoolCalendar.simple(
    ["2026-2027"], [(p.starts_on, p.ends_on, p.name) for p in HOLIDAYS_2026_2027_ZUID]
)


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("2026-2027", (date(2026, 8, 1), date(2027, 7, 31))),
        (" 2027 / 2028 ", (date(2027, 8, 1), date(2028, 7, 31))),
    ],
)
def test_parse_year_name(name: str, expected: tuple[date, date]) -> None:
    assert parse_year_name(name) == expected


@pytest.mark.parametrize("name", ["2026", "2026-2028", "26-27", "abcd-efgh", "1999-2000"])
def test_bad_year_names(name: str) -> None:
    with pytest.raises(CalendarError):
        parse_year_name(name)


@pytest.mark.parametrize(
    ("day", "name"),
    [
        (date(2026, 7, 31), "2025-2026"),
        (date(2026, 8, 1), "2026-2027"),
        (date(2027, 1, 5), "2026-2027"),
    ],
)
def test_year_name_for(day: date, name: str) -> None:
    assert year_name_for(day) == name


@pytest.mark.parametrize(
    ("day", "school"),
    [
        (date(2026, 8, 21), False),  # summer holiday
        (date(2026, 8, 24), True),  # first school day
        (date(2026, 9, 5), False),  # Saturday
        (date(2026, 10, 19), False),  # autumn holiday
        (date(2026, 10, 26), True),
        (date(2027, 3, 29), False),  # Tweede Paasdag
        (date(2027, 7, 16), True),  # last school day
        (date(2027, 8, 2), False),  # outside every known year
    ],
)
def test_school_days(day: date, school: bool) -> None:
    assert CALENDAR.is_school_day(day) is school


def test_school_weeks_skip_full_holiday_weeks() -> None:
    assert CALENDAR.week_index(date(2026, 10, 21)) is None  # autumn holiday week
    before = CALENDAR.week_index(date(2026, 10, 16))
    after = CALENDAR.week_index(date(2026, 10, 26))
    assert before is not None and after == before + 1
    # A week with one public holiday is still a school week.
    assert CALENDAR.week_index(date(2027, 3, 29)) is not None
    assert len(CALENDAR.school_days_in_week(CALENDAR.week_index(date(2027, 3, 29)))) == 4


def test_window_first_day_and_school_day_arithmetic() -> None:
    assert CALENDAR.window_first_day(date(2026, 11, 11), 4) == date(2026, 10, 12)
    assert CALENDAR.window_first_day(date(2026, 8, 26), 4) == date(2026, 8, 24)  # 1st week
    assert CALENDAR.add_school_days(date(2026, 10, 16), 1) == date(2026, 10, 26)
    assert CALENDAR.previous_school_day(date(2026, 10, 26)) == date(2026, 10, 16)
    assert CALENDAR.recent_school_days(date(2026, 10, 24), 2) == [
        date(2026, 10, 15),
        date(2026, 10, 16),
    ]
    assert CALENDAR.closed_name(date(2026, 12, 24)) == "Kerstvakantie"
    assert CALENDAR.add_school_days(date(2027, 7, 16), 1) is None  # beyond the known years


@pytest.mark.parametrize(
    ("year", "easter"),
    [(2024, date(2024, 3, 31)), (2027, date(2027, 3, 28)), (2028, date(2028, 4, 16))],
)
def test_easter(year: int, easter: date) -> None:
    assert easter_sunday(year) == easter


def test_public_holidays_2026_2027() -> None:
    names = {p.name: p.starts_on for p in public_holidays("2026-2027")}
    assert names == {
        "Goede Vrijdag": date(2027, 3, 26),
        "Tweede Paasdag": date(2027, 3, 29),
        "Koningsdag": date(2027, 4, 27),
        "Hemelvaart": date(2027, 5, 6),
        "Tweede Pinksterdag": date(2027, 5, 17),
    }


@pytest.mark.parametrize("name", ["2025-2026", "2026-2027", "2027-2028", "2030-2031"])
def test_plausible_holidays_give_a_plausible_year(name: str) -> None:
    start, end = parse_year_name(name)
    calendar = SchoolCalendar.simple(
        [name], [(p.starts_on, p.ends_on) for p in plausible_holidays(name)]
    )
    days = calendar.school_days_between(start, end)
    assert 180 <= len(days) <= 206  # before the school's own study days
    assert days[0].month in (8, 9) and days[-1].month == 7
