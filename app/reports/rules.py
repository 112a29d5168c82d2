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


def N_(message: str) -> str:
    """Marks a message for the catalogue (``pybabel extract -k N_``) without translating it:
    this module has no Flask; the view translates
    (:func:`app.reports.forms.period_message`)."""
    return message


class PeriodError(ValueError):
    """A period that makes no sense; ``str(error)`` is the Dutch message (the command line),
    :func:`app.reports.forms.period_message` the reader's language (the pages). ``message`` is
    the catalogue's msgid with ``%(name)s`` placeholders; a ``label`` parameter is a word of
    the catalogue too."""

    def __init__(self, message: str, **params: object) -> None:
        self.message = message
        self.params = params
        super().__init__(message % params if params else message)


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


def parse_day(text: str | None, label: str = N_("datum")) -> date:
    """``2026-11-24`` or ``24-11-2026``, else a Dutch error naming the field."""
    value = (text or "").strip()
    if not value:
        raise PeriodError(
            N_("Vul de %(label)s in: kies een dag, of typ hem als 24-11-2026."), label=label
        )
    for fmt in DATE_FORMATS:
        try:
            return datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    raise PeriodError(
        N_("'%(value)s' is geen geldige %(label)s; kies een dag, of typ hem als 24-11-2026."),
        value=value[:20],
        label=label,
    )


def check_period(start: date, end: date) -> None:
    if start > end:
        raise PeriodError(
            N_("De begindatum (%(start)s) ligt na de einddatum (%(end)s)."),
            start=f"{start:%d-%m-%Y}",
            end=f"{end:%d-%m-%Y}",
        )
    if (end - start).days + 1 > MAX_REPORT_DAYS:
        raise PeriodError(N_("Kies een periode van hoogstens een jaar."))


def month_period(text: str | None) -> tuple[date, date]:
    """``2026-11`` -> 1 to 30 November 2026."""
    match = MONTH.match((text or "").strip())
    if not match or not 1 <= int(match.group(2)) <= 12:
        raise PeriodError(
            N_("'%(value)s' is geen maand; kies er een, of typ hem als 2026-11."),
            value=(text or "").strip()[:20],
        )
    year, month = int(match.group(1)), int(match.group(2))
    return date(year, month, 1), date(year, month, month_calendar.monthrange(year, month)[1])


def school_year_period(name: str | None) -> tuple[date, date]:
    try:
        return parse_year_name(name or "")
    except ValueError:
        raise PeriodError(
            N_("'%(value)s' is geen schooljaar; kies er een (1 augustus tot en met 31 juli)."),
            value=(name or "").strip()[:20],
        ) from None


def term_period(year_name: str | None, term: str | int | None) -> tuple[date, date]:
    """Term 1, 2 or 3 of a school year: 1 Aug–30 Nov, 1 Dec–31 Mar, 1 Apr–31 Jul."""
    start, _end = school_year_period(year_name)
    try:
        number = int(term or 0)
    except (TypeError, ValueError):
        number = 0
    months = dict(TERMS).get(number)
    if months is None:
        raise PeriodError(N_("Kies periode 1, 2 of 3 van het schooljaar."))
    first_month, last_month = months
    first_year = start.year if first_month >= 8 else start.year + 1
    last_year = start.year if last_month >= 8 else start.year + 1
    last_day = month_calendar.monthrange(last_year, last_month)[1]
    return date(first_year, first_month, 1), date(last_year, last_month, last_day)


def term_of(day: date) -> int:
    """The term (1, 2 or 3) a day falls in."""
    for number, (first_month, last_month) in TERMS:
        months = (
            range(first_month, last_month + 1)
            if first_month <= last_month
            else [*range(first_month, 13), *range(1, last_month + 1)]
        )
        if day.month in months:
            return number
    raise AssertionError(day)  # every month is in a term


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
        first, last = parse_day(start, N_("begindatum")), parse_day(end, N_("einddatum"))
    else:
        raise PeriodError(N_("Kies een maand, een periode, een schooljaar of eigen datums."))
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


# -- how to read the unauthorised days -----------------------------------------------------------

# On SQLite, reading ``absence_unauthorised_day`` by the day index costs about twice as much a
# row as reading each student's days by the primary key (each day row then looks up its
# student): 0.85 s against 0.43 s for a board's year at 10× (06-12-2026).
DAY_INDEX_COST = 2.0


def unauthorised_days_from_students(
    scope_share: float, start: date, end: date, stored: tuple[date, date] | None
) -> bool:
    """Whether a scope's unauthorised days are cheaper read from its students (every stored day
    of each, whatever the period) than from the period's days (every student's, by date).

    ``scope_share``: the scope's part of the students; ``stored``: the first and last day
    stored. SQLite keeps no statistics of a date range, so it always takes the day index when
    the statement allows it; this weighs the two the way a planner with statistics would."""
    if stored is None:
        return False
    first, last = stored
    stored_days = (last - first).days + 1
    overlap = (min(end, last) - max(start, first)).days + 1
    if overlap <= 0:
        return False
    return scope_share * stored_days < DAY_INDEX_COST * overlap


# -- the summary: comparison periods and the figures that moved --------------------------------

# A key figure "moved" when it changed by at least this share against the previous period …
SUMMARY_THRESHOLD = 0.10
# … and the larger of the two values is at least this much (2 → 3 is +50%, but says nothing).
SUMMARY_MIN_BASE = 10
# At most this many moved figures open the report, the largest changes first.
SUMMARY_MAX = 5

UP, DOWN, SAME = "up", "down", "same"


def _add_months(first_of_month: date, months: int) -> date:
    index = first_of_month.year * 12 + first_of_month.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


def _month_end(day: date) -> date:
    return day.replace(day=month_calendar.monthrange(day.year, day.month)[1])


def whole_months(start: date, end: date) -> int | None:
    """How many calendar months the period spans when it starts on a first and ends on a last
    day of a month (a month, a term, a school year); None for any other period."""
    if start.day != 1 or end != _month_end(end) or end < start:
        return None
    return (end.year - start.year) * 12 + end.month - start.month + 1


def previous_period(start: date, end: date) -> tuple[date, date]:
    """The period of equal length right before: whole months for a period of whole months
    (November → October; term 1 → term 3 of the school year before; a school year → the one
    before), else the same number of days."""
    months = whole_months(start, end)
    if months is not None:
        return _add_months(start, -months), start - timedelta(days=1)
    length = (end - start).days + 1
    return start - timedelta(days=length), start - timedelta(days=1)


def elapsed_part(period: tuple[date, date], start: date, through: date) -> tuple[date, date]:
    """The part of a comparison ``period`` that matches the days of a running period counted so
    far (``start`` to ``through``): as many days from its own start, never past its end. A
    month five days in is compared with the first five days of the month before, not with that
    whole month."""
    first, last = period
    return first, min(last, first + timedelta(days=(through - start).days))


def counted_through(start: date, end: date, today: date) -> date | None:
    """The last day a report counts when its period runs past today (the days still to come
    have no records; a future-dated absence row counts once its day comes); None when the
    period is over (or has not begun)."""
    return today if start <= today < end else None


def _year_earlier(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def last_year_period(start: date, end: date) -> tuple[date, date]:
    """The same period one year earlier (whole months stay whole: February 2028 → February
    2027, 1–28)."""
    if whole_months(start, end) is not None:
        return _add_months(start, -12), _month_end(_add_months(end.replace(day=1), -12))
    return _year_earlier(start), _year_earlier(end)


@dataclass(frozen=True)
class KeyFigure:
    """One figure of the summary in the period, the previous period and the same period last
    year (None: no data for that period). ``students``: a count of students or of things about
    students, which shows as "<5" for 1 to 4 and is never compared then."""

    key: str
    value: float | None
    previous: float | None
    last_year: float | None
    digits: int = 0
    students: bool = False

    def shown(self, value: float | None) -> float | None:
        """The value as the report shows it (rounded to its digits)."""
        return None if value is None else round(value, self.digits)

    def suppressed(self, value: float | None) -> bool:
        return self.students and value is not None and 0 < value < MIN_STUDENTS

    @property
    def direction(self) -> str | None:
        return direction(self, self.previous)

    @property
    def change(self) -> float | None:
        """The relative change against the previous period (None when it cannot be said)."""
        return relative_change(self, self.previous)


def direction(figure: KeyFigure, other: float | None) -> str | None:
    """UP, DOWN or SAME for the shown value against ``other``; None when either is missing or
    either is a suppressed small count (comparing them would reveal it)."""
    if figure.value is None or other is None:
        return None
    if figure.suppressed(figure.value) or figure.suppressed(other):
        return None
    now, then = figure.shown(figure.value), figure.shown(other)
    assert now is not None and then is not None
    return UP if now > then else DOWN if now < then else SAME


def relative_change(figure: KeyFigure, other: float | None) -> float | None:
    """(value − other) / other, on the shown values; None when there is no direction, or when
    the other period had 0 (a change from nothing has no size)."""
    if direction(figure, other) is None:
        return None
    now, then = figure.shown(figure.value), figure.shown(other)
    assert now is not None and then is not None
    if then == 0:
        return None
    return (now - then) / then


def has_moved(
    figure: KeyFigure, threshold: float = SUMMARY_THRESHOLD, min_base: float = SUMMARY_MIN_BASE
) -> bool:
    """Changed by at least ``threshold`` against the previous period, with the larger value at
    least ``min_base`` (the small-number guard); from 0 to ``min_base`` or more counts too."""
    if direction(figure, figure.previous) is None:
        return False
    now, then = figure.shown(figure.value), figure.shown(figure.previous)
    assert now is not None and then is not None
    if max(abs(now), abs(then)) < min_base:
        return False
    if then == 0:
        return now != 0
    return abs(now - then) / abs(then) >= threshold


def moved_figures(
    figures: Sequence[KeyFigure],
    *,
    threshold: float = SUMMARY_THRESHOLD,
    min_base: float = SUMMARY_MIN_BASE,
    limit: int = SUMMARY_MAX,
) -> list[KeyFigure]:
    """The figures that moved, largest relative change first (from 0 counts as largest), at
    most ``limit``; ties keep the figures' own order."""
    moved = [f for f in figures if has_moved(f, threshold, min_base)]

    def size(figure: KeyFigure) -> float:
        change = figure.change
        return float("inf") if change is None else abs(change)

    return sorted(moved, key=lambda f: -size(f))[:limit]


def has_data(values: Sequence[float | None]) -> bool:
    """Whether a comparison period held any records at all (else its column shows "–": the
    app was not in use yet, or the school calendar does not reach that far)."""
    return any(value for value in values)
