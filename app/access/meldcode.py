"""Meldcode trajecten a user may know of or read, from the database; the decision is
:func:`app.access.meldcode_rules.meldcode_access`."""

from __future__ import annotations

from sqlalchemy import Select, exists, false, select
from sqlalchemy.orm import joinedload

from app.access.meldcode_rules import MeldcodeAccess, may_signal, meldcode_access
from app.core import roles
from app.core.vocabulary import MeldcodeStatus
from app.extensions import db
from app.models import MeldcodeMember, MeldcodeTraject, Student, User


def is_member(user: User, traject: MeldcodeTraject) -> bool:
    return any(m.user_id == user.id for m in traject.members)


def access_to(user: User, traject: MeldcodeTraject) -> MeldcodeAccess:
    return meldcode_access(
        user.role,
        same_location=traject.student.location_id in user.location_ids,
        member=is_member(user, traject),
        is_open=traject.is_open,
    )


def trajecten_readable_by(user: User) -> Select[MeldcodeTraject]:
    """A select() of the trajecten whose content ``user`` may read."""
    query = select(MeldcodeTraject).join(Student, Student.id == MeldcodeTraject.student_id)
    query = query.where(Student.location_id.in_(user.location_ids or {-1}))
    if user.role in roles.MELDCODE_COORDINATORS:
        return query
    if user.role in roles.MELDCODE_SIGNALLERS:
        return query.where(
            exists().where(
                MeldcodeMember.traject_id == MeldcodeTraject.id, MeldcodeMember.user_id == user.id
            )
        )
    return query.where(false())


def find_traject(user: User, traject_id: int) -> tuple[MeldcodeTraject, MeldcodeAccess] | None:
    """The traject with ``user``'s access when they may read it, else None (404)."""
    traject = db.session.scalar(
        select(MeldcodeTraject)
        .where(MeldcodeTraject.id == traject_id)
        .options(
            joinedload(MeldcodeTraject.student).joinedload(Student.location),
            joinedload(MeldcodeTraject.owner),
        )
    )
    if traject is None:
        return None
    access = access_to(user, traject)
    return (traject, access) if access.read else None


def open_traject_known_to(user: User, student: Student) -> MeldcodeTraject | None:
    """The student's open traject, when ``user`` may know it exists (the student page's
    notice: "there is a traject, ask ..."), else None."""
    if not may_signal(user.role, student.location_id in user.location_ids):
        return None
    return db.session.scalar(
        select(MeldcodeTraject)
        .where(
            MeldcodeTraject.student_id == student.id,
            MeldcodeTraject.status == MeldcodeStatus.OPEN,
        )
        .options(joinedload(MeldcodeTraject.owner))
    )
