"""Access to cases and to the desk work about a student, read from the database.

The decision itself is :func:`app.access.case_rules.case_access`; this module gathers its
facts and offers the queries every list uses, so a view, a template helper and a service ask
the same question the same way.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import ColumnElement, Select, exists, false, select
from sqlalchemy.orm import joinedload

from app.access.case_rules import CaseAccess, case_access, copa_sees
from app.core import roles
from app.core.vocabulary import HandoverStatus, Role
from app.extensions import db
from app.models import Casus, Handover, Student, User


def _copa_visible_clause() -> ColumnElement[bool]:
    return exists().where(
        Handover.case_id == Casus.id,
        Handover.status.in_([HandoverStatus.INGEDIEND, HandoverStatus.GEACCEPTEERD]),
    )


def cases_visible_to(user: User) -> Select[Casus]:
    """A select() of the cases ``user`` may see (see :func:`case_access`)."""
    query = (
        select(Casus)
        .join(Student, Student.id == Casus.student_id)
        .where(Student.location_id.in_(user.location_ids or {-1}))
    )
    if user.role in roles.CASE_WORKERS:
        return query
    if user.role == Role.COPA:
        return query.where(_copa_visible_clause())
    return query.where(false())


def sees_only_handed_over_cases(user: User) -> bool:
    """COPA's case list holds only the cases handed over to it."""
    return user.role == Role.COPA


def access_to(
    user: User, case: Casus, handover_statuses: Sequence[HandoverStatus] | None = None
) -> CaseAccess:
    """``user``'s access to ``case``. ``handover_statuses``: the case's handovers as the caller
    has just read them, instead of reading them again."""
    handover_visible = False
    if user.role == Role.COPA:
        if handover_statuses is None:
            handover_statuses = db.session.scalars(
                select(Handover.status).where(Handover.case_id == case.id)
            ).all()
        handover_visible = copa_sees(handover_statuses)
    return case_access(
        user.role,
        same_location=case.student.location_id in user.location_ids,
        handover_visible=handover_visible,
        status=case.status,
    )


def may_decide(user: User, handover: Handover) -> bool:
    """Whether ``user`` may decide on ``handover``, from the handover's status as already read
    (not a second read): a colleague's decision committed in between must read as "already
    decided" or "changed meanwhile", never as lost access."""
    return access_to(user, handover.case, [handover.status]).decide_handover


def find_case(user: User, case_id: int) -> tuple[Casus, CaseAccess] | None:
    """The case with its access for ``user``, or None when they may not see it (404)."""
    case = db.session.scalar(
        select(Casus)
        .where(Casus.id == case_id)
        .options(
            joinedload(Casus.student).joinedload(Student.location),
            joinedload(Casus.owner),
            joinedload(Casus.teamleider),
        )
    )
    if case is None:
        return None
    access = access_to(user, case)
    if not access.view:
        return None
    return case, access


def can_work_on_student(user: User, student: Student) -> bool:
    """Case workers at the student's location start desk work (cases, reports, calls, visits)."""
    return user.role in roles.CASE_WORKERS and student.location_id in user.location_ids


def may_see_student_work(user: User, student: Student) -> bool:
    """Who may read the desk records about a student (conversation reports): case workers at
    the student's location; COPA when one of the student's cases is visible to it."""
    if student.location_id not in user.location_ids:
        return False
    if user.role in roles.CASE_WORKERS:
        return True
    if user.role == Role.COPA:
        visible = cases_visible_to(user).where(Casus.student_id == student.id)
        return db.session.scalar(visible.limit(1)) is not None
    return False
