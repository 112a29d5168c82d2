"""Reading handovers to COPA: one with its access, the pending one of a case, COPA's queue."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.access.case_rules import CaseAccess
from app.access.cases import access_to
from app.core.vocabulary import (
    HandoverStatus,
    Role,
)
from app.extensions import db
from app.models import (
    Casus,
    Handover,
    Student,
    User,
)


def pending_handover(case: Casus) -> Handover | None:
    return db.session.scalar(
        select(Handover).where(
            Handover.case_id == case.id, Handover.status == HandoverStatus.INGEDIEND
        )
    )


def find_handover(user: User, handover_id: int) -> tuple[Handover, CaseAccess] | None:
    handover = db.session.scalar(
        select(Handover)
        .where(Handover.id == handover_id)
        .options(
            joinedload(Handover.case).joinedload(Casus.student).joinedload(Student.location),
            joinedload(Handover.submitted_by),
            joinedload(Handover.teamleider),
            joinedload(Handover.decided_by),
        )
    )
    if handover is None:
        return None
    access = access_to(user, handover.case)
    if not access.view:
        return None
    return handover, access


def pending_handovers_for_copa(user: User) -> list[Handover]:
    if user.role != Role.COPA:
        return []
    return list(
        db.session.scalars(
            select(Handover)
            .join(Casus, Casus.id == Handover.case_id)
            .join(Student, Student.id == Casus.student_id)
            .where(
                Handover.status == HandoverStatus.INGEDIEND,
                Student.location_id.in_(user.location_ids or {-1}),
            )
            .options(
                joinedload(Handover.case).joinedload(Casus.student),
                joinedload(Handover.submitted_by),
                joinedload(Handover.teamleider),
            )
            .order_by(Handover.moment_at, Handover.id)
        )
    )
