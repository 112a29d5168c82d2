"""Registrations counted per school day, as the signal rules and the student page read them.

Pure Python (no Flask, no database): a student's registrations become their
:class:`DayFigures` per school day (unauthorised hours, sick, late, ...); the rolling
unauthorised hours per school week for the student page's chart
are counted from those (``app.absence.overview``)."""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date
from typing import NamedTuple

from app.absence.settings import RuleSettings
from app.core.schoolcalendar import SchoolCalendar
from app.core.vocabulary import AbsenceCategory

# Sums of hours are compared with thresholds: a float error must not tip one over.
EPSILON = 1e-9


def round_hours(value: float) -> float:
    return round(value + EPSILON, 2)


class Registration(NamedTuple):
    """One stored absence registration, as the rules need it.

    A registration covers ``first_day``..``last_day``. Lesson hours (``first_hour`` on the first
    day to ``last_hour`` on the last day) are known for most exports; otherwise the start time
    (minutes after midnight, local time) and the duration in minutes, or neither (whole days).
    ``authorised`` matters for late arrivals only (the category decides for the rest).
    ``order`` orders registrations by when they were imported: where two registrations cover
    the same lesson hour, the later one counts (a correction replaces what it corrects).

    A named tuple, not a dataclass: an evaluation or import makes one per stored row (600,000
    for a school group's year), and a tuple is made several times faster.
    """

    first_day: date
    category: str
    last_day: date | None = None
    first_hour: int | None = None
    last_hour: int | None = None
    start_minute: int | None = None
    minutes: int | None = None
    authorised: bool = False
    order: int = 0


@dataclass(slots=True)
class DayFigures:
    """What one student missed on one school day. Hours follow the configured hour unit.
    Slots: an evaluation reads about 100,000 of these (made and read faster without a dict)."""

    unauthorised: float = 0.0
    authorised: float = 0.0
    sick: float = 0.0
    sent_out: float = 0.0
    late: int = 0
    late_unauthorised: int = 0

    def hours_of(self, categories: Iterable[str]) -> float:
        total = 0.0
        for category in categories:
            if category == AbsenceCategory.ONGEOORLOOFD:
                total += self.unauthorised
            elif category == AbsenceCategory.GEOORLOOFD:
                total += self.authorised
            elif category == AbsenceCategory.ZIEK:
                total += self.sick
            elif category == AbsenceCategory.VERWIJDERD:
                total += self.sent_out
        return total

    @property
    def absent(self) -> float:
        return self.unauthorised + self.authorised + self.sick


@dataclass
class _Unit:
    category: str
    lessons: float
    minutes: float
    authorised: bool = False


def _units_of(
    row: Registration, calendar: SchoolCalendar, settings: RuleSettings, first: date, last: date
) -> Iterable[tuple[tuple[object, ...], _Unit]]:
    """Split a registration into lesson-hour units per school day, keyed so that two
    registrations of the same lesson hour overwrite each other instead of adding up."""
    general = settings.general
    last_day = row.last_day or row.first_day
    single_day = last_day == row.first_day
    if row.category == AbsenceCategory.TE_LAAT:
        kind = "late"
    elif row.category == AbsenceCategory.VERWIJDERD:
        kind = "out"
    else:
        kind = "absent"
    for day in calendar.school_days_between(max(row.first_day, first), min(last_day, last)):
        if kind == "late":
            slot = row.first_hour if row.first_hour is not None else row.start_minute
            yield (kind, day, slot), _Unit(row.category, 0, 0, row.authorised)
        elif single_day and row.first_hour is None and row.start_minute is not None:
            # Times but no lesson hour: as many lessons as the duration spans.
            minutes = row.minutes or general.lesson_minutes
            lessons = max(1, math.ceil(minutes / general.lesson_minutes - EPSILON))
            yield (kind, day, "T", row.start_minute), _Unit(row.category, lessons, minutes)
        else:
            if single_day and row.first_hour is not None:
                hours = range(row.first_hour, max(row.first_hour, row.last_hour or 0) + 1)
            else:
                # A whole day, or one day of a period: from the first lesson hour on the first
                # day and up to the last lesson hour on the last day, all lessons in between.
                start = row.first_hour if (day == row.first_day and row.first_hour) else 1
                end = row.last_hour if (day == last_day and row.last_hour) else None
                hours = range(start, max(start, end or general.lessons_per_day) + 1)
            per_lesson = float(general.lesson_minutes)
            if single_day and row.minutes and row.first_hour is not None:
                per_lesson = row.minutes / len(hours)
            for hour in hours:
                yield (kind, day, "L", hour), _Unit(row.category, 1, per_lesson)


def day_figures(
    rows: Iterable[Registration],
    calendar: SchoolCalendar,
    settings: RuleSettings,
    *,
    first: date = date.min,
    last: date = date.max,
    memo: dict[Registration, list[tuple[tuple[object, ...], _Unit]]] | None = None,
) -> dict[date, DayFigures]:
    """Figures per school day between ``first`` and ``last``. Registrations on days that are
    not school days (weekends, holidays) are kept in the database but do not count here.

    ``memo``: the units of each registration, remembered across calls with the same calendar,
    settings, ``first`` and ``last`` (an import's students share a few thousand distinct
    registrations; units are never changed once made)."""
    units: dict[tuple[object, ...], _Unit] = {}
    for row in sorted(rows, key=lambda r: r.order):
        if memo is None:
            for key, unit in _units_of(row, calendar, settings, first, last):
                units[key] = unit
            continue
        made = memo.get(row)
        if made is None:
            made = memo[row] = list(_units_of(row, calendar, settings, first, last))
        units.update(made)
    clock = settings.general.hour_unit == "klokuur"
    figures: dict[date, DayFigures] = {}
    for key, unit in units.items():
        day = key[1]
        assert isinstance(day, date)
        day_figure = figures.setdefault(day, DayFigures())
        hours = unit.minutes / 60 if clock else unit.lessons
        category = unit.category
        if category == AbsenceCategory.ONGEOORLOOFD:
            day_figure.unauthorised += hours
        elif category == AbsenceCategory.GEOORLOOFD:
            day_figure.authorised += hours
        elif category == AbsenceCategory.ZIEK:
            day_figure.sick += hours
        elif category == AbsenceCategory.VERWIJDERD:
            day_figure.sent_out += hours
        elif category == AbsenceCategory.TE_LAAT:
            day_figure.late += 1
            if not unit.authorised:
                day_figure.late_unauthorised += 1
    return figures
