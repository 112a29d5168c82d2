"""The locations side by side, per 100 students."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import Select, func, select
from sqlalchemy.orm import InstrumentedAttribute

from app.core.sql import plain_rows
from app.core.vocabulary import EntryKind
from app.models import Casus, Flag, HomeVisit, Location, ParentCall, Student
from app.reports import rules
from app.reports.charts import bar_chart
from app.reports.filters import in_period, in_scope
from app.reports.layout import Section, Table, number
from app.reports.model import ComparisonRow, LocationRef, Report
from app.reports.rules import Count
from app.reports.tallies import floor_kinds


def _per_location(query: Select[int, int]) -> Counter[int]:
    return Counter({location_id: count for location_id, count in plain_rows(query)})


def _of_students(
    counted: InstrumentedAttribute[int],
    student_id: InstrumentedAttribute[int],
    moment: InstrumentedAttribute[datetime],
    ids: Sequence[int],
    first: datetime,
    last: datetime,
) -> Counter[int]:
    """Per location: the things about its students (``counted``) whose ``moment`` is in the
    period."""
    return _per_location(
        select(Student.location_id, func.count(counted))
        .join(Student, Student.id == student_id)
        .where(in_scope(Student.location_id, ids), in_period(moment, first, last))
        .group_by(Student.location_id)
    )


def figures(
    locations: Sequence[Location],
    first: datetime,
    last: datetime,
    school_weeks: int,
    students: dict[int, int],
    hours_by_location: dict[int, dict[date, float]],
    *,
    tallies: bool = True,
) -> list[ComparisonRow]:
    ids = [loc.id for loc in locations]
    entries: Counter[int] = Counter()
    tensions: Counter[int] = Counter()
    for row in floor_kinds(ids, first, last, tallies=tallies):
        entries[row.location_id] += row.entries
        if row.kind == EntryKind.SPANNING:
            tensions[row.location_id] += row.entries

    flagged = _per_location(
        select(Flag.location_id, func.count(func.distinct(Flag.student_id)))
        .where(in_scope(Flag.location_id, ids), in_period(Flag.raised_at, first, last))
        .group_by(Flag.location_id)
    )
    opened = _of_students(Casus.id, Casus.student_id, Casus.opened_at, ids, first, last)
    calls = _of_students(
        ParentCall.id, ParentCall.student_id, ParentCall.created_at, ids, first, last
    )
    visits = _of_students(
        HomeVisit.id, HomeVisit.student_id, HomeVisit.planned_at, ids, first, last
    )
    return [
        ComparisonRow(
            location=LocationRef(loc.id, loc.code, loc.name),
            students=students.get(loc.id, 0),
            entries=entries.get(loc.id, 0),
            tensions=tensions.get(loc.id, 0),
            flagged=Count(flagged.get(loc.id, 0)),
            cases_opened=Count(opened.get(loc.id, 0)),
            calls=Count(calls.get(loc.id, 0)),
            visits=Count(visits.get(loc.id, 0)),
            unauthorised_hours=round(sum(hours_by_location.get(loc.id, {}).values()), 2),
            school_weeks=school_weeks,
        )
        for loc in locations
    ]


def _cell(rate: float | str | None) -> str:
    """A per-100 figure as the reader's locale writes it ("<5" stays as it is)."""
    return rate if isinstance(rate, str) else number(rate)


def present(report: Report) -> Section:
    rows = report.comparison
    header = [
        _("Locatie"),
        _("Leerlingen"),
        _("Vloerregistraties"),
        _("Spanningen"),
        _("Leerlingen met vlag"),
        _("Casussen geopend"),
        _("Oudercontacten"),
        _("Huisbezoeken"),
        _("Ongeoorloofde uren per week"),
    ]
    table_rows = [
        [
            row.location.code,
            str(row.students),
            *(
                _cell(row.rate(value))
                for value in (
                    row.entries,
                    row.tensions,
                    row.flagged,
                    row.cases_opened,
                    row.calls,
                    row.visits,
                )
            ),
            number(row.absence_rate),
        ]
        for row in rows
    ]
    chart_rows = []
    for row in rows:
        rate = rules.per_100(row.entries, row.students)
        chart_rows.append((row.location.code, rate, number(rate)))
    return Section(
        "vergelijking",
        _("Locaties naast elkaar"),
        _("Alle cijfers per 100 leerlingen, over dezelfde periode."),
        charts=[
            bar_chart(
                chart_rows,
                title=_("Vloerregistraties per 100 leerlingen per locatie"),
            )
        ],
        tables=[
            Table(
                "vergelijking",
                _("Locaties per 100 leerlingen"),
                header,
                table_rows,
                note=_("'<5': minder dan 5 leerlingen, het getal wordt niet getoond."),
            )
        ],
    )
