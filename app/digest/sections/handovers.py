"""Handovers to COPA: waiting for the weekly moment, decided today, and the next moment."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import and_, or_, select

from app.core.vocabulary import HandoverStatus
from app.desk.handover.slots import upcoming_moments
from app.digest.model import HandoverItem, HandoverSection
from app.digest.sections.common import STUDENT_COLUMNS, StudentRefs, between
from app.extensions import db
from app.models import Casus, Handover, Student
from app.models.desk import split_codes


def handover_section(
    location_id: int, start: datetime, end: datetime, reference: datetime, students: StudentRefs
) -> HandoverSection:
    """Handovers waiting for the weekly COPA moment at the end of the day (submitted, not yet
    decided then), and how many COPA decided that day. ``reference`` is the moment from which
    the next COPA moment is looked up."""
    rows = db.session.execute(
        select(
            Handover.id,
            Handover.case_id,
            Handover.status,
            Handover.moment_at,
            Handover.place,
            Handover.submitted_at,
            Handover.decided_at,
            Handover.criteria,
            *STUDENT_COLUMNS,
        )
        .join(Casus, Casus.id == Handover.case_id)
        .join(Student, Student.id == Casus.student_id)
        .where(
            Student.location_id == location_id,
            or_(
                # Waiting at the end of the day, as it was then: an earlier day's digest still
                # shows a handover that COPA has decided on since.
                and_(
                    Handover.submitted_at < end,
                    or_(Handover.decided_at.is_(None), Handover.decided_at >= end),
                ),
                between(Handover.decided_at, start, end),
            ),
        )
        .order_by(Handover.moment_at, Handover.id)
    ).all()
    waiting: list[HandoverItem] = []
    accepted = returned = 0
    for (
        handover_id,
        case_id,
        status,
        moment_at,
        place,
        submitted_at,
        decided_at,
        criteria,
        sid,
        first,
        last,
        cls,
    ) in rows:
        if submitted_at < end and (decided_at is None or decided_at >= end):
            waiting.append(
                HandoverItem(
                    handover_id,
                    case_id,
                    students.ref(sid, first, last, cls),
                    moment_at,
                    place,
                    submitted_at,
                    tuple(split_codes(criteria)),
                )
            )
        elif decided_at is not None and start <= decided_at < end:
            if status == HandoverStatus.GEACCEPTEERD:
                accepted += 1
            elif status == HandoverStatus.TERUGGEGEVEN:
                returned += 1
    moments = upcoming_moments(location_id, now=reference, weeks=1)
    return HandoverSection(
        waiting=waiting,
        next_moment=moments[0].at if moments else None,
        next_place=moments[0].place if moments else "",
        accepted_today=accepted,
        returned_today=returned,
    )
