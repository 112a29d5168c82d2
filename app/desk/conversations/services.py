"""Conversation reports (gespreksverslagen): write, correct within 14 days, tick off the next
step."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from flask_babel import gettext

from app.access.cases import can_work_on_student, may_see_student_work
from app.audit import record
from app.core.localtime import LOCAL_TZ, local_today
from app.core.stored_text import N_
from app.core.vocabulary import (
    ConversationPartner,
    ReportTopic,
    TriageOutcome,
)
from app.desk.common import clean_text, open_case_of
from app.desk.inbox.services import mark_worked_out
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    ConversationReport,
    FloorEntry,
    Student,
    User,
)
from app.models.desk import LONG_TEXT, NOTE_TEXT, SHORT_TEXT, join_codes
from app.models.types import utcnow


@dataclass
class ReportInput:
    held_on: date | None
    with_whom: list[str]
    with_other: str | None
    topics: list[str]
    summary: str | None
    agreements: str | None = ""
    next_step: str | None = ""
    next_step_due: date | None = None
    internal_note: str | None = ""


def _validated_report(data: ReportInput, today: date) -> dict[str, object]:
    if data.held_on is None:
        raise DomainError(gettext("Kies de datum van het gesprek."), field="held_on")
    if data.held_on > today:
        raise DomainError(
            gettext("Een gesprek kan niet in de toekomst hebben plaatsgevonden."), field="held_on"
        )
    if data.held_on < today - timedelta(days=365):
        raise DomainError(gettext("Die datum ligt meer dan een jaar terug."), field="held_on")
    partners = [p for p in data.with_whom if p]
    if not partners:
        raise DomainError(gettext("Kies met wie het gesprek was."), field="with_whom")
    if any(p not in {c.value for c in ConversationPartner} for p in partners):
        raise DomainError(gettext("Onbekende gesprekspartner."), field="with_whom")
    other = clean_text(
        data.with_other,
        N_("met wie (anders)"),
        120,
        required=ConversationPartner.ANDERS in partners,
        field="with_other",
    )
    topics = [t for t in data.topics if t]
    if not topics:
        raise DomainError(gettext("Kies minstens één onderwerp."), field="topics")
    if any(t not in ReportTopic.values() for t in topics):
        raise DomainError(gettext("Onbekend onderwerp."), field="topics")
    next_step = clean_text(
        data.next_step, N_("de volgende stap"), SHORT_TEXT, required=False, field="next_step"
    )
    next_due = data.next_step_due
    if next_step and next_due is None:
        raise DomainError(gettext("Kies voor de volgende stap een datum."), field="next_step_due")
    if next_due is not None and not next_step:
        raise DomainError(gettext("Beschrijf de volgende stap bij deze datum."), field="next_step")
    if next_due is not None and next_due < today:
        raise DomainError(
            gettext("De datum van de volgende stap ligt in het verleden."), field="next_step_due"
        )
    return {
        "held_on": data.held_on,
        "with_whom": join_codes(partners),
        "with_other": other if ConversationPartner.ANDERS in partners else "",
        "topics": join_codes(topics),
        "summary": clean_text(
            data.summary, N_("wat er is besproken"), LONG_TEXT, required=True, field="summary"
        ),
        "agreements": clean_text(
            data.agreements, N_("de afspraken"), 2000, required=False, field="agreements"
        ),
        "next_step": next_step,
        "next_step_due": next_due,
        "internal_note": clean_text(
            data.internal_note,
            N_("de interne notitie"),
            NOTE_TEXT,
            required=False,
            field="internal_note",
        ),
    }


def find_report(user: User, report_id: int) -> ConversationReport | None:
    """A conversation report the user may read (see ``may_see_student_work``), else None."""
    report = db.session.get(ConversationReport, report_id)
    if report is None or not may_see_student_work(user, report.student):
        return None
    return report


def record_report_view(user: User, report: ConversationReport) -> None:
    """Every time a report's page is shown, it is audited."""
    record(user, "view", "gespreksverslag", report.id, student=report.student)


def create_report(
    user: User,
    student: Student,
    data: ReportInput,
    *,
    entry: FloorEntry | None = None,
    today: date | None = None,
) -> ConversationReport:
    """Write a conversation report; linked to the student's open case, if any."""
    today = today or local_today()
    if not can_work_on_student(user, student):
        raise DomainError(gettext("Je kunt voor deze leerling geen gespreksverslag maken."))
    values = _validated_report(data, today)
    case = open_case_of(student.id)
    report = ConversationReport(
        student_id=student.id,
        case_id=case.id if case else None,
        author_id=user.id,
        entry_id=entry.id if entry else None,
        **values,
    )
    db.session.add(report)
    db.session.flush()
    if entry is not None:
        mark_worked_out(
            user, entry, TriageOutcome.VERSLAG, student_id=student.id, report=report, case=case
        )
    record(user, "create", "gespreksverslag", report.id, student=student)
    return report


def update_report(
    user: User, report: ConversationReport, data: ReportInput, *, today: date | None = None
) -> None:
    """Only the author corrects a report, within 14 days."""
    today = today or local_today()
    if report.author_id != user.id:
        raise DomainError(gettext("Alleen de schrijver kan dit verslag aanpassen."))
    if report.created_at.astimezone(LOCAL_TZ).date() < today - timedelta(days=14):
        raise DomainError(
            gettext("Een verslag kan tot 14 dagen na het schrijven worden aangepast.")
        )
    for key, value in _validated_report(data, today).items():
        setattr(report, key, value)
    db.session.flush()
    record(user, "update", "gespreksverslag", report.id, student=report.student)


def next_step_done(user: User, report: ConversationReport) -> None:
    if report.author_id != user.id:
        raise DomainError(gettext("Alleen de schrijver kan deze stap afvinken."))
    if not report.next_step:
        raise DomainError(gettext("Dit verslag heeft geen volgende stap."))
    report.next_step_done_at = None if report.next_step_done_at else utcnow()
    db.session.flush()
