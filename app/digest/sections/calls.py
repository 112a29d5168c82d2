"""Parent calls: done and attempted today, open, due and overdue (the oldest overdue listed)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import and_, case, func, select

from app.core.vocabulary import CallStatus
from app.digest import rules
from app.digest.model import CallItem, CallSection
from app.digest.sections.common import STUDENT_COLUMNS, StudentRefs, between
from app.extensions import db
from app.models import CallAttempt, ParentCall, Student

OVERDUE_CALLS_SHOWN = 10


def _count_when(condition: Any) -> Any:
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0)


def call_section(
    location_id: int, day: date, start: datetime, end: datetime, students: StudentRefs
) -> CallSection:
    is_open = ParentCall.status == CallStatus.OPEN
    attempts = (
        select(func.count(CallAttempt.id))
        .join(ParentCall, ParentCall.id == CallAttempt.call_id)
        .join(Student, Student.id == ParentCall.student_id)
        .where(Student.location_id == location_id, between(CallAttempt.at, start, end))
        .scalar_subquery()
    )
    figures = db.session.execute(
        select(
            _count_when(
                and_(
                    ParentCall.status == CallStatus.AFGEROND,
                    between(ParentCall.closed_at, start, end),
                )
            ),
            _count_when(is_open),
            _count_when(and_(is_open, ParentCall.due == day)),
            _count_when(and_(is_open, ParentCall.due < day)),
            _count_when(and_(is_open, ParentCall.interpreter_needed.is_(True))),
            attempts,
        )
        .select_from(ParentCall)
        .join(Student, Student.id == ParentCall.student_id)
        .where(Student.location_id == location_id, ParentCall.created_at < end)
    ).one()
    overdue_rows = db.session.execute(
        select(
            ParentCall.id,
            ParentCall.due,
            ParentCall.interpreter_needed,
            ParentCall.language,
            *STUDENT_COLUMNS,
        )
        .join(Student, Student.id == ParentCall.student_id)
        .where(Student.location_id == location_id, is_open, ParentCall.due < day)
        .order_by(ParentCall.due, ParentCall.id)
        .limit(OVERDUE_CALLS_SHOWN)
    ).all()
    done, open_, due_today, overdue, interpreter, attempt_count = (int(v or 0) for v in figures)
    return CallSection(
        done=done,
        attempts=attempt_count,
        open=open_,
        due_today=due_today,
        overdue=overdue,
        interpreter=interpreter,
        overdue_items=[
            CallItem(
                call_id,
                students.ref(sid, first, last, cls),
                due,
                rules.overdue_days(due, day),
                (language or "?") if interpreter else "",
            )
            for call_id, due, interpreter, language, sid, first, last, cls in overdue_rows
        ],
    )
