"""Access to the desk's records that are not a case: parent calls, home visits, the detention
class and the weekly handover moments. Each is a query of what a user may see (nothing for
other roles), so a list, a page and a service ask the same question the same way."""

from __future__ import annotations

from sqlalchemy import Select, false, select

from app.core import roles
from app.models import DetentionSession, HandoverSlot, HomeVisit, ParentCall, Student, User


def works_at(user: User, location_id: int) -> bool:
    """Case workers of a location plan its calls, visits and detention sessions."""
    return user.role in roles.CASE_WORKERS and location_id in user.location_ids


def calls_visible_to(user: User) -> Select[ParentCall]:
    """Parent calls of students at the user's locations, for case workers."""
    query = select(ParentCall).join(Student, Student.id == ParentCall.student_id)
    if user.role not in roles.CASE_WORKERS:
        return query.where(false())
    return query.where(Student.location_id.in_(user.location_ids or {-1}))


def visits_visible_to(user: User) -> Select[HomeVisit]:
    """Home visits to students at the user's locations, for case workers."""
    query = select(HomeVisit).join(Student, Student.id == HomeVisit.student_id)
    if user.role not in roles.CASE_WORKERS:
        return query.where(false())
    return query.where(Student.location_id.in_(user.location_ids or {-1}))


def sessions_visible_to(user: User) -> Select[DetentionSession]:
    """Detention-class sessions at the user's locations, for case workers."""
    query = select(DetentionSession)
    if user.role not in roles.CASE_WORKERS:
        return query.where(false())
    return query.where(DetentionSession.location_id.in_(user.location_ids or {-1}))


def manages_slots_at(user: User, location_id: int) -> bool:
    """Team leaders, COPA, location management and beheer set their locations' moments."""
    return user.role in roles.SLOT_MANAGERS and location_id in user.location_ids


def slots_manageable_by(user: User) -> Select[HandoverSlot]:
    query = select(HandoverSlot)
    if user.role not in roles.SLOT_MANAGERS:
        return query.where(false())
    return query.where(HandoverSlot.location_id.in_(user.location_ids or {-1}))
