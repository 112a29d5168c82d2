"""Reading cases: the case list with its filters, and what the student page shows."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Select, func, or_
from sqlalchemy.orm import joinedload

from app.access.cases import can_work_on_student, cases_visible_to
from app.core import roles
from app.core.vocabulary import (
    CaseStatus,
)
from app.extensions import db
from app.models import (
    Casus,
    Student,
    User,
)


@dataclass
class CaseFilter:
    status: CaseStatus | None = None
    mine: bool = False
    text: str = ""
    location_id: int | None = None
    include_closed: bool = False


def case_list_query(user: User, filters: CaseFilter) -> Select[Casus]:
    query = cases_visible_to(user).options(
        joinedload(Casus.student).joinedload(Student.location),
        joinedload(Casus.owner),
        joinedload(Casus.teamleider),
    )
    if filters.status is not None:
        query = query.where(Casus.status == filters.status)
    elif not filters.include_closed:
        query = query.where(Casus.status != CaseStatus.AFGESLOTEN)
    if filters.mine:
        query = query.where(or_(Casus.owner_id == user.id, Casus.teamleider_id == user.id))
    if filters.location_id is not None:
        query = query.where(Student.location_id == filters.location_id)
    for word in filters.text.split()[:4]:
        pattern = f"%{word.lower()}%"
        query = query.where(
            or_(
                func.lower(Student.first_name).like(pattern),
                func.lower(Student.last_name).like(pattern),
                func.lower(Student.class_name).like(pattern),
                Student.leerlingnummer.like(f"{word}%"),
            )
        )
    return query.order_by(Casus.updated_at.desc(), Casus.id.desc())


def student_desk_summary(user: User, student: Student) -> dict[str, object]:
    """What the student page shows about desk work: the open case (if visible) and counts."""
    if user.role not in roles.CASE_READERS or student.location_id not in user.location_ids:
        return {}
    visible = cases_visible_to(user).where(Casus.student_id == student.id)
    cases = list(db.session.scalars(visible.order_by(Casus.opened_at.desc())))
    return {
        "cases": cases,
        "open_case": next((c for c in cases if c.is_open), None),
        "can_work": can_work_on_student(user, student),
    }
