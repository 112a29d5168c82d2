"""The outcome indicator: unauthorised absence before and after a case opened."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import date, datetime

from flask_babel import gettext as _
from sqlalchemy import case as sql_case
from sqlalchemy import func, select

from app.absence.figures import figures_by_student, stored_basis_matches
from app.absence.services import rule_settings
from app.core.localtime import LOCAL_TZ
from app.core.schoolcalendar import SchoolCalendar
from app.core.sql import among, plain_rows
from app.models import AbsenceUnauthorisedDay, Casus, Student
from app.reports import rules
from app.reports.filters import in_period, in_scope, on_days
from app.reports.layout import Section, Table, number
from app.reports.model import OutcomeFigures, Report
from app.reports.rules import Count
from app.reports.sections.cases import CaseRow
from app.reports.tallies import DIGITS


def openings(rows: Sequence[CaseRow], first: datetime, last: datetime) -> dict[int, date]:
    """The local day each student's first case in [first, last) opened, from the case rows
    (the reference :func:`opened_in` is tested against)."""
    opened: dict[int, date] = {}
    for case in sorted(rows, key=lambda c: c.opened_at):
        if first <= case.opened_at < last and case.student_id not in opened:
            opened[case.student_id] = case.opened_at.astimezone(LOCAL_TZ).date()
    return opened


def opened_in(location_ids: Sequence[int], first: datetime, last: datetime) -> dict[int, date]:
    """:func:`openings` in SQL: each student's earliest opening in the period."""
    rows = plain_rows(
        select(Casus.student_id, func.min(Casus.opened_at))
        .join(Student, Student.id == Casus.student_id)
        .where(
            in_scope(Student.location_id, location_ids),
            in_period(Casus.opened_at, first, last),
            (Casus.closed_at.is_(None)) | (Casus.closed_at >= first),
        )
        .group_by(Casus.student_id)
    )
    return {student_id: opened.astimezone(LOCAL_TZ).date() for student_id, opened in rows}


def _sums_in_python(
    windows: dict[int, rules.OutcomeWindows], calendar: SchoolCalendar
) -> dict[int, tuple[float, float]]:
    """Each student's unauthorised hours before and after, from their decoded day figures (the
    reference :func:`_sums_in_sql` is tested against)."""
    earliest = min(w.before_first for w in windows.values())
    latest = max(w.after_last for w in windows.values())
    per_student = figures_by_student(
        list(windows), earliest, latest, calendar, rule_settings(), active_only=False
    )
    sums = {}
    for student_id, window in windows.items():
        figures = per_student.get(student_id, {})
        before = sum(
            f.unauthorised
            for d, f in figures.items()
            if window.before_first <= d <= window.before_last
        )
        after = sum(
            f.unauthorised
            for d, f in figures.items()
            if window.after_first <= d <= window.after_last
        )
        sums[student_id] = (round(before, DIGITS), round(after, DIGITS))
    return sums


def _sums_in_sql(windows: dict[int, rules.OutcomeWindows]) -> dict[int, tuple[float, float]]:
    """:func:`_sums_in_python` from ``absence_unauthorised_day``: the windows depend only on the
    week of opening, so one ``GROUP BY`` per distinct window (about 40 in a school year) sums
    both windows of its students, read by the primary key (student, day)."""
    students: dict[rules.OutcomeWindows, list[int]] = defaultdict(list)
    for student_id, window in windows.items():
        students[window].append(student_id)
    sums = dict.fromkeys(windows, (0.0, 0.0))
    hours = AbsenceUnauthorisedDay.hours
    day = AbsenceUnauthorisedDay.day
    for window, ids in students.items():
        rows = plain_rows(
            select(
                AbsenceUnauthorisedDay.student_id,
                func.sum(sql_case((day <= window.before_last, hours), else_=0.0)),
                func.sum(sql_case((day >= window.after_first, hours), else_=0.0)),
            )
            .where(
                among(AbsenceUnauthorisedDay.student_id, ids),
                on_days(day, window.before_first, window.after_last),
                # The week of opening belongs to neither window.
                (day <= window.before_last) | (day >= window.after_first),
            )
            .group_by(AbsenceUnauthorisedDay.student_id)
        )
        for student_id, before, after in rows:
            sums[student_id] = (round(float(before), DIGITS), round(float(after), DIGITS))
    return sums


def figures(
    opened: dict[int, date], calendar: SchoolCalendar, today: date, *, in_sql: bool = True
) -> OutcomeFigures:
    """Students whose case opened in the period (their first case in it, ``opened``:
    :func:`opened_in`): unauthorised hours per 4 school weeks in the 8 school weeks before the
    week of opening and the 8 after. ``in_sql``: summed from ``absence_unauthorised_day`` while
    the stored figures' basis holds (False: from the decoded day figures, the same sums)."""
    windows = {}
    pending = outside = 0
    for student_id, day in opened.items():
        window = rules.outcome_windows(calendar, day)
        if window is None:
            outside += 1
        elif window.after_last >= today:
            pending += 1
        else:
            windows[student_id] = window
    result = OutcomeFigures(Count(len(windows)), Count(pending), Count(outside))
    if not windows:
        return result
    if in_sql and stored_basis_matches(calendar, rule_settings()):
        sums = _sums_in_sql(windows)
    else:
        sums = _sums_in_python(windows, calendar)
    befores, afters, changes = [], [], []
    for before, after in sums.values():
        # Per 4 school weeks: the 8-week windows count twice over.
        per_four_before = round(before * 4 / rules.OUTCOME_WEEKS, 2)
        per_four_after = round(after * 4 / rules.OUTCOME_WEEKS, 2)
        befores.append(per_four_before)
        afters.append(per_four_after)
        changes.append(round(per_four_after - per_four_before, 2))
    result.lower = Count(sum(1 for c in changes if c < 0))
    result.same = Count(sum(1 for c in changes if c == 0))
    result.higher = Count(sum(1 for c in changes if c > 0))
    if result.shown:
        result.before_median = rules.median(befores)
        result.before_spread = rules.quartiles(befores)
        result.after_median = rules.median(afters)
        result.after_spread = rules.quartiles(afters)
        result.change_median = rules.median(changes)
    return result


def _spread(values: tuple[float, float] | None) -> str:
    if values is None:
        return "–"
    return f"{number(values[0])} – {number(values[1])}"


def present(report: Report) -> Section:
    o = report.outcome
    rows = [
        [
            _("Leerlingen met een casus geopend in de periode, beide vensters compleet"),
            o.students.shown,
        ],
        [_("Nog geen 8 schoolweken na de opening voorbij"), o.pending.shown],
        [_("Buiten de schoolkalender"), o.outside_calendar.shown],
    ]
    if o.shown:
        rows += [
            [_("Mediaan vóór (uren per 4 schoolweken)"), number(o.before_median)],
            [_("Spreiding vóór (1e – 3e kwartiel)"), _spread(o.before_spread)],
            [_("Mediaan na (uren per 4 schoolweken)"), number(o.after_median)],
            [_("Spreiding na (1e – 3e kwartiel)"), _spread(o.after_spread)],
            [_("Mediaan van het verschil per leerling"), number(o.change_median)],
            [_("Leerlingen met minder verzuim na"), o.lower.shown],
            [_("Leerlingen met gelijk verzuim"), o.same.shown],
            [_("Leerlingen met meer verzuim na"), o.higher.shown],
        ]
    return Section(
        "uitkomst",
        _("Uitkomstindicator: verzuim vóór en na de casus"),
        _(
            "Ongeoorloofd verzuim per 4 schoolweken in de 8 schoolweken vóór de week waarin de "
            "casus werd geopend, tegenover de 8 schoolweken erna. Dit is een samenhang, geen "
            "bewijs van effect: verzuim verandert ook om andere redenen (en een casus wordt vaak "
            "juist geopend als het verzuim piekt)."
        ),
        tables=[
            Table(
                "uitkomst",
                _("Uitkomstindicator"),
                [_("Wat"), _("Waarde")],
                rows,
                note=""
                if o.shown
                else _("Minder dan %(n)s leerlingen: geen mediaan of spreiding.", n=5),
            )
        ],
    )
