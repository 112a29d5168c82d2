"""The periodic report of a scope (one or more locations, or the whole group) and a period.

:func:`build_report` reads across the capabilities — floor, desk, absence, pulse and climate —
through the section modules (``app.reports.sections``) and returns a
:class:`~app.reports.model.Report` that the page, the PDF, the CSV files and the command line
all render. No student name or number leaves the builder.

Days are local (Europe/Amsterdam) calendar days, both ends inclusive; stored times are aware
UTC. School weeks come from the school calendar (``app.core.calendar_store.load_calendar``).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from app.core.calendar_store import load_calendar
from app.core.localtime import local_range_bounds, local_today
from app.core.schoolcalendar import SchoolCalendar
from app.extensions import db
from app.models import Student
from app.models.types import utcnow
from app.reports import rules
from app.reports import tallies as tallies_of
from app.reports.filters import in_scope
from app.reports.model import LocationRef, Report, ReportError
from app.reports.scope import resolve_locations, scope_key
from app.reports.sections import (
    absence,
    calls,
    cases,
    climate,
    comparison,
    detention,
    flags,
    floor,
    incidents,
    observations,
    outcome,
    summary,
    visits,
)
from app.reports.services import find_text


def _student_counts(location_ids: Sequence[int]) -> dict[int, int]:
    rows = db.session.execute(
        select(Student.location_id, func.count())
        .where(in_scope(Student.location_id, location_ids), Student.active.is_(True))
        .group_by(Student.location_id)
    ).all()
    counts = dict.fromkeys(location_ids, 0)
    counts.update({location_id: count for location_id, count in rows})
    return counts


def build_report(
    location_codes: list[str] | None,
    start: date,
    end: date,
    *,
    comparison_codes: list[str] | None = None,
    today: date | None = None,
    calendar: SchoolCalendar | None = None,
    with_summary: bool = True,
    tallies: bool = True,
) -> Report:
    """The report of the locations with these codes (None: the whole group) for the local days
    ``start`` to ``end`` inclusive.

    ``comparison_codes`` chooses the locations of the side-by-side comparison (default: every
    location for the whole group, else the scope's own). ``today`` decides which outcome
    windows are complete (default: today). ``with_summary``: the key figures beside the
    previous period and the same period last year (two more periods' queries). ``tallies``:
    count floor entries and absence from the tallies (``app.reports.tallies``; the outcome
    indicator's hours too) and the cases in SQL (False: from the raw rows and the decoded day
    figures, the cases walked in Python — the same report, slower; the reference the tests
    compare with). Raises :class:`ReportError` (Dutch message) for an unknown location or a
    period that makes no sense.
    """
    try:
        rules.check_period(start, end)
    except rules.PeriodError as error:
        raise ReportError(str(error), field="periode") from None
    today = today or local_today()
    calendar = calendar or load_calendar()
    # A period that runs past today is counted up to today: the weeks still to come are no
    # school weeks of the report (their zeros would dilute every rate per week), and the
    # summary compares the days so far with as many days of the other periods.
    requested_end = end
    through = rules.counted_through(start, end, today)
    end = through or end
    locations = resolve_locations(location_codes)
    compared = resolve_locations(comparison_codes) if comparison_codes else locations
    ids = [loc.id for loc in locations]
    first, last = local_range_bounds(start, end)
    union = sorted({loc.id for loc in locations} | {loc.id for loc in compared})
    students = _student_counts(union)
    scope_students = sum(students[i] for i in ids)
    # The absence figures are read once: for the period, and with the summary for its
    # comparison periods too (all before ``start``).
    first_day = start
    if with_summary:
        first_day = min(
            rules.previous_period(start, requested_end)[0],
            rules.last_year_period(start, requested_end)[0],
        )
    hours_by_day = tallies_of.unauthorised_by_day(union, first_day, end, calendar, tallies=tallies)
    hours = absence.by_week(absence.within(hours_by_day, start, end))
    school_weeks = rules.school_weeks_between(calendar, start, end)
    if tallies:
        case_figures = cases.counted(ids, first, last)
        opened = outcome.opened_in(ids, first, last)
    else:
        case_rows = cases.case_rows(ids, first, last)
        case_figures = cases.figures(case_rows, first, last)
        opened = outcome.openings(case_rows, first, last)
    pulse, climate_checks = climate.figures(locations, start, end, calendar, today)
    report = Report(
        scope=scope_key(locations, location_codes is None),
        locations=[LocationRef(loc.id, loc.code, loc.name) for loc in locations],
        start=start,
        end=requested_end,
        counted_through=through,
        generated_at=utcnow(),
        students=scope_students,
        school_weeks=school_weeks,
        floor=floor.figures(ids, first, last, tallies=tallies),
        flags=flags.figures(ids, first, last),
        incidents=incidents.figures(ids, first, last),
        cases=case_figures,
        calls=calls.figures(ids, first, last),
        visits=visits.figures(ids, first, last),
        detention=detention.figures(ids, start, end),
        absence=absence.figures(ids, scope_students, start, end, calendar, hours, in_sql=tallies),
        outcome=outcome.figures(opened, calendar, today, in_sql=tallies),
        observations=observations.figures(locations, start, end, in_sql=tallies),
        comparison=comparison.figures(
            compared, first, last, len(school_weeks), students, hours, tallies=tallies
        ),
        pulse=pulse,
        climate=climate_checks,
    )
    if with_summary:
        report.summary = summary.figures(
            locations,
            start,
            requested_end,
            calendar,
            students,
            hours_by_day,
            tallies=tallies,
            through=through,
        )
    saved = find_text(report.scope, start, requested_end)
    if saved is not None:
        report.text = saved.body
        report.text_updated_at = saved.updated_at
    return report
