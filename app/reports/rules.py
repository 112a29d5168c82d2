"""Pure arithmetic of the periodic report: periods, small-number suppression, medians and
spreads, school-week windows for the outcome indicator. No Flask, no database, so it is
tested with tables of cases."""

from __future__ import annotations

import calendar as month_calendar
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from app.core.schoolcalendar import SchoolCalendar, monday_of, parse_year_name

# Counts of fewer than this many students show as "<5" in every report above one staff
# member's own work, so that no student can be recognised (issue 7, point 7).
MIN_STUDENTS = 5
SUPPRESSED = "<5"
# The outcome indicator: school weeks before and after a case opened.
OUTCOME_WEEKS = 8
# A report covers at most one year (the climate trend and the charts stay readable).
MAX_REPORT_DAYS = 366
PERIOD_KINDS = ("maand", "periode", "schooljaar", "anders")
# The school year in three terms ("periodes"): August–November, December–March, April–July.
TERMS = ((1, (8, 11)), (2, (12, 3)), (3, (4, 7)))
DATE_FORMATS = ("%Y-%m-%d", "%d-%m-%Y")
MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")


class PeriodError(ValueError):
    """A period that makes no sense; ``str(error)`` is a Dutch message for the user."""


@dataclass(frozen=True)
class Count:
    """A count of students (or of things about students: cases, calls, visits). Shown as
    "<5" when 1 to 4; zero stays 0 (it points at nobody)."""

    value: int

    @property
    def suppressed(self) -> bool:
        return 0 < self.value < MIN_STUDENTS

    @property
    def shown(self) -> str:
        return SUPPRESSED if self.suppressed else str(self.value)

    def __str__(self) -> str:
        return self.shown


def parse_day(text: str | None, label: str = "datum") -> date:
    """``2026-11-24`` or ``24-11-2026``, else a Dutch error naming the field."""
    value = (text or "").strip()
    if not value:
        raise PeriodError(f"Vul de {label} in (JJJJ-MM-DD, bijvoorbeeld 2026-11-24).")
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise PeriodError(
        f"'{value[:20]}' is geen geldige {label}; gebruik JJJJ-MM-DD (bijvoorbeeld 2026-11-24)."
    )


def check_period(start: date, end: date) -> None:
    if start > end:
        raise PeriodError(
            f"De begindatum ({start:%d-%m-%Y}) ligt na de einddatum ({end:%d-%m-%Y})."
        )
    if (end - start).days + 1 > MAX_REPORT_DAYS:
        raise PeriodError("Kies een periode van hoogstens een jaar.")


def month_period(text: str | None) -> tuple[date, date]:
    """``2026-11`` -> 1 to 30 November 2026."""
    match = MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(
            f"'{(text or '').strip()[:20]}' is geen maand; gebruik JJJJ-MM (bijvoorbeeld 2026-11)."
        )
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year, month, month_calendar.monthrange(year, month)[1])


def school_year_period(name: str | None) -> tuple[date, date]:
    try:
        return parse_year_name(name or "")
    except ValueError as error:
        raise PeriodError(str(error)) from None


def term_period(year_name: str | None, term: str | int | None) -> tuple[date, date]:
    """Term 1, 2 or 3 of a school year: 1 Aug–30 Nov, 1 Dec–31 Mar, 1 Apr–31 Jul."""
    start, _end = school_year_period(year_name)
    try:
        number = int(term or 0)
    except (TypeError, ValueError):
        number = 0
    months = dict(TERMS).get(number)
    if months is None:
        raise PeriodError("Kies periode 1, 2 of 3 van het schooljaar.")
    first_month, last_month = months
    first_year = start.year if first_month >= 8 else start.year + 1
    last_year = start.year if last_month >= 8 else start.year + 1
    last_day = month_calendar.monthrange(last_year, last_month)[1]
    return date(first_year, first_month, 1), date(last_year, last_month, last_day)


def resolve_period(
    kind: str,
    *,
    month: str | None = None,
    school_year: str | None = None,
    term: str | int | None = None,
    start: str | None = None,
    end: str | None = None,
) -> tuple[date, date]:
    """The (first, last) day of a period chosen on the form or the command line."""
    if kind == "maand":
        first, last = month_period(month)
    elif kind == "periode":
        first, last = term_period(school_year, term)
    elif kind == "schooljaar":
        first, last = school_year_period(school_year)
    elif kind == "anders":
        first, last = parse_day(start, "begindatum"), parse_day(end, "einddatum")
    else:
        raise PeriodError("Kies een maand, een periode, een schooljaar of eigen datums.")
    check_period(first, last)
    return first, last


# -- statistics -------------------------------------------------------------------------------


def median(values: Sequence[float]) -> float | None:
    if not values:
        return None
    ordered = sorted(values)
    middle = len(ordered) // 2
    if len(ordered) % 2:
        return float(ordered[middle])
    return (ordered[middle - 1] + ordered[middle]) / 2


def quartiles(values: Sequence[float]) -> tuple[float, float] | None:
    """First and third quartile, as the medians of the lower and upper half (Tukey's hinges,
    the middle value left out when the count is odd). None for fewer than two values."""
    if len(values) < 2:
        return None
    ordered = sorted(values)
    half = len(ordered) // 2
    lower = ordered[:half]
    upper = ordered[half + (len(ordered) % 2) :]
    low, high = median(lower), median(upper)
    assert low is not None and high is not None
    return low, high


def per_100(part: float, students: int) -> float | None:
    """``part`` per 100 students, one decimal; None without students."""
    if students <= 0:
        return None
    return round(part * 100 / students, 1)


def share(part: int, whole: int) -> int | None:
    """Whole percentage, rounded half up."""
    if whole <= 0:
        return None
    return (200 * part + whole) // (2 * whole)


# -- school weeks -----------------------------------------------------------------------------


def school_weeks_between(calendar: SchoolCalendar, start: date, end: date) -> list[date]:
    """Mondays of the school weeks that have a school day between ``start`` and ``end``."""
    return sorted({monday_of(day) for day in calendar.school_days_between(start, end)})


@dataclass(frozen=True)
class OutcomeWindows:
    """The 8 school weeks before the week a case opened, and the 8 after it (the week of
    opening itself belongs to neither)."""

    before_first: date
    before_last: date
    after_first: date
    after_last: date


def outcome_windows(
    calendar: SchoolCalendar, opened_on: date, weeks: int = OUTCOME_WEEKS
) -> OutcomeWindows | None:
    """None when the calendar does not hold ``weeks`` school weeks on both sides."""
    index = calendar.week_index_on_or_before(opened_on)
    if index is None:
        return None
    own_week = calendar.weeks[index] == monday_of(opened_on)
    first_after = index + 1 if own_week else index + 1
    last_before = index - 1 if own_week else index
    if last_before - weeks + 1 < 0 or first_after + weeks - 1 >= len(calendar.weeks):
        return None
    before_first = calendar.weeks[last_before - weeks + 1]
    before_last = calendar.weeks[last_before] + timedelta(days=4)
    after_first = calendar.weeks[first_after]
    after_last = calendar.weeks[first_after + weeks - 1] + timedelta(days=4)
    return OutcomeWindows(before_first, before_last, after_first, after_last)
