"""Desk data in a subject-access export and in an erasure (wired in app/privacy/subject.py).

Everything desk mode stores about one student: case records (with their status history, notes
and handovers), conversation reports (including the internal note: subject access covers all
stored data), parent calls with their attempts, home visits and detention-class talks.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.orm import selectinload

from app.core.sql import rows_affected
from app.core.vocabulary import CallStatus, CaseStatus
from app.extensions import db
from app.models import (
    CallAttempt,
    CaseNote,
    CaseStatusChange,
    Casus,
    ConversationReport,
    DetentionAttendance,
    DetentionSession,
    Handover,
    HomeVisit,
    ParentCall,
    Student,
)
from app.privacy.sections import Section, plain

# The desk tables with a student column, covered by the functions below. Their child tables
# (case_status_change, case_note, handover, call_attempt) go with them (ON DELETE CASCADE).
DESK_TABLES = {"casus", "conversation_report", "parent_call", "home_visit", "detention_attendance"}


def _name(user: Any) -> str:
    return user.name if user is not None else ""


def case_section(student: Student) -> Section:

    cases = db.session.scalars(
        select(Casus)
        .where(Casus.student_id == student.id)
        .options(
            selectinload(Casus.owner),
            selectinload(Casus.teamleider),
            selectinload(Casus.status_changes).selectinload(CaseStatusChange.by),
            selectinload(Casus.handovers).selectinload(Handover.submitted_by),
            selectinload(Casus.handovers).selectinload(Handover.decided_by),
        )
        .order_by(Casus.opened_at)
    ).all()
    notes: dict[int, list[CaseNote]] = {}
    for note in db.session.scalars(
        select(CaseNote)
        .where(CaseNote.case_id.in_([c.id for c in cases] or [-1]))
        .options(selectinload(CaseNote.author))
        .order_by(CaseNote.at)
    ):
        notes.setdefault(note.case_id, []).append(note)
    return Section(
        "casussen",
        "Casussen (bureau)",
        [
            {
                "geopend_op": plain(case.opened_at),
                "aanleiding": case.reason,
                "status": case.status.value,
                "eigenaar": _name(case.owner),
                "teamleider": _name(case.teamleider),
                "evaluatiedatum": plain(case.review_date),
                "afgesloten_op": plain(case.closed_at),
                "statuswijzigingen": [
                    {
                        "tijdstip": plain(change.at),
                        "van": plain(change.from_status),
                        "naar": change.to_status.value,
                        "door": _name(change.by),
                        "waarom": change.reason,
                    }
                    for change in sorted(case.status_changes, key=lambda c: c.at)
                ],
                "notities": [
                    {
                        "tijdstip": plain(n.at),
                        "door": _name(n.author),
                        "tekst": n.text,
                        "evaluatie": n.is_review,
                    }
                    for n in notes.get(case.id, [])
                ],
                "overdrachten": [
                    {
                        "ingediend_op": plain(h.submitted_at),
                        "door": _name(h.submitted_by),
                        "status": h.status.value,
                        "criteria": h.criteria_codes,
                        "samenvatting": h.summary,
                        "hulpvragen": h.help_questions,
                        "vervolgstap": h.proposed_next_step,
                        "overdrachtsmoment": plain(h.moment_at),
                        "besluit_door": _name(h.decided_by),
                        "besluit_op": plain(h.decided_at),
                        "toelichting_besluit": h.decision_note,
                    }
                    for h in sorted(case.handovers, key=lambda h: h.submitted_at)
                ],
            }
            for case in cases
        ],
    )


def report_section(student: Student) -> Section:

    reports = db.session.scalars(
        select(ConversationReport)
        .where(ConversationReport.student_id == student.id)
        .options(selectinload(ConversationReport.author))
        .order_by(ConversationReport.held_on)
    )
    return Section(
        "gespreksverslagen",
        "Gespreksverslagen",
        [
            {
                "datum": plain(r.held_on),
                "door": _name(r.author),
                "met": r.partners_label,
                "onderwerpen": r.topics_label,
                "besproken": r.summary,
                "afspraken": r.agreements,
                "volgende_stap": r.next_step,
                "volgende_stap_uiterlijk": plain(r.next_step_due),
                "interne_notitie": r.internal_note,
            }
            for r in reports
        ],
    )


def call_section(student: Student) -> Section:

    calls = db.session.scalars(
        select(ParentCall)
        .where(ParentCall.student_id == student.id)
        .options(
            selectinload(ParentCall.assignee),
            selectinload(ParentCall.attempts).selectinload(CallAttempt.by),
        )
        .order_by(ParentCall.created_at)
    )
    return Section(
        "oudercontact",
        "Oudercontact",
        [
            {
                "gepland_op": plain(c.due),
                "waarover": c.subject,
                "wie_bellen": c.contact_person,
                "voorkeurstijd": c.preferred_time,
                "tolk": c.language if c.interpreter_needed else "",
                "belt": _name(c.assignee),
                "status": c.status.value,
                "uitkomst": c.outcome,
                "pogingen": [
                    {
                        "tijdstip": plain(a.at),
                        "door": _name(a.by),
                        "resultaat": a.result.value,
                        "notitie": a.note,
                    }
                    for a in sorted(c.attempts, key=lambda a: a.at)
                ],
            }
            for c in calls
        ],
    )


def visit_section(student: Student) -> Section:

    visits = db.session.scalars(
        select(HomeVisit)
        .where(HomeVisit.student_id == student.id)
        .options(selectinload(HomeVisit.staff_one), selectinload(HomeVisit.staff_two))
        .order_by(HomeVisit.planned_at)
    )
    return Section(
        "huisbezoeken",
        "Huisbezoeken",
        [
            {
                "gepland_op": plain(v.planned_at),
                "reden": v.reason,
                "met": ", ".join(
                    p for p in (_name(v.staff_one), _name(v.staff_two), v.companion) if p
                ),
                "status": v.status.value,
                "verslag": v.report,
                "reden_annulering": v.cancel_reason,
            }
            for v in visits
        ],
    )


def detention_section(student: Student) -> Section:

    rows = db.session.scalars(
        select(DetentionAttendance)
        .where(DetentionAttendance.student_id == student.id)
        .options(
            selectinload(DetentionAttendance.session).selectinload(DetentionSession.location),
            selectinload(DetentionAttendance.talk_by),
        )
    )
    return Section(
        "nablijfklas",
        "Nablijfklas",
        [
            {
                "datum": plain(a.session.held_on),
                "locatie": a.session.location.code,
                "wat_er_gebeurde": a.what_happened,
                "reflectie": a.reflection,
                "afspraak": a.agreement,
                "gesprek_door": _name(a.talk_by),
            }
            for a in sorted(rows, key=lambda a: a.session.held_on)
        ],
    )


DESK_SECTIONS = [case_section, report_section, call_section, visit_section, detention_section]


def erase_desk(student: Student) -> int:
    """Delete everything desk mode stores about the student. Status history, notes, handovers
    and call attempts go with their case or call (ON DELETE CASCADE); triage rows of floor
    entries lose their link (ON DELETE SET NULL)."""
    count = 0
    for model in (ConversationReport, ParentCall, HomeVisit, DetentionAttendance, Casus):
        count += rows_affected(delete(model).where(model.student_id == student.id))
    return count


def _delete_or_count(model: Any, condition: Any, dry_run: bool) -> int:
    if dry_run:
        return db.session.scalar(select(func.count()).select_from(model).where(condition)) or 0
    return rows_affected(delete(model).where(condition))


def purge_closed_cases(cutoff: datetime, dry_run: bool) -> int:
    """Retention (docs/privacy.md): a case closed before ``cutoff`` goes, with the reports,
    parent calls and home visits filed under it; its status history, notes and handovers go
    with it (ON DELETE CASCADE). Shaped as an ``app.privacy.retention.RetentionRule.apply``."""
    closed = select(Casus.id).where(
        Casus.status == CaseStatus.AFGESLOTEN,
        Casus.closed_at.is_not(None),
        Casus.closed_at < cutoff,
    )
    total = 0
    for model in (ConversationReport, ParentCall, HomeVisit):
        total += _delete_or_count(model, model.case_id.in_(closed), dry_run)
    return total + _delete_or_count(Casus, Casus.id.in_(closed), dry_run)


def purge_loose_desk_records(cutoff: datetime, dry_run: bool) -> int:
    """Desk records that never became part of a case — a one-off conversation report, a parent
    call, a home visit, a detention-class session with its talks — go once older than
    ``cutoff``: their purpose (the follow-up of that moment) has passed."""
    day = cutoff.date()
    total = _delete_or_count(
        ConversationReport,
        (ConversationReport.case_id.is_(None)) & (ConversationReport.held_on < day),
        dry_run,
    )
    total += _delete_or_count(
        ParentCall,
        (ParentCall.case_id.is_(None))
        & (ParentCall.status != CallStatus.OPEN)
        & (ParentCall.created_at < cutoff),
        dry_run,
    )
    total += _delete_or_count(
        HomeVisit, (HomeVisit.case_id.is_(None)) & (HomeVisit.planned_at < cutoff), dry_run
    )
    old_sessions = select(DetentionSession.id).where(DetentionSession.held_on < day)
    total += _delete_or_count(
        DetentionAttendance, DetentionAttendance.session_id.in_(old_sessions), dry_run
    )
    return total + _delete_or_count(
        DetentionSession, DetentionSession.id.in_(old_sessions), dry_run
    )
