"""Parent calls (oudercontact): plan one, log each attempt, cancel; the caller's list."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload

from app.access.cases import can_work_on_student
from app.access.desk_records import calls_visible_to
from app.audit import record
from app.core import roles
from app.core.localtime import local_today
from app.core.stored_text import N_
from app.core.vocabulary import (
    CallResult,
    CallStatus,
    TriageOutcome,
)
from app.desk import rules
from app.desk.common import check_staff, clean_text, open_case_of
from app.desk.inbox.services import mark_worked_out
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    CallAttempt,
    FloorEntry,
    ParentCall,
    Student,
    User,
)
from app.models.desk import NOTE_TEXT, SHORT_TEXT
from app.models.types import utcnow


def create_call(
    user: User,
    student: Student,
    *,
    due: date | None,
    assignee: User | None,
    subject: str | None,
    preferred_time: str | None = "",
    contact_person: str | None = "",
    interpreter_needed: bool = False,
    language: str | None = "",
    entry: FloorEntry | None = None,
    today: date | None = None,
) -> ParentCall:
    today = today or local_today()
    if not can_work_on_student(user, student):
        raise DomainError(gettext("Je kunt voor deze leerling geen oudercontact plannen."))
    problem = rules.call_due_error(due, today)
    if problem:
        raise DomainError(problem, field="due")
    check_staff(assignee, student.location_id, roles.CASE_WORKERS, N_("wie er belt"), "assignee")
    subject_text = clean_text(
        subject, N_("waarover je belt"), SHORT_TEXT, required=True, field="subject"
    )
    language_text = clean_text(
        language, N_("de taal voor de tolk"), 40, required=interpreter_needed, field="language"
    )
    assert assignee is not None and due is not None
    case = open_case_of(student.id)
    call = ParentCall(
        student_id=student.id,
        case_id=case.id if case else None,
        created_by_id=user.id,
        assignee_id=assignee.id,
        due=due,
        preferred_time=clean_text(
            preferred_time, N_("het voorkeurstijdstip"), 60, required=False, field="preferred_time"
        ),
        contact_person=clean_text(
            contact_person, N_("wie je belt"), 120, required=False, field="contact_person"
        ),
        subject=subject_text,
        interpreter_needed=bool(interpreter_needed),
        language=language_text if interpreter_needed else "",
        status=CallStatus.OPEN,
        entry_id=entry.id if entry else None,
    )
    db.session.add(call)
    db.session.flush()
    if entry is not None:
        mark_worked_out(
            user, entry, TriageOutcome.OUDERCONTACT, student_id=student.id, call=call, case=case
        )
    record(user, "create", "oudercontact", call.id, student=student)
    return call


def find_call(user: User, call_id: int) -> ParentCall | None:
    """A parent call the user may see (``calls_visible_to``), else None."""
    return db.session.scalar(
        calls_visible_to(user)
        .where(ParentCall.id == call_id)
        .options(
            joinedload(ParentCall.student),
            joinedload(ParentCall.assignee),
            selectinload(ParentCall.attempts).joinedload(CallAttempt.by),
        )
    )


def record_call_view(user: User, call: ParentCall) -> None:
    """Every time a call's page is shown, it is audited."""
    record(user, "view", "oudercontact", call.id, student=call.student)


def log_attempt(
    user: User,
    call: ParentCall,
    result: CallResult | None,
    note: str | None,
    *,
    next_due: date | None = None,
    today: date | None = None,
) -> CallAttempt:
    """Log one attempt. Reaching the parent finishes the task; otherwise the next try can be
    planned (a later date)."""
    today = today or local_today()
    if call.status != CallStatus.OPEN:
        raise DomainError(gettext("Dit oudercontact is al afgerond."))
    if result is None:
        raise DomainError(gettext("Kies het resultaat van de poging."), field="result")
    reached = rules.call_done_after(result)
    note_text = clean_text(
        note,
        "kort wat er is besproken" if reached else "de notitie",
        NOTE_TEXT,
        required=reached,
        field="note",
    )
    if next_due is not None:
        if reached:
            next_due = None
        else:
            problem = rules.call_due_error(next_due, today)
            if problem:
                raise DomainError(problem, field="next_due")
    attempt = CallAttempt(call_id=call.id, by_id=user.id, result=result, note=note_text)
    db.session.add(attempt)
    if reached:
        call.status = CallStatus.AFGEROND
        call.outcome = note_text
        call.closed_at = utcnow()
    elif next_due is not None:
        call.due = next_due
    db.session.flush()
    return attempt


def cancel_call(user: User, call: ParentCall, reason: str | None) -> None:
    if call.status != CallStatus.OPEN:
        raise DomainError(gettext("Dit oudercontact is al afgerond."))
    call.outcome = "Geannuleerd: " + clean_text(
        reason, N_("een reden"), SHORT_TEXT, required=True, field="reason"
    )
    call.status = CallStatus.GEANNULEERD
    call.closed_at = utcnow()
    db.session.flush()


def open_calls_for(
    user: User, *, today: date | None = None, until: date | None = None
) -> list[ParentCall]:
    """Open calls assigned to the user, overdue on top, then today's, then later ones."""
    today = today or local_today()
    query = (
        select(ParentCall)
        .join(Student, Student.id == ParentCall.student_id)
        .where(
            ParentCall.assignee_id == user.id,
            ParentCall.status == CallStatus.OPEN,
            Student.location_id.in_(user.location_ids or {-1}),
        )
        .options(
            joinedload(ParentCall.student).joinedload(Student.location),
            selectinload(ParentCall.attempts),
        )
    )
    if until is not None:
        query = query.where(ParentCall.due <= until)
    calls = list(db.session.scalars(query))
    return sorted(calls, key=lambda c: rules.call_sort_key(c.due, today, c.preferred_time, c.id))
