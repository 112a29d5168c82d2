"""A staff member's outstanding actions ("openstaand"): calls, visits, reviews, returned
handovers, next steps and referrals waiting for feedback, one query per kind."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import joinedload

from app.access.cases import cases_visible_to
from app.core.localtime import local_today
from app.core.vocabulary import (
    HandoverStatus,
    VisitStatus,
)
from app.desk import rules
from app.desk.calls.services import open_calls_for
from app.desk.referrals.services import open_referrals_of
from app.extensions import db
from app.models import (
    Casus,
    ConversationReport,
    Handover,
    HomeVisit,
    ParentCall,
    Referral,
    Student,
    User,
)


@dataclass
class Outstanding:
    calls: list[ParentCall] = field(default_factory=list)
    visits: list[HomeVisit] = field(default_factory=list)
    reviews: list[Casus] = field(default_factory=list)
    returned: list[Handover] = field(default_factory=list)
    next_steps: list[ConversationReport] = field(default_factory=list)
    referrals: list[Referral] = field(default_factory=list)

    @property
    def calls_today(self) -> list[ParentCall]:
        today = local_today()
        return [c for c in self.calls if c.due <= today]

    @property
    def total(self) -> int:
        return (
            len(self.calls)
            + len(self.visits)
            + len(self.reviews)
            + len(self.returned)
            + len(self.next_steps)
            + len(self.referrals)
        )


def outstanding_for(user: User, *, today: date | None = None) -> Outstanding:
    """Every outstanding action of the user: one query per kind."""
    today = today or local_today()
    location_ids = user.location_ids or {-1}
    result = Outstanding()
    result.calls = open_calls_for(user, today=today)
    result.visits = list(
        db.session.scalars(
            select(HomeVisit)
            .join(Student, Student.id == HomeVisit.student_id)
            .where(
                HomeVisit.status == VisitStatus.GEPLAND,
                or_(HomeVisit.staff_one_id == user.id, HomeVisit.staff_two_id == user.id),
                Student.location_id.in_(location_ids),
            )
            .options(
                joinedload(HomeVisit.student),
                joinedload(HomeVisit.staff_one),
                joinedload(HomeVisit.staff_two),
            )
            .order_by(HomeVisit.planned_at)
        )
    )
    result.reviews = list(
        db.session.scalars(
            cases_visible_to(user)
            .where(
                Casus.owner_id == user.id,
                Casus.status.in_(list(rules.TRAJECTORY_STATUSES)),
                Casus.review_date <= today + rules.REVIEW_WINDOW,
            )
            .options(joinedload(Casus.student))
            .order_by(Casus.review_date)
        )
    )
    result.returned = list(
        db.session.scalars(
            select(Handover)
            .join(Casus, Casus.id == Handover.case_id)
            .join(Student, Student.id == Casus.student_id)
            .where(
                Handover.status == HandoverStatus.TERUGGEGEVEN,
                Handover.return_seen_at.is_(None),
                or_(Handover.submitted_by_id == user.id, Casus.owner_id == user.id),
                Student.location_id.in_(location_ids),
            )
            .options(
                joinedload(Handover.case).joinedload(Casus.student), joinedload(Handover.decided_by)
            )
            .order_by(Handover.decided_at)
        )
    )
    result.next_steps = list(
        db.session.scalars(
            select(ConversationReport)
            .join(Student, Student.id == ConversationReport.student_id)
            .where(
                ConversationReport.author_id == user.id,
                ConversationReport.next_step != "",
                ConversationReport.next_step_done_at.is_(None),
                ConversationReport.next_step_due.is_not(None),
                Student.location_id.in_(location_ids),
            )
            .options(joinedload(ConversationReport.student))
            .order_by(ConversationReport.next_step_due)
        )
    )
    result.referrals = open_referrals_of(user)
    return result
