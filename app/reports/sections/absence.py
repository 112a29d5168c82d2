"""The absence section: unauthorised hours per school week, and the students with a new
signal per rule over time."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import case, func, select

from app.core.localtime import week_label
from app.core.schoolcalendar import SchoolCalendar, monday_of
from app.core.sql import month_key, plain_rows
from app.core.vocabulary import AbsenceRule
from app.models import AbsenceSignal, Student
from app.reports import rules
from app.reports.charts import column_chart
from app.reports.filters import in_scope, on_days
from app.reports.layout import Section, Table, number
from app.reports.model import AbsenceFigures, AbsenceWeek, Report, SignalBucket
from app.reports.numbers import short_day
from app.reports.rules import Count

# The signal trend goes per school week for short periods, per month for longer ones.
WEEKLY_SIGNALS_MAX_WEEKS = 13


def within(
    hours: dict[int, dict[date, float]], start: date, end: date
) -> dict[int, dict[date, float]]:
    """The days from ``start`` to ``end`` of :func:`unauthorised_by_day`'s figures."""
    return {
        location_id: {day: h for day, h in days.items() if start <= day <= end}
        for location_id, days in hours.items()
    }


def by_week(hours_by_day: dict[int, dict[date, float]]) -> dict[int, dict[date, float]]:
    """Per location per school week (Monday) instead of per day."""
    result: dict[int, dict[date, float]] = {}
    for location_id, days in hours_by_day.items():
        weeks: dict[date, float] = defaultdict(float)
        for day in sorted(days):
            weeks[monday_of(day)] += days[day]
        result[location_id] = dict(weeks)
    return result


def _signal_buckets(
    start: date, end: date, school_weeks: Sequence[date]
) -> tuple[str, list[tuple[str, date, date]]]:
    if len(school_weeks) <= WEEKLY_SIGNALS_MAX_WEEKS:
        return "week", [
            (week_label(monday), max(monday, start), min(monday + timedelta(6), end))
            for monday in school_weeks
        ]
    buckets = []
    current = date(start.year, start.month, 1)
    while current <= end:
        following = date(current.year + current.month // 12, current.month % 12 + 1, 1)
        buckets.append(
            (f"{current:%m-%Y}", max(current, start), min(following - timedelta(1), end))
        )
        current = following
    return "maand", buckets


def _bucket_of(kind: str, spans: list[tuple[str, date, date]]) -> tuple[Any, Callable[[Any], int]]:
    """A signal's bucket in SQL, and from what the SQL answers to the bucket's index (-1: none).

    Per month the month of ``triggered_on`` is the bucket (the query keeps to the period, which
    the months cover), far cheaper over a board's 288,000 signals than a ``CASE`` of a dozen
    date ranges; per school week (short periods) a ``CASE`` numbers the weeks."""
    if kind == "maand":
        months = {f"{first:%Y-%m}": index for index, (_label, first, _last) in enumerate(spans)}
        return month_key(AbsenceSignal.triggered_on), lambda key: months.get(key, -1)
    bucket = case(
        *(
            (on_days(AbsenceSignal.triggered_on, first, last), index)
            for index, (_label, first, last) in enumerate(spans)
        ),
        else_=-1,
    )
    return bucket, int


SignalCounts = tuple[dict[int, dict[str, int]], dict[str, int]]


def _signal_students(
    location_ids: Sequence[int],
    start: date,
    end: date,
    kind: str,
    spans: list[tuple[str, date, date]],
) -> SignalCounts:
    """Counted in SQL (a board's year holds hundreds of thousands of signals): the students
    per rule in each bucket and in the whole period."""
    scope = (
        in_scope(Student.location_id, location_ids),
        on_days(AbsenceSignal.triggered_on, start, end),
    )
    per_bucket: dict[int, dict[str, int]] = defaultdict(dict)
    if spans:
        bucket, index_of = _bucket_of(kind, spans)
        for rule, key, count in plain_rows(
            select(AbsenceSignal.rule, bucket, func.count(func.distinct(AbsenceSignal.student_id)))
            .join(Student, Student.id == AbsenceSignal.student_id)
            .where(*scope)
            .group_by(AbsenceSignal.rule, bucket)
        ):
            per_bucket[index_of(key)][rule] = count
    overall = dict(
        plain_rows(
            select(AbsenceSignal.rule, func.count(func.distinct(AbsenceSignal.student_id)))
            .join(Student, Student.id == AbsenceSignal.student_id)
            .where(*scope)
            .group_by(AbsenceSignal.rule)
        ).all()
    )
    return per_bucket, overall


def _signal_students_in_python(
    location_ids: Sequence[int],
    start: date,
    end: date,
    _kind: str,
    spans: list[tuple[str, date, date]],
) -> SignalCounts:
    """:func:`_signal_students` from every signal's row."""
    in_bucket: dict[int, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    in_period: dict[str, set[int]] = defaultdict(set)
    for student_id, rule, day in plain_rows(
        select(AbsenceSignal.student_id, AbsenceSignal.rule, AbsenceSignal.triggered_on)
        .join(Student, Student.id == AbsenceSignal.student_id)
        .where(
            in_scope(Student.location_id, location_ids),
            on_days(AbsenceSignal.triggered_on, start, end),
        )
    ):
        in_period[rule].add(student_id)
        for index, (_label, first, last) in enumerate(spans):
            if first <= day <= last:
                in_bucket[index][rule].add(student_id)
    per_bucket = {
        index: {rule: len(ids) for rule, ids in rules_.items()}
        for index, rules_ in in_bucket.items()
    }
    return defaultdict(dict, per_bucket), {rule: len(ids) for rule, ids in in_period.items()}


def figures(
    location_ids: Sequence[int],
    students: int,
    start: date,
    end: date,
    calendar: SchoolCalendar,
    hours_by_location: dict[int, dict[date, float]],
    *,
    in_sql: bool = True,
) -> AbsenceFigures:
    """The unauthorised hours per school week, and the students with a new signal per rule in
    each bucket and in the whole period (``in_sql``: counted by the database; False: from the
    signals' rows in Python, the reference the tests compare with)."""
    school_weeks = rules.school_weeks_between(calendar, start, end)
    weeks = []
    for monday in school_weeks:
        hours = round(sum(hours_by_location.get(i, {}).get(monday, 0.0) for i in location_ids), 2)
        weeks.append(AbsenceWeek(monday, hours, rules.per_100(hours, students)))
    total = round(sum(w.hours for w in weeks), 2)
    average = rules.per_100(total / len(weeks), students) if weeks else None

    kind, spans = _signal_buckets(start, end, school_weeks)
    count = _signal_students if in_sql else _signal_students_in_python
    per_bucket, overall = count(location_ids, start, end, kind, spans)
    buckets = [
        SignalBucket(
            label, first, last, {r: Count(per_bucket[index].get(r, 0)) for r in AbsenceRule}
        )
        for index, (label, first, last) in enumerate(spans)
    ]
    return AbsenceFigures(
        weeks=weeks,
        hours=total,
        per_100_per_week=average,
        buckets=buckets,
        signal_students={r: Count(overall.get(r, 0)) for r in AbsenceRule},
        bucket_kind=kind,
    )


def present(report: Report) -> Section:
    absence = report.absence
    week_points = [
        (
            week_label(w.monday),
            w.per_100,
            number(w.per_100),
        )
        for w in absence.weeks
    ]
    trend = Table(
        "verzuim-trend",
        _("Ongeoorloofd verzuim per schoolweek"),
        [_("Week van"), _("Uren"), _("Uren per 100 leerlingen")],
        [[short_day(w.monday), number(w.hours), number(w.per_100)] for w in absence.weeks],
        note=_(
            "Gemiddeld %(rate)s uur per 100 leerlingen per schoolweek, %(students)s leerlingen.",
            rate=number(absence.per_100_per_week),
            students=report.students,
        ),
    )
    header = [_("Week") if absence.bucket_kind == "week" else _("Maand")]
    header += [rule.label for rule in AbsenceRule] if absence.buckets else []
    signal_rows = [[b.label, *(c.shown for c in b.students.values())] for b in absence.buckets]
    signal_rows.append([_("Hele periode"), *(c.shown for c in absence.signal_students.values())])
    signals = Table(
        "verzuim-signalen",
        _("Leerlingen met een nieuw verzuimsignaal, per soort"),
        header,
        signal_rows,
    )
    return Section(
        "verzuim",
        _("Verzuim"),
        charts=[
            column_chart(
                [(label, v, t) for label, v, t in week_points],
                title=_("Ongeoorloofde uren per 100 leerlingen per schoolweek"),
            )
        ],
        tables=[trend, signals],
    )
