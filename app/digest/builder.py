"""The team leader's daily digest of one location and one school day, as plain data.

:func:`build_digest` runs a fixed number of small aggregate queries (GROUP BY per kind, zone,
type, 15-minute bucket …) whatever the amount of data: one module of :mod:`app.digest.sections`
per section, and returns the dataclasses of :mod:`app.digest.model` that the page and the e-mail
render. Students appear only as initials and class; no name leaves the builder.

Days are local (Europe/Amsterdam) calendar days; times are aware UTC. "School day" and "the last
four school weeks" come from the school calendar (``load_calendar``).
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import and_, func, select

from app.core.calendar_store import load_calendar
from app.core.localtime import local_day_bounds, local_today
from app.core.schoolcalendar import SchoolCalendar
from app.core.vocabulary import CaseStatus
from app.digest import rules
from app.digest.model import Digest
from app.digest.sections.absence import absence_section
from app.digest.sections.actions import actions, referred_entries, reviews_due
from app.digest.sections.alerts import open_alerts
from app.digest.sections.calls import call_section
from app.digest.sections.cases import case_section
from app.digest.sections.climate import climate_section
from app.digest.sections.common import StudentRefs
from app.digest.sections.flags import flag_section
from app.digest.sections.floor import floor_section
from app.digest.sections.handovers import handover_section
from app.digest.sections.hotspots import hotspot_grid
from app.digest.sections.marked import marked_items
from app.digest.sections.quarantine import quarantine_figures
from app.digest.sections.referrals import referral_section
from app.digest.sections.visits import visit_section
from app.extensions import db
from app.models import Casus, Location, Student
from app.models.types import utcnow


def build_digest(
    location: Location,
    day: date,
    *,
    calendar: SchoolCalendar | None = None,
    now: datetime | None = None,
) -> Digest:
    """The digest of ``location`` for the local ``day``. Read-only: adds nothing to the session.

    ``calendar`` can be passed when building several digests in one go (the e-mail command);
    ``now`` fixes "now" for the next handover moment (tests)."""
    calendar = calendar if calendar is not None else load_calendar()
    now = now or utcnow()
    start, end = local_day_bounds(day)
    window = rules.window_for(calendar, day)
    window_start, _ = local_day_bounds(window.first)
    zones = sorted(location.zones, key=lambda z: (z.position, z.id))
    breaks = [rules.Break(b.label, b.starts_at, b.ends_at) for b in location.break_times]
    students = StudentRefs()
    previous = rules.previous_school_day(calendar, day)

    floor = floor_section(location.id, start, end, zones)
    alerts = open_alerts(location.id, students)
    referred = referred_entries(location.id, start, end, students)
    flags = flag_section(location.id, start, end, students)
    absence = absence_section(location.id, day, previous, end, students)
    calls = call_section(location.id, day, start, end, students)
    visits = visit_section(location.id, start, end, students)
    cases = case_section(location.id, start, end, students)
    handovers = handover_section(location.id, start, end, min(now, end), students)
    marked = marked_items(location, day, previous, students)
    quarantine = quarantine_figures(location.id, start, end, {z.id for z in zones})
    climate = climate_section(location.id, day, window_start, end, zones)
    grid = hotspot_grid(location.id, day, window_start, end, zones, breaks)

    referrals = referral_section(location.id, day, students)

    _add_student_keys(students)

    reviews = reviews_due(location.id, day, students)
    return Digest(
        location_id=location.id,
        location_code=location.code,
        location_name=location.name,
        day=day,
        info=rules.day_info(calendar, day),
        previous_day=previous,
        next_day=rules.next_school_day(calendar, day),
        window=window,
        generated_at=now,
        actions=actions(alerts, referred, flags, marked, absence, handovers, reviews, referrals),
        floor=floor,
        flags=flags,
        absence=absence,
        calls=calls,
        visits=visits,
        cases=cases,
        handovers=handovers,
        marked=marked,
        quarantine=quarantine,
        climate=climate,
        hotspots=grid,
        presence_plan=rules.presence_plan(grid, breaks),
        referrals=referrals,
        students=students.refs,
    )


def _add_student_keys(students: StudentRefs) -> None:
    """For each student shown, in one query: their open case (for the case link), and their
    leerlingnummer and location (for the link to the student page). Not a name: the e-mail uses
    none of them. "Open" is the desk's own (``app.desk.common.open_cases_by_student``): any
    status but *afgesloten*."""
    if not students.refs:
        return
    rows = db.session.execute(
        select(Student.id, Student.leerlingnummer, Student.location_id, Casus.id)
        .outerjoin(
            Casus,
            and_(Casus.student_id == Student.id, Casus.status != CaseStatus.AFGESLOTEN),
        )
        .where(Student.id.in_(list(students.refs)))
        .order_by(Student.id, Casus.id)
    ).all()
    for student_id, number, location_id, case_id in rows:
        ref = students.refs[student_id]
        ref.leerlingnummer, ref.location_id = number, location_id
        ref.case_id = case_id if case_id is not None else ref.case_id


def default_day(calendar: SchoolCalendar | None = None, today: date | None = None) -> date:
    """Today when it is a school day, else the last school day before it."""
    calendar = calendar if calendar is not None else load_calendar()
    return rules.school_day_on_or_before(calendar, today or local_today())


def find_location(code: str) -> Location | None:
    """A location by its code, case-blind (``wind`` finds ``Wind``)."""
    return db.session.scalar(
        select(Location).where(func.lower(Location.code) == code.strip().lower())
    )
