"""Home visits: done and planned today, coming in the next week, and earlier ones unreported."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import and_, case, or_, select

from app.core.vocabulary import VisitStatus
from app.digest.model import StudentRef, VisitSection
from app.digest.sections.common import STUDENT_COLUMNS, StudentRefs, between
from app.extensions import db
from app.models import HomeVisit, Student

UPCOMING_VISIT_DAYS = 7


def visit_section(
    location_id: int, start: datetime, end: datetime, students: StudentRefs
) -> VisitSection:
    planned = HomeVisit.status == VisitStatus.GEPLAND
    done_today = and_(
        HomeVisit.status == VisitStatus.GEDAAN, between(HomeVisit.done_at, start, end)
    )
    planned_today = and_(planned, between(HomeVisit.planned_at, start, end))
    week_end = end + timedelta(days=UPCOMING_VISIT_DAYS)
    rows = db.session.execute(
        select(
            case((done_today, "done"), (planned_today, "today"), else_="other"),
            HomeVisit.planned_at,
            *STUDENT_COLUMNS,
        )
        .join(Student, Student.id == HomeVisit.student_id)
        .where(
            Student.location_id == location_id,
            or_(done_today, and_(planned, HomeVisit.planned_at < week_end)),
        )
        .order_by(HomeVisit.planned_at, HomeVisit.id)
    ).all()
    done = today = upcoming = unreported = 0
    shown: list[StudentRef] = []
    for which, planned_at, student_id, first, last, class_name in rows:
        if which in ("done", "today"):
            if which == "done":
                done += 1
            else:
                today += 1
            shown.append(students.ref(student_id, first, last, class_name))
        elif planned_at >= end:
            upcoming += 1
        elif planned_at < start:
            unreported += 1
    return VisitSection(
        done=done, planned_today=today, upcoming=upcoming, unreported=unreported, students=shown
    )
