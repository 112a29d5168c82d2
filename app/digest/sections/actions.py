"""What needs the team leader's action, listed first: the items of the other sections that ask
for it, plus the two lists only this section reads (referred de-escalations, reviews due)."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.core.vocabulary import EntryKind, FlagType, Outcome
from app.desk import rules as desk_rules
from app.digest.model import (
    AbsenceSection,
    ActionItem,
    ActionKind,
    FlagSection,
    HandoverSection,
    MarkedItem,
    ReferralSection,
)
from app.digest.sections.common import STUDENT_COLUMNS, StudentRefs, between
from app.extensions import db
from app.models import Casus, FloorEntry, Student


def referred_entries(
    location_id: int, start: datetime, end: datetime, students: StudentRefs
) -> list[ActionItem]:
    """De-escalations of the day whose outcome was "doorverwezen naar teamleider"."""
    entries = db.session.scalars(
        select(FloorEntry)
        .where(
            FloorEntry.location_id == location_id,
            FloorEntry.kind == EntryKind.DEESCALATIE,
            FloorEntry.outcome == Outcome.DOORVERWEZEN,
            between(FloorEntry.occurred_at, start, end),
        )
        .options(
            selectinload(FloorEntry.students),
            joinedload(FloorEntry.zone),
            joinedload(FloorEntry.staff),
        )
        .order_by(FloorEntry.occurred_at, FloorEntry.id)
    ).all()
    return [
        ActionItem(
            ActionKind.DOORVERWEZEN,
            [students.of(s) for s in entry.students],
            at=entry.occurred_at,
            zone=entry.zone.name,
            detail=EntryKind.DEESCALATIE,
            note=entry.note,
            staff=entry.staff.name,
        )
        for entry in entries
    ]


def reviews_due(location_id: int, day: date, students: StudentRefs) -> list[ActionItem]:
    """Preventive and intensive trajectories of the location whose review date is this day or
    has passed, oldest first: the weekly check, so that no trajectory drifts."""
    rows = db.session.execute(
        select(Casus.id, Casus.review_date, *STUDENT_COLUMNS)
        .join(Student, Student.id == Casus.student_id)
        .where(
            Student.location_id == location_id,
            Casus.status.in_(list(desk_rules.TRAJECTORY_STATUSES)),
            Casus.review_date.is_not(None),
            Casus.review_date <= day,
        )
        .order_by(Casus.review_date, Casus.id)
    ).all()
    return [
        ActionItem(
            ActionKind.EVALUATIE, [students.ref(sid, first, last, cls)], due=review, case_id=case_id
        )
        for case_id, review, sid, first, last, cls in rows
    ]


def actions(
    alerts: list[ActionItem],
    referred: list[ActionItem],
    flags: FlagSection,
    marked: list[MarkedItem],
    absence: AbsenceSection,
    handovers: HandoverSection,
    reviews: list[ActionItem],
    referrals: ReferralSection,
) -> list[ActionItem]:
    """What needs the team leader, in :class:`ActionKind` order: urgent alerts nobody
    acknowledged yet, referred to them today, safety
    flags, entries marked for them, DUO reports due, new absence signals, handovers waiting for
    the COPA moment, trajectories whose review date has come, and referrals whose feedback is
    late."""
    items = [*alerts, *referred]
    items += [
        ActionItem(ActionKind.VEILIGHEID, [item.student], detail=item.flag_type)
        for item in flags.items
        if item.flag_type == FlagType.VEILIGHEID
    ]
    items += [
        ActionItem(
            ActionKind.GEMARKEERD,
            m.students,
            at=m.at,
            zone=m.zone,
            detail=m.kind,
            note=m.note,
            staff=m.staff,
        )
        for m in marked
    ]
    duo = sorted(
        (item for item in (*absence.new, *absence.still_active) if item.duo_due is not None),
        key=lambda item: (item.duo_due, item.student.class_name, item.student.initials),
    )
    items += [ActionItem(ActionKind.DUO, [item.student], due=item.duo_due) for item in duo]
    items += [
        ActionItem(ActionKind.VERZUIM, [item.student], at=item.first_seen_at, details=item.rules)
        for item in absence.new
    ]
    items += [
        ActionItem(
            ActionKind.OVERDRACHT,
            [item.student],
            at=item.submitted_at,
            moment=item.moment,
            place=item.place,
            details=item.criteria,
            case_id=item.case_id,
        )
        for item in handovers.waiting
    ]
    items += reviews
    items += [
        ActionItem(ActionKind.VERWIJZING, [r.student], detail=r.partner, due=r.due)
        for r in referrals.overdue
    ]
    return items
