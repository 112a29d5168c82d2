"""What every absence rule works with: the :class:`Finding` a rule returns, and the
:class:`Scope` of one evaluation — the calendar work shared by every student (window starts,
weeks, the weekday pattern's comparison weeks), done once per evaluation (issue 24). Pure, like
:mod:`app.absence.rules`, which holds the rules themselves."""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

from app.absence.counting import DayFigures
from app.absence.settings import RuleSettings
from app.core.schoolcalendar import SchoolCalendar, monday_of

# See Scope.weekday_windows.
WeekdayWindow = tuple[tuple[int, int] | None, tuple[tuple[int, int, int], ...]]

# ---------------------------------------------------------------------------------------------
# Output
# ---------------------------------------------------------------------------------------------


@dataclass
class Finding:
    """A signal as one rule sees it on the evaluation day."""

    rule: str
    window_start: date
    window_end: date
    triggered_on: date
    active: bool
    variant: str = ""
    hours: float = 0.0
    days: int = 0
    episodes: int = 0
    count: int = 0
    due_on: date | None = None
    detail: str = ""

    @property
    def key(self) -> tuple[str, str, date]:
        return (self.rule, self.variant, self.window_start)


@dataclass
class Scope:
    """The stretch of school days one evaluation looks at: from the start of the school year
    of ``as_of`` (or the year before, when windows cross school years) up to ``as_of``."""

    first: date
    as_of: date
    calendar: SchoolCalendar
    settings: RuleSettings
    days: list[date] = field(init=False)

    by_weekday: list[list[date]] = field(init=False)
    day_set: set[date] = field(init=False)
    # Each school day of the scope: its school week's index, and its position among the scope's
    # days of its weekday.
    week_of: dict[date, int] = field(init=False)
    weekday_position: dict[date, int] = field(init=False)
    window_first_days: dict[tuple[date, int], date] = field(init=False, default_factory=dict)
    # Per number of weeks: every school day of the scope -> the first day of its window.
    window_firsts: dict[int, dict[date, date]] = field(init=False, default_factory=dict)
    # Per weekday, per occurrence: what the weekday pattern compares (see weekday_windows).
    weekday_window_cache: list[list[WeekdayWindow]] | None = field(init=False, default=None)
    # The last student's figure days, with the figures they came from (see figure_days).
    figure_days_of: tuple[Mapping[date, DayFigures], list[date]] | None = field(
        init=False, default=None
    )
    # The last student's pattern days and their hours, with the figures they came from (see
    # _pattern_hours).
    pattern_days_of: tuple[Mapping[date, DayFigures], dict[date, float]] | None = field(
        init=False, default=None
    )
    # The last student's sick episodes, with the figures they came from (see sick_episodes).
    sick_episodes_of: tuple[Mapping[date, DayFigures], list[SickEpisode]] | None = field(
        init=False, default=None
    )

    def __post_init__(self) -> None:
        self.days = self.calendar.school_days_between(self.first, self.as_of)
        # Shared by every student of an evaluation: the school days per weekday (Monday first).
        self.by_weekday = [[d for d in self.days if d.weekday() == w] for w in range(5)]
        self.day_set = set(self.days)
        week_index = self.calendar.week_index
        self.week_of = {}
        for day in self.days:
            week = week_index(day)
            assert week is not None  # a school day lies in a school week
            self.week_of[day] = week
        self.weekday_position = {
            day: position for days in self.by_weekday for position, day in enumerate(days)
        }

    def figure_days(self, figures: Mapping[date, DayFigures]) -> list[date]:
        """The school days of the scope that have figures, in order: a student is absent on a
        few dozen of the scope's days, so the rules walk these instead of every day. Every
        rule asks for the same student's days, so the last answer is kept (do not change it)."""
        cached = self.figure_days_of
        if cached is not None and cached[0] is figures:
            return cached[1]
        days = sorted(day for day in figures if day in self.day_set)
        self.figure_days_of = (figures, days)
        return days

    def window_first_day(self, day: date, weeks: int) -> date:
        # Asked about 100,000 times an evaluation for a few hundred distinct (day, weeks).
        key = (day, weeks)
        first = self.window_first_days.get(key)
        if first is None:
            first = self.calendar.window_first_day(
                day, weeks, cross_years=self.settings.general.cross_school_years
            )
            first = self.window_first_days[key] = max(first, self.first)
        return first

    def window_first_of(self, weeks: int) -> dict[date, date]:
        """:meth:`window_first_day` of every school day of the scope, for ``weeks``: the rules
        look it up for each day a student has figures on."""
        firsts = self.window_firsts.get(weeks)
        if firsts is None:
            firsts = self.window_firsts[weeks] = {
                day: self.window_first_day(day, weeks) for day in self.days
            }
        return firsts

    def weekday_windows(self) -> list[list[WeekdayWindow]]:
        """For the weekday pattern, per weekday and per occurrence ``i`` of it in the scope: the
        weeks before that occurrence's week, back to the first week of its window of
        ``weekday_span`` occurrences, as the range (low, high) of the weekday's own occurrences
        in them (None: there are none) and (weekday, low, high) for every other weekday with
        school days in them — its occurrences ``low``..``high - 1``. The same for every
        student."""
        if self.weekday_window_cache is None:
            span = self.settings.pattern.weekday_span
            by_weekday = self.by_weekday
            windows = []
            for occurrences in by_weekday:
                per_occurrence = []
                for i, day in enumerate(occurrences):
                    first = monday_of(occurrences[max(0, i - span + 1)])
                    last = monday_of(day) - timedelta(days=1)
                    own: tuple[int, int] | None = None
                    others = []
                    for other, days in enumerate(by_weekday):
                        low, high = bisect_left(days, first), bisect_right(days, last)
                        if high <= low:
                            continue
                        if days is occurrences:
                            own = (low, high)
                        else:
                            others.append((other, low, high))
                    per_occurrence.append((own, tuple(others)))
                windows.append(per_occurrence)
            self.weekday_window_cache = windows
        return self.weekday_window_cache

    def ongoing(self, last_day: date) -> bool:
        """Whether a run of days ending on ``last_day`` still goes on as of the evaluation."""
        recent = self.calendar.recent_school_days(
            self.as_of, self.settings.general.ongoing_grace_days
        )
        return bool(recent) and last_day >= recent[0]


def evaluation_scope(calendar: SchoolCalendar, as_of: date, settings: RuleSettings) -> Scope | None:
    """The scope of an evaluation, or None when no school year is known on or before ``as_of``."""
    year = calendar.year_of(as_of)
    if year is None:
        earlier = [y for y in calendar.years if y.starts_on <= as_of]
        if not earlier:
            return None
        year = earlier[-1]
    first = year.starts_on
    if settings.general.cross_school_years:
        before = [y for y in calendar.years if y.ends_on < year.starts_on]
        if before:
            first = before[-1].starts_on
    return Scope(first=first, as_of=as_of, calendar=calendar, settings=settings)


@dataclass
class SickEpisode:
    """One sick report: consecutive sick school days (non-school days don't break it)."""

    first_day: date
    last_day: date
    days: int
    hours: float
