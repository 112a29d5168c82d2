"""The school calendar as plain data: which days are school days, and which weeks school weeks.

Pure Python (no Flask, no database): the signal rules take a :class:`SchoolCalendar` built from
the stored school years and non-school periods, so they can be tested with tables of cases.

- A school year runs from 1 August to 31 July and is named after its two calendar years
  (``2026-2027``).
- A school day is a weekday (Monday–Friday) inside a known school year that falls in no holiday
  or other non-school period. Days outside every known school year are not school days.
- A school week is a Monday–Friday week with at least one school day; a week that is fully
  holiday is not a school week. Windows of "N school weeks" skip such weeks.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

YEAR_NAME = re.compile(r"^(\d{4})\s*[-/]\s*(\d{4})$")


class CalendarError(ValueError):
    """A school-year name or period that makes no sense; the message is Dutch."""


def parse_year_name(name: str) -> tuple[date, date]:
    """``"2026-2027"`` -> (2026-08-01, 2027-07-31)."""
    match = YEAR_NAME.match(name.strip())
    if not match or int(match.group(2)) != int(match.group(1)) + 1:
        raise CalendarError(
            f"'{name.strip()[:20]}' is geen schooljaar; schrijf het als 2026-2027 "
            "(1 augustus tot en met 31 juli)."
        )
    first = int(match.group(1))
    if not 2000 <= first <= 2099:
        raise CalendarError(f"Schooljaar {name.strip()} valt buiten 2000–2100.")
    return date(first, 8, 1), date(first + 1, 7, 31)


def year_name_for(day: date) -> str:
    """The name of the school year a day belongs to: 2026-09-14 -> ``"2026-2027"``."""
    first = day.year if day.month >= 8 else day.year - 1
    return f"{first}-{first + 1}"


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass(frozen=True)
class SchoolYearSpan:
    name: str
    starts_on: date
    ends_on: date


@dataclass(frozen=True)
class ClosedPeriod:
    """Holidays or another non-school period (inclusive)."""

    starts_on: date
    ends_on: date
    name: str = ""


@dataclass
class SchoolCalendar:
    """School days and school weeks, precomputed for fast lookups by the rules."""

    years: Sequence[SchoolYearSpan]
    closed: Sequence[ClosedPeriod] = ()
    days: list[date] = field(init=False)
    weeks: list[date] = field(init=False)

    def __post_init__(self) -> None:
        self.years = sorted(self.years, key=lambda y: y.starts_on)
        closed_days: set[date] = set()
        for period in self.closed:
            current = period.starts_on
            while current <= period.ends_on:
                closed_days.add(current)
                current += timedelta(days=1)
        days: list[date] = []
        for year in self.years:
            current = year.starts_on
            while current <= year.ends_on:
                if current.weekday() < 5 and current not in closed_days:
                    days.append(current)
                current += timedelta(days=1)
        self.days = sorted(set(days))
        self._day_index = {day: i for i, day in enumerate(self.days)}
        self.weeks = sorted({monday_of(day) for day in self.days})
        self._week_index = {monday: i for i, monday in enumerate(self.weeks)}
        self._closed_names = {
            day: period.name
            for period in self.closed
            for day in _date_range(period.starts_on, period.ends_on)
        }

    @classmethod
    def simple(
        cls, years: Iterable[str], closed: Iterable[tuple[date, date] | tuple[date, date, str]] = ()
    ) -> SchoolCalendar:
        """A calendar from year names and (start, end[, name]) tuples; handy in tests."""
        spans = [SchoolYearSpan(name, *parse_year_name(name)) for name in years]
        periods = [ClosedPeriod(*p) for p in closed]
        return cls(spans, periods)

    # Days ------------------------------------------------------------------------------------

    def is_school_day(self, day: date) -> bool:
        return day in self._day_index

    def day_index(self, day: date) -> int:
        """Position of a school day in the calendar; KeyError for other days."""
        return self._day_index[day]

    def closed_name(self, day: date) -> str | None:
        """The holiday a day falls in, if any."""
        return self._closed_names.get(day)

    def year_of(self, day: date) -> SchoolYearSpan | None:
        for year in self.years:
            if year.starts_on <= day <= year.ends_on:
                return year
        return None

    def school_days_between(self, first: date, last: date) -> list[date]:
        """School days from ``first`` to ``last`` inclusive."""
        return self.days[bisect_left(self.days, first) : bisect_right(self.days, last)]

    def previous_school_day(self, day: date) -> date | None:
        """The school day before ``day`` (``day`` itself need not be a school day)."""
        position = bisect_left(self.days, day)
        return self.days[position - 1] if position else None

    def add_school_days(self, day: date, count: int) -> date | None:
        """The ``count``-th school day after ``day``; None beyond the known school years."""
        position = bisect_right(self.days, day) + count - 1
        return self.days[position] if 0 <= position < len(self.days) else None

    def recent_school_days(self, as_of: date, count: int) -> list[date]:
        """The last ``count`` school days up to and including ``as_of``."""
        end = bisect_right(self.days, as_of)
        return self.days[max(0, end - count) : end]

    # Weeks -----------------------------------------------------------------------------------

    def week_index(self, day: date) -> int | None:
        """Index of the school week holding ``day``; None when that week has no school day."""
        return self._week_index.get(monday_of(day))

    def week_index_on_or_before(self, day: date) -> int | None:
        """Index of the school week holding ``day``, or else of the last school week before."""
        position = bisect_right(self.weeks, monday_of(day))
        return position - 1 if position else None

    def school_days_in_week(self, index: int) -> list[date]:
        monday = self.weeks[index]
        return self.school_days_between(monday, monday + timedelta(days=4))

    def window_first_day(self, day: date, weeks: int, *, cross_years: bool = False) -> date:
        """First day of the window of ``weeks`` school weeks that ends with the week of ``day``.

        Without ``cross_years`` the window never reaches into the previous school year: counting
        starts afresh every 1 August.
        """
        index = self.week_index_on_or_before(day)
        if index is None:
            return day
        first = self.weeks[max(0, index - (weeks - 1))]
        if not cross_years:
            year = self.year_of(day)
            if year is not None and first < year.starts_on:
                first = year.starts_on
        return first


def _date_range(first: date, last: date) -> Iterable[date]:
    current = first
    while current <= last:
        yield current
        current += timedelta(days=1)


# Dutch public holidays and a plausible holiday schedule -----------------------------------------


def easter_sunday(year: int) -> date:
    """Easter Sunday (Gregorian), by the anonymous Gregorian algorithm (Meeus/Jones/Butcher)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    el = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * el) // 451
    month, day = divmod(h + el - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year_name: str) -> list[ClosedPeriod]:
    """Dutch public holidays on weekdays inside a school year that schools usually close on.

    Goede Vrijdag, Tweede Paasdag, Koningsdag (26 April when the 27th is a Sunday), Hemelvaartsdag
    and the Friday after, Tweede Pinksterdag. Christmas and New Year fall in the Christmas holiday;
    Bevrijdingsdag (5 May) is a day off only in lustrum years and is left to the school.
    """
    _start, end = parse_year_name(year_name)
    year = end.year
    easter = easter_sunday(year)
    kingsday = date(year, 4, 27)
    if kingsday.weekday() == 6:
        kingsday = date(year, 4, 26)
    days = [
        ClosedPeriod(easter - timedelta(days=2), easter - timedelta(days=2), "Goede Vrijdag"),
        ClosedPeriod(easter + timedelta(days=1), easter + timedelta(days=1), "Tweede Paasdag"),
        ClosedPeriod(kingsday, kingsday, "Koningsdag"),
        ClosedPeriod(easter + timedelta(days=39), easter + timedelta(days=40), "Hemelvaart"),
        ClosedPeriod(
            easter + timedelta(days=50), easter + timedelta(days=50), "Tweede Pinksterdag"
        ),
    ]
    return [p for p in days if p.starts_on.weekday() < 5]


# A plausible holiday schedule for school year 2026-2027, region Zuid, after the dates schools in
# that region publish (rijksoverheid.nl/onderwerpen/schoolvakanties). The demo and the synthetic
# data use it; a real school enters its own schedule (Beheer -> Schoolkalender).
HOLIDAYS_2026_2027_ZUID: tuple[ClosedPeriod, ...] = (
    ClosedPeriod(date(2026, 8, 1), date(2026, 8, 23), "Zomervakantie"),
    ClosedPeriod(date(2026, 10, 17), date(2026, 10, 25), "Herfstvakantie"),
    ClosedPeriod(date(2026, 12, 19), date(2027, 1, 3), "Kerstvakantie"),
    ClosedPeriod(date(2027, 2, 6), date(2027, 2, 14), "Voorjaarsvakantie"),
    ClosedPeriod(date(2027, 3, 26), date(2027, 3, 26), "Goede Vrijdag"),
    ClosedPeriod(date(2027, 3, 29), date(2027, 3, 29), "Tweede Paasdag"),
    ClosedPeriod(date(2027, 4, 24), date(2027, 5, 9), "Meivakantie"),
    ClosedPeriod(date(2027, 5, 17), date(2027, 5, 17), "Tweede Pinksterdag"),
    ClosedPeriod(date(2027, 7, 17), date(2027, 7, 31), "Zomervakantie"),
)


def plausible_holidays(year_name: str) -> list[ClosedPeriod]:
    """A plausible holiday schedule for any school year (used for demo and synthetic data).

    2026-2027 uses :data:`HOLIDAYS_2026_2027_ZUID`; other years get the usual shape: summer until
    the Sunday before the week of 24 August, a week in autumn (ISO week 43), two weeks around New
    Year, a week in February (ISO week 8), two weeks around Koningsdag, summer from the Saturday
    on or after 15 July, plus the public holidays outside those holidays.
    """
    if year_name == "2026-2027":
        return list(HOLIDAYS_2026_2027_ZUID)
    start, end = parse_year_name(year_name)
    first, second = start.year, end.year

    def iso_week(year: int, week: int) -> tuple[date, date]:
        monday = date.fromisocalendar(year, week, 1)
        return monday - timedelta(days=2), monday + timedelta(days=6)

    summer_end = monday_of(date(first, 8, 24)) - timedelta(days=1)
    christmas_start = monday_of(date(first, 12, 24)) - timedelta(days=2)
    kingsday_week = monday_of(date(second, 4, 27))
    july = date(second, 7, 15)
    summer_start = july + timedelta(days=(5 - july.weekday()) % 7)
    periods = [
        ClosedPeriod(start, summer_end, "Zomervakantie"),
        ClosedPeriod(*iso_week(first, 43), "Herfstvakantie"),
        ClosedPeriod(christmas_start, christmas_start + timedelta(days=15), "Kerstvakantie"),
        ClosedPeriod(*iso_week(second, 8), "Voorjaarsvakantie"),
        ClosedPeriod(
            kingsday_week - timedelta(days=2), kingsday_week + timedelta(days=13), "Meivakantie"
        ),
        ClosedPeriod(summer_start, end, "Zomervakantie"),
    ]
    inside = [(p.starts_on, p.ends_on) for p in periods]
    for holiday in public_holidays(year_name):
        if not any(a <= holiday.starts_on <= b for a, b in inside):
            periods.append(holiday)
    return sorted(periods, key=lambda p: p.starts_on)
