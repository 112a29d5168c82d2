"""Desk operations: plain functions on the session (add, flush; never commit). They check the
domain rules and raise :class:`DomainError` with a Dutch message; the view commits or rolls
back, so a refused request leaves nothing half-stored."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import Select, and_, exists, func, or_, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import joinedload, selectinload

from app.access.case_rules import CaseAccess
from app.access.cases import access_to, can_work_on_student, cases_visible_to
from app.core import roles
from app.core.localtime import LOCAL_TZ, local_today
from app.core.vocabulary import (
    CallResult,
    CallStatus,
    CaseStatus,
    ConversationPartner,
    FlagStatus,
    HandoverStatus,
    ReportTopic,
    Role,
    TriageOutcome,
    VisitStatus,
)
from app.desk import rules
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    CallAttempt,
    CaseNote,
    CaseStatusChange,
    Casus,
    ConversationReport,
    DetentionAttendance,
    DetentionSession,
    EntryTriage,
    Flag,
    FloorEntry,
    Handover,
    HandoverSlot,
    HomeVisit,
    Location,
    ParentCall,
    QuarantinedEntry,
    Student,
    User,
    user_location,
)
from app.models.desk import LONG_TEXT, NOTE_TEXT, SHORT_TEXT, join_codes
from app.models.types import utcnow

CLOSE_REASON_MAX = 200


# ---------------------------------------------------------------------------------------------
# Helpers


def _text(value: str | None, label: str, limit: int, *, required: bool, field: str) -> str:
    """Trimmed text within ``limit``; a clear message when empty (and required) or too long."""
    cleaned = (value or "").strip()
    if required and not cleaned:
        raise DomainError(f"Vul {label} in.", field=field)
    if len(cleaned) > limit:
        raise DomainError(
            f"{label[:1].upper()}{label[1:]} is te lang (hoogstens {limit} tekens).", field=field
        )
    return cleaned


def staff_at(location_id: int, roles: Iterable[Role]) -> list[User]:
    """Active users with one of ``roles`` assigned to the location, by name."""
    return list(
        db.session.scalars(
            select(User)
            .join(user_location, user_location.c.user_id == User.id)
            .where(
                user_location.c.location_id == location_id,
                User.role.in_(list(roles)),
                User.active.is_(True),
            )
            .order_by(User.name)
        )
    )


def _check_staff(
    user: User | None, location_id: int, roles: Iterable[Role], label: str, field: str
) -> None:
    if user is None:
        raise DomainError(f"Kies {label}.", field=field)
    if not user.active or user.role not in set(roles) or location_id not in user.location_ids:
        raise DomainError(
            f"{user.name} kan niet als {label} worden gekozen voor deze leerling.", field=field
        )


def open_case_of(student_id: int) -> Casus | None:
    return db.session.scalar(
        select(Casus).where(Casus.student_id == student_id, Casus.status != CaseStatus.AFGESLOTEN)
    )


def open_cases_by_student(student_ids: Iterable[int]) -> dict[int, Casus]:
    ids = set(student_ids)
    if not ids:
        return {}
    return {
        case.student_id: case
        for case in db.session.scalars(
            select(Casus).where(Casus.student_id.in_(ids), Casus.status != CaseStatus.AFGESLOTEN)
        )
    }


# ---------------------------------------------------------------------------------------------
# Triage of floor entries


def own_entry(user: User, entry_id: int) -> FloorEntry | None:
    """One of the user's own floor entries (the inbox acts on nothing else)."""
    return db.session.scalar(
        select(FloorEntry)
        .where(FloorEntry.id == entry_id, FloorEntry.staff_id == user.id)
        .options(selectinload(FloorEntry.students), selectinload(FloorEntry.flags))
    )


def triage_of(entry: FloorEntry) -> EntryTriage:
    triage = db.session.scalar(select(EntryTriage).where(EntryTriage.entry_id == entry.id))
    if triage is None:
        triage = EntryTriage(entry_id=entry.id, for_report=False, for_teamleider=False)
        db.session.add(triage)
        db.session.flush()
    return triage


def _handle_flags(entry: FloorEntry, user: User, note: str, student_id: int | None = None) -> None:
    now = utcnow()
    for flag in entry.flags:
        if flag.status != FlagStatus.OPEN:
            continue
        if student_id is not None and flag.student_id != student_id and len(entry.students) > 1:
            # A flag on several students: only the one worked out is handled here.
            continue
        flag.status = FlagStatus.AFGEHANDELD
        flag.handled_at = now
        flag.handled_by_id = user.id
        flag.handled_note = note[:500]


def mark_worked_out(
    user: User,
    entry: FloorEntry,
    outcome: TriageOutcome,
    *,
    student_id: int | None = None,
    case: Casus | None = None,
    report: ConversationReport | None = None,
    call: ParentCall | None = None,
    note: str = "",
) -> EntryTriage:
    """Record that an own entry was worked out (or closed); handles its open flags."""
    if entry.staff_id != user.id:
        raise DomainError("Je kunt alleen je eigen registraties verwerken.")
    triage = triage_of(entry)
    if triage.done_at is None:
        triage.outcome = outcome
        triage.done_at = utcnow()
        triage.done_by_id = user.id
    if outcome == TriageOutcome.AFGESLOTEN:
        triage.close_reason = note
    if case is not None:
        triage.case_id = case.id
    if report is not None:
        triage.report_id = report.id
    if call is not None:
        triage.call_id = call.id
    label = {
        TriageOutcome.VERSLAG: "Uitgewerkt in gespreksverslag",
        TriageOutcome.CASUS: "Gekoppeld aan casus",
        TriageOutcome.OUDERCONTACT: "Oudercontact gepland",
        TriageOutcome.AFGESLOTEN: "Afgesloten",
    }[outcome]
    _handle_flags(entry, user, f"{label}: {note}" if note else label, student_id)
    db.session.flush()
    return triage


def close_entry(user: User, entry: FloorEntry, reason: str | None) -> EntryTriage:
    reason_text = _text(reason, "een korte reden", CLOSE_REASON_MAX, required=True, field="reason")
    return mark_worked_out(user, entry, TriageOutcome.AFGESLOTEN, note=reason_text)


def close_entries(user: User, entry_ids: Sequence[int], reason: str | None) -> int:
    """Close several own entries at once (for example every nameless contact in a zone)."""
    reason_text = _text(reason, "een korte reden", CLOSE_REASON_MAX, required=True, field="reason")
    ids = {i for i in entry_ids if isinstance(i, int)}
    if not ids:
        raise DomainError("Kies minstens één registratie.")
    entries = db.session.scalars(
        select(FloorEntry)
        .where(FloorEntry.id.in_(ids), FloorEntry.staff_id == user.id)
        .options(selectinload(FloorEntry.students), selectinload(FloorEntry.flags))
    ).all()
    if len(entries) != len(ids):
        raise DomainError("Een of meer registraties bestaan niet (meer).")
    done = 0
    for entry in entries:
        triage = db.session.scalar(select(EntryTriage).where(EntryTriage.entry_id == entry.id))
        if triage is not None and triage.done_at is not None:
            continue
        mark_worked_out(user, entry, TriageOutcome.AFGESLOTEN, note=reason_text)
        done += 1
    return done


def reopen_entry(user: User, entry: FloorEntry) -> None:
    """Undo "worked out/closed" on an own entry; its flags handled by this user open again."""
    if entry.staff_id != user.id:
        raise DomainError("Je kunt alleen je eigen registraties heropenen.")
    triage = triage_of(entry)
    triage.outcome = None
    triage.done_at = None
    triage.done_by_id = None
    triage.close_reason = ""
    for flag in entry.flags:
        if flag.status == FlagStatus.AFGEHANDELD and flag.handled_by_id == user.id:
            flag.status = FlagStatus.OPEN
            flag.handled_at = None
            flag.handled_by_id = None
            flag.handled_note = ""
    db.session.flush()


MARKS = ("rapportage", "teamleider")


def toggle_mark(user: User, entry: FloorEntry, mark: str) -> bool:
    """Switch "voor rapportage" or "voor teamleider" on an own entry; answers the new state."""
    if entry.staff_id != user.id:
        raise DomainError("Je kunt alleen je eigen registraties markeren.")
    if mark not in MARKS:
        raise DomainError("Onbekende markering.")
    triage = triage_of(entry)
    now = utcnow()
    if mark == "rapportage":
        triage.for_report = not triage.for_report
        triage.for_report_at = now if triage.for_report else None
        state = triage.for_report
    else:
        triage.for_teamleider = not triage.for_teamleider
        triage.for_teamleider_at = now if triage.for_teamleider else None
        state = triage.for_teamleider
    db.session.flush()
    return state


def own_open_flag(user: User, flag_id: int) -> Flag | None:
    return db.session.scalar(
        select(Flag).where(
            Flag.id == flag_id, Flag.raised_by_id == user.id, Flag.status == FlagStatus.OPEN
        )
    )


def close_flag(user: User, flag: Flag, reason: str | None) -> None:
    reason_text = _text(reason, "een korte reden", CLOSE_REASON_MAX, required=True, field="reason")
    flag.status = FlagStatus.AFGEHANDELD
    flag.handled_at = utcnow()
    flag.handled_by_id = user.id
    flag.handled_note = f"Afgesloten: {reason_text}"
    db.session.flush()


def own_quarantined(user: User, quarantine_id: int) -> QuarantinedEntry | None:
    return db.session.scalar(
        select(QuarantinedEntry).where(
            QuarantinedEntry.id == quarantine_id,
            QuarantinedEntry.staff_id == user.id,
            QuarantinedEntry.resolved_at.is_(None),
        )
    )


def resolve_quarantined(user: User, item: QuarantinedEntry, resolution: str | None) -> None:
    item.resolution = _text(
        resolution, "hoe je het hebt afgehandeld", 500, required=True, field="resolution"
    )
    item.resolved_at = utcnow()
    item.resolved_by_id = user.id
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Cases


class CaseAlreadyOpen(DomainError):
    def __init__(self, case: Casus) -> None:
        super().__init__("Deze leerling heeft al een open casus; die is geopend.")
        self.case = case


STARTING_STATUSES = (CaseStatus.SIGNAAL, CaseStatus.PREVENTIEF, CaseStatus.INTENSIEF)


def open_case(
    user: User,
    student: Student,
    *,
    reason: str | None,
    status: CaseStatus,
    owner: User | None,
    teamleider: User | None,
    review_date: date | None = None,
    entry: FloorEntry | None = None,
    today: date | None = None,
) -> Casus:
    """Open a case for a student (one open case per student)."""
    today = today or local_today()
    if not can_work_on_student(user, student):
        raise DomainError("Je kunt voor deze leerling geen casus openen.")
    reason_text = _text(reason, "de aanleiding", SHORT_TEXT, required=True, field="reason")
    if status not in STARTING_STATUSES:
        raise DomainError("Een casus begint als signaal, preventief of intensief.", field="status")
    _check_staff(owner, student.location_id, roles.CASE_WORKERS, "eigenaar", "owner")
    if teamleider is not None:
        _check_staff(teamleider, student.location_id, {Role.TEAMLEIDER}, "teamleider", "teamleider")
    if status in rules.TRAJECTORY_STATUSES:
        review_date = review_date or rules.default_review_date(today)
        problem = rules.review_date_error(review_date, today)
        if problem:
            raise DomainError(problem, field="review_date")
    else:
        review_date = None
    existing = open_case_of(student.id)
    if existing is not None:
        raise CaseAlreadyOpen(existing)
    assert owner is not None
    case = Casus(
        student_id=student.id,
        status=status,
        reason=reason_text,
        owner_id=owner.id,
        teamleider_id=teamleider.id if teamleider else None,
        opened_by_id=user.id,
        review_date=review_date,
    )
    db.session.add(case)
    try:
        db.session.flush()
    except IntegrityError:
        # A colleague opened one at the same moment: the partial unique index decides. The view
        # rolls the request back.
        raise DomainError(
            "Een collega heeft zojuist een casus voor deze leerling geopend. Laad de pagina "
            "opnieuw."
        ) from None
    db.session.add(
        CaseStatusChange(
            case_id=case.id,
            from_status=None,
            to_status=status,
            by_id=user.id,
            reason=f"Casus geopend: {reason_text}",
        )
    )
    if entry is not None:
        link_entry(user, entry, case)
    db.session.flush()
    return case


def link_entry(user: User, entry: FloorEntry, case: Casus) -> None:
    if case.student_id not in {s.id for s in entry.students}:
        raise DomainError("Deze registratie gaat niet over de leerling van deze casus.")
    if not case.is_open:
        raise DomainError("Deze casus is afgesloten.")
    mark_worked_out(user, entry, TriageOutcome.CASUS, student_id=case.student_id, case=case)


def change_status(
    user: User,
    case: Casus,
    target: CaseStatus,
    reason: str | None,
    *,
    review_date: date | None = None,
    today: date | None = None,
) -> CaseStatusChange:
    """A manual status change, with who, when and why; illegal jumps are refused."""
    today = today or local_today()
    if not access_to(user, case).change_status:
        raise DomainError("Je kunt de status van deze casus niet wijzigen.")
    problem = rules.transition_error(case.status, target)
    if problem:
        raise DomainError(problem, field="status")
    reason_text = _text(
        reason, "de reden van de wijziging", NOTE_TEXT, required=True, field="reason"
    )
    if target == CaseStatus.AFGESLOTEN and _pending_handover(case) is not None:
        raise DomainError(
            "Er staat een overdracht open bij COPA. Wacht op het besluit van COPA voordat je de "
            "casus afsluit.",
            field="status",
        )
    if target in rules.TRAJECTORY_STATUSES:
        current = case.review_date if case.status in rules.TRAJECTORY_STATUSES else None
        if current is not None and current < today:
            current = None  # an overdue review date is not carried over
        review_date = review_date or current or rules.default_review_date(today)
        problem = rules.review_date_error(review_date, today)
        if problem:
            raise DomainError(problem, field="review_date")
        case.review_date = review_date
    else:
        case.review_date = None
    change = CaseStatusChange(
        case_id=case.id,
        from_status=case.status,
        to_status=target,
        by_id=user.id,
        reason=reason_text,
    )
    case.status = target
    case.closed_at = utcnow() if target == CaseStatus.AFGESLOTEN else None
    case.updated_at = utcnow()
    db.session.add(change)
    db.session.flush()
    return change


def assign_case(user: User, case: Casus, owner: User | None, teamleider: User | None) -> None:
    if not access_to(user, case).assign:
        raise DomainError("Je kunt deze casus niet wijzigen.")
    location_id = case.student.location_id
    _check_staff(owner, location_id, roles.CASE_WORKERS, "eigenaar", "owner")
    if teamleider is not None:
        _check_staff(teamleider, location_id, {Role.TEAMLEIDER}, "teamleider", "teamleider")
    assert owner is not None
    changes: list[str] = []
    if owner.id != case.owner_id:
        changes.append(f"eigenaar: {case.owner.name} → {owner.name}")
        case.owner_id = owner.id
    new_tl = teamleider.id if teamleider else None
    if new_tl != case.teamleider_id:
        before = case.teamleider.name if case.teamleider else "geen"
        changes.append(f"teamleider: {before} → {teamleider.name if teamleider else 'geen'}")
        case.teamleider_id = new_tl
    if not changes:
        raise DomainError("Er is niets gewijzigd.")
    case.updated_at = utcnow()
    db.session.add(
        CaseNote(case_id=case.id, author_id=user.id, text="Gewijzigd: " + "; ".join(changes))
    )
    db.session.flush()


def add_note(user: User, case: Casus, text: str | None) -> CaseNote:
    if not access_to(user, case).add_note:
        raise DomainError("Je kunt bij deze casus geen notitie maken.")
    note = CaseNote(
        case_id=case.id,
        author_id=user.id,
        text=_text(text, "de notitie", LONG_TEXT, required=True, field="text"),
    )
    case.updated_at = utcnow()
    db.session.add(note)
    db.session.flush()
    return note


def record_review(
    user: User,
    case: Casus,
    text: str | None,
    next_review: date | None,
    *,
    today: date | None = None,
) -> CaseNote:
    """The periodic review of a trajectory: what was found, and the next review date."""
    today = today or local_today()
    if not access_to(user, case).work:
        raise DomainError("Je kunt deze casus niet evalueren.")
    if case.status not in rules.TRAJECTORY_STATUSES:
        raise DomainError("Alleen een preventief of intensief traject wordt geëvalueerd.")
    body = _text(text, "de evaluatie", LONG_TEXT, required=True, field="text")
    problem = rules.review_date_error(next_review, today)
    if problem:
        raise DomainError(problem, field="next_review_date")
    note = CaseNote(
        case_id=case.id,
        author_id=user.id,
        text=body,
        is_review=True,
        next_review_date=next_review,
    )
    case.review_date = next_review
    case.updated_at = utcnow()
    db.session.add(note)
    db.session.flush()
    return note


# ---------------------------------------------------------------------------------------------
# Conversation reports


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
        raise DomainError("Kies de datum van het gesprek.", field="held_on")
    if data.held_on > today:
        raise DomainError(
            "Een gesprek kan niet in de toekomst hebben plaatsgevonden.", field="held_on"
        )
    if data.held_on < today - timedelta(days=365):
        raise DomainError("Die datum ligt meer dan een jaar terug.", field="held_on")
    partners = [p for p in data.with_whom if p]
    if not partners:
        raise DomainError("Kies met wie het gesprek was.", field="with_whom")
    if any(p not in {c.value for c in ConversationPartner} for p in partners):
        raise DomainError("Onbekende gesprekspartner.", field="with_whom")
    other = _text(
        data.with_other,
        "met wie (anders)",
        120,
        required=ConversationPartner.ANDERS in partners,
        field="with_other",
    )
    topics = [t for t in data.topics if t]
    if not topics:
        raise DomainError("Kies minstens één onderwerp.", field="topics")
    if any(t not in ReportTopic.values() for t in topics):
        raise DomainError("Onbekend onderwerp.", field="topics")
    next_step = _text(
        data.next_step, "de volgende stap", SHORT_TEXT, required=False, field="next_step"
    )
    next_due = data.next_step_due
    if next_step and next_due is None:
        raise DomainError("Kies voor de volgende stap een datum.", field="next_step_due")
    if next_due is not None and not next_step:
        raise DomainError("Beschrijf de volgende stap bij deze datum.", field="next_step")
    if next_due is not None and next_due < today:
        raise DomainError(
            "De datum van de volgende stap ligt in het verleden.", field="next_step_due"
        )
    return {
        "held_on": data.held_on,
        "with_whom": join_codes(partners),
        "with_other": other if ConversationPartner.ANDERS in partners else "",
        "topics": join_codes(topics),
        "summary": _text(
            data.summary, "wat er is besproken", LONG_TEXT, required=True, field="summary"
        ),
        "agreements": _text(
            data.agreements, "de afspraken", 2000, required=False, field="agreements"
        ),
        "next_step": next_step,
        "next_step_due": next_due,
        "internal_note": _text(
            data.internal_note,
            "de interne notitie",
            NOTE_TEXT,
            required=False,
            field="internal_note",
        ),
    }


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
        raise DomainError("Je kunt voor deze leerling geen gespreksverslag maken.")
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
    return report


def update_report(
    user: User, report: ConversationReport, data: ReportInput, *, today: date | None = None
) -> None:
    """Only the author corrects a report, within 14 days."""
    today = today or local_today()
    if report.author_id != user.id:
        raise DomainError("Alleen de schrijver kan dit verslag aanpassen.")
    if report.created_at.astimezone(LOCAL_TZ).date() < today - timedelta(days=14):
        raise DomainError("Een verslag kan tot 14 dagen na het schrijven worden aangepast.")
    for key, value in _validated_report(data, today).items():
        setattr(report, key, value)
    db.session.flush()


def next_step_done(user: User, report: ConversationReport) -> None:
    if report.author_id != user.id:
        raise DomainError("Alleen de schrijver kan deze stap afvinken.")
    if not report.next_step:
        raise DomainError("Dit verslag heeft geen volgende stap.")
    report.next_step_done_at = None if report.next_step_done_at else utcnow()
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Parent calls


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
        raise DomainError("Je kunt voor deze leerling geen oudercontact plannen.")
    problem = rules.call_due_error(due, today)
    if problem:
        raise DomainError(problem, field="due")
    _check_staff(assignee, student.location_id, roles.CASE_WORKERS, "wie er belt", "assignee")
    subject_text = _text(subject, "waarover je belt", SHORT_TEXT, required=True, field="subject")
    language_text = _text(
        language, "de taal voor de tolk", 40, required=interpreter_needed, field="language"
    )
    assert assignee is not None and due is not None
    case = open_case_of(student.id)
    call = ParentCall(
        student_id=student.id,
        case_id=case.id if case else None,
        created_by_id=user.id,
        assignee_id=assignee.id,
        due=due,
        preferred_time=_text(
            preferred_time, "het voorkeurstijdstip", 60, required=False, field="preferred_time"
        ),
        contact_person=_text(
            contact_person, "wie je belt", 120, required=False, field="contact_person"
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
    return call


def find_call(user: User, call_id: int) -> ParentCall | None:
    """A parent call of a student at the user's locations (case workers only)."""
    if user.role not in roles.CASE_WORKERS:
        return None
    return db.session.scalar(
        select(ParentCall)
        .join(Student, Student.id == ParentCall.student_id)
        .where(ParentCall.id == call_id, Student.location_id.in_(user.location_ids or {-1}))
        .options(
            joinedload(ParentCall.student),
            joinedload(ParentCall.assignee),
            selectinload(ParentCall.attempts).joinedload(CallAttempt.by),
        )
    )


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
        raise DomainError("Dit oudercontact is al afgerond.")
    if result is None:
        raise DomainError("Kies het resultaat van de poging.", field="result")
    reached = rules.call_done_after(result)
    note_text = _text(
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
        raise DomainError("Dit oudercontact is al afgerond.")
    call.outcome = "Geannuleerd: " + _text(
        reason, "een reden", SHORT_TEXT, required=True, field="reason"
    )
    call.status = CallStatus.GEANNULEERD
    call.closed_at = utcnow()
    db.session.flush()


# ---------------------------------------------------------------------------------------------
# Home visits


def plan_visit(
    user: User,
    student: Student,
    *,
    planned_on: date | None,
    planned_time: time | None,
    staff_one: User | None,
    staff_two: User | None,
    companion: str | None,
    mixed_pair: bool,
    reason: str | None,
    today: date | None = None,
) -> tuple[HomeVisit, list[str]]:
    """Plan a home visit; answers the visit and warnings (one person alone, not a mixed pair)."""
    today = today or local_today()
    if not can_work_on_student(user, student):
        raise DomainError("Je kunt voor deze leerling geen huisbezoek plannen.")
    if planned_on is None:
        raise DomainError("Kies de datum van het huisbezoek.", field="planned_on")
    if planned_on < today:
        raise DomainError("Die datum ligt in het verleden.", field="planned_on")
    if planned_on > today + timedelta(days=180):
        raise DomainError("Plan een huisbezoek binnen een half jaar.", field="planned_on")
    if planned_time is None:
        raise DomainError("Kies het tijdstip van het huisbezoek.", field="planned_time")
    _check_staff(
        staff_one, student.location_id, roles.VISIT_STAFF, "eerste medewerker", "staff_one"
    )
    if staff_two is not None:
        _check_staff(
            staff_two, student.location_id, roles.VISIT_STAFF, "tweede medewerker", "staff_two"
        )
        if staff_one is not None and staff_two.id == staff_one.id:
            raise DomainError("Kies twee verschillende medewerkers.", field="staff_two")
    companion_text = _text(
        companion, "de naam van de begeleider", 120, required=False, field="companion"
    )
    reason_text = _text(
        reason, "de reden van het bezoek", SHORT_TEXT, required=True, field="reason"
    )
    assert staff_one is not None
    planned_at = datetime.combine(planned_on, planned_time, tzinfo=LOCAL_TZ)
    case = open_case_of(student.id)
    visit = HomeVisit(
        student_id=student.id,
        case_id=case.id if case else None,
        planned_at=planned_at,
        staff_one_id=staff_one.id,
        staff_two_id=staff_two.id if staff_two else None,
        companion=companion_text,
        mixed_pair=bool(mixed_pair) and (staff_two is not None or bool(companion_text)),
        reason=reason_text,
        status=VisitStatus.GEPLAND,
        created_by_id=user.id,
    )
    db.session.add(visit)
    db.session.flush()
    return visit, visit_warnings(visit, student.location)


def visit_warnings(visit: HomeVisit, location: Location) -> list[str]:
    return rules.home_visit_warnings(
        people=visit.people_count,
        mixed_pair=visit.mixed_pair,
        wants_mixed_pairs=location.wants_mixed_pairs,
    )


def find_visit(user: User, visit_id: int) -> HomeVisit | None:
    if user.role not in roles.CASE_WORKERS:
        return None
    return db.session.scalar(
        select(HomeVisit)
        .join(Student, Student.id == HomeVisit.student_id)
        .where(HomeVisit.id == visit_id, Student.location_id.in_(user.location_ids or {-1}))
        .options(
            joinedload(HomeVisit.student).joinedload(Student.location),
            joinedload(HomeVisit.staff_one),
            joinedload(HomeVisit.staff_two),
        )
    )


def record_visit(
    user: User, visit: HomeVisit, report: str | None, *, now: datetime | None = None
) -> None:
    now = now or utcnow()
    if visit.status != VisitStatus.GEPLAND:
        raise DomainError("Dit huisbezoek is niet meer gepland.")
    if visit.planned_at.astimezone(LOCAL_TZ).date() > now.astimezone(LOCAL_TZ).date():
        raise DomainError("Dit huisbezoek is nog niet geweest; leg het verslag daarna vast.")
    visit.report = _text(report, "het verslag", LONG_TEXT, required=True, field="report")
    visit.status = VisitStatus.GEDAAN
    visit.done_at = now
    db.session.flush()


def cancel_visit(user: User, visit: HomeVisit, reason: str | None) -> None:
    if visit.status != VisitStatus.GEPLAND:
        raise DomainError("Dit huisbezoek is niet meer gepland.")
    visit.cancel_reason = _text(reason, "een reden", SHORT_TEXT, required=True, field="reason")
    visit.status = VisitStatus.GEANNULEERD
    db.session.flush()


def visits_for(user: User, *, include_done_days: int = 30) -> list[HomeVisit]:
    """Planned visits and recently done ones at the user's locations, soonest first."""
    since = utcnow() - timedelta(days=include_done_days)
    return list(
        db.session.scalars(
            select(HomeVisit)
            .join(Student, Student.id == HomeVisit.student_id)
            .where(
                Student.location_id.in_(user.location_ids or {-1}),
                or_(HomeVisit.status == VisitStatus.GEPLAND, HomeVisit.planned_at >= since),
            )
            .options(
                joinedload(HomeVisit.student).joinedload(Student.location),
                joinedload(HomeVisit.staff_one),
                joinedload(HomeVisit.staff_two),
            )
            .order_by(HomeVisit.planned_at.desc())
        )
    )


# ---------------------------------------------------------------------------------------------
# Detention class (nablijfklas)


def create_session(
    user: User,
    *,
    location: Location | None,
    held_on: date | None,
    starts_at: time | None,
    supervisor: User | None,
    note: str | None,
    today: date | None = None,
) -> DetentionSession:
    today = today or local_today()
    if user.role not in roles.CASE_WORKERS:
        raise DomainError("Je kunt geen nablijfklas vastleggen.")
    if location is None or location.id not in user.location_ids:
        raise DomainError("Kies een van je locaties.", field="location")
    if held_on is None:
        raise DomainError("Kies de datum.", field="held_on")
    if held_on > today + timedelta(days=60) or held_on < today - timedelta(days=60):
        raise DomainError("Kies een datum binnen twee maanden van vandaag.", field="held_on")
    _check_staff(supervisor, location.id, roles.VISIT_STAFF, "begeleider", "supervisor")
    assert supervisor is not None
    session = DetentionSession(
        location_id=location.id,
        held_on=held_on,
        starts_at=starts_at,
        supervisor_id=supervisor.id,
        note=_text(note, "de notitie", SHORT_TEXT, required=False, field="note"),
        created_by_id=user.id,
    )
    db.session.add(session)
    db.session.flush()
    return session


def find_session(user: User, session_id: int) -> DetentionSession | None:
    if user.role not in roles.CASE_WORKERS:
        return None
    return db.session.scalar(
        select(DetentionSession)
        .where(
            DetentionSession.id == session_id,
            DetentionSession.location_id.in_(user.location_ids or {-1}),
        )
        .options(
            joinedload(DetentionSession.location),
            joinedload(DetentionSession.supervisor),
            selectinload(DetentionSession.attendances).joinedload(DetentionAttendance.student),
            selectinload(DetentionSession.attendances).joinedload(DetentionAttendance.talk_by),
        )
    )


def sessions_for(user: User, limit: int = 60) -> list[DetentionSession]:
    return list(
        db.session.scalars(
            select(DetentionSession)
            .where(DetentionSession.location_id.in_(user.location_ids or {-1}))
            .options(
                joinedload(DetentionSession.location),
                joinedload(DetentionSession.supervisor),
                selectinload(DetentionSession.attendances),
            )
            .order_by(DetentionSession.held_on.desc(), DetentionSession.id.desc())
            .limit(limit)
        )
    )


def add_to_session(
    user: User, session: DetentionSession, student: Student | None, what_happened: str | None = ""
) -> DetentionAttendance:
    if student is None or student.location_id != session.location_id:
        raise DomainError(
            "Deze leerling hoort niet bij de locatie van deze nablijfklas.", field="leerlingnummer"
        )
    if any(a.student_id == student.id for a in session.attendances):
        raise DomainError(f"{student.full_name} staat al op de lijst.", field="leerlingnummer")
    attendance = DetentionAttendance(
        session_id=session.id,
        student_id=student.id,
        what_happened=_text(
            what_happened, "wat er gebeurde", NOTE_TEXT, required=False, field="what_happened"
        ),
    )
    db.session.add(attendance)
    db.session.flush()
    return attendance


def record_talk(
    user: User,
    attendance: DetentionAttendance,
    *,
    what_happened: str | None,
    reflection: str | None,
    agreement: str | None,
) -> None:
    attendance.what_happened = _text(
        what_happened, "wat er gebeurde", NOTE_TEXT, required=True, field="what_happened"
    )
    attendance.reflection = _text(
        reflection, "de reflectie", NOTE_TEXT, required=True, field="reflection"
    )
    attendance.agreement = _text(
        agreement, "de afspraak", NOTE_TEXT, required=False, field="agreement"
    )
    attendance.talk_by_id = user.id
    attendance.talk_at = utcnow()
    db.session.flush()


def remove_from_session(user: User, attendance: DetentionAttendance) -> None:
    if attendance.talk_at is not None:
        raise DomainError("Er is al een gesprek vastgelegd; deze leerling blijft op de lijst.")
    db.session.delete(attendance)
    db.session.flush()


def detention_counts(student_ids: Iterable[int]) -> dict[int, int]:
    """How many sessions each student attended (repeat visits)."""
    ids = set(student_ids)
    if not ids:
        return {}
    rows = db.session.execute(
        select(DetentionAttendance.student_id, func.count())
        .where(DetentionAttendance.student_id.in_(ids))
        .group_by(DetentionAttendance.student_id)
    )
    return {student_id: count for student_id, count in rows}


# ---------------------------------------------------------------------------------------------
# Handover to COPA


def slots_for(location_ids: Iterable[int], *, active_only: bool = True) -> list[HandoverSlot]:
    query = (
        select(HandoverSlot)
        .where(HandoverSlot.location_id.in_(list(location_ids) or [-1]))
        .options(joinedload(HandoverSlot.location))
        .order_by(HandoverSlot.location_id, HandoverSlot.weekday, HandoverSlot.starts_at)
    )
    if active_only:
        query = query.where(HandoverSlot.active.is_(True))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Moment:
    at: datetime  # aware UTC
    place: str
    slot_id: int

    @property
    def value(self) -> str:
        return self.at.isoformat()


def upcoming_moments(
    location_id: int, *, now: datetime | None = None, weeks: int = 4
) -> list[Moment]:
    """The next handover moments of a location (each weekly slot, ``weeks`` ahead)."""
    now = now or utcnow()
    moments = [
        Moment(at=at, place=slot.place, slot_id=slot.id)
        for slot in slots_for([location_id])
        for at in rules.next_moments(rules.SlotTime(slot.weekday, slot.starts_at), now, weeks)
    ]
    return sorted(moments, key=lambda m: m.at)


def add_slot(
    user: User,
    *,
    location: Location | None,
    weekday: int | None,
    starts_at: time | None,
    place: str | None,
) -> HandoverSlot:
    if user.role not in roles.SLOT_MANAGERS:
        raise DomainError("Je kunt geen overdrachtsmomenten instellen.")
    if location is None or location.id not in user.location_ids:
        raise DomainError("Kies een van je locaties.", field="location")
    if weekday is None or not 0 <= weekday <= 6:
        raise DomainError("Kies een dag.", field="weekday")
    if starts_at is None:
        raise DomainError("Kies een tijd.", field="starts_at")
    exists_already = db.session.scalar(
        select(HandoverSlot).where(
            HandoverSlot.location_id == location.id,
            HandoverSlot.weekday == weekday,
            HandoverSlot.starts_at == starts_at,
        )
    )
    place_text = _text(place, "de plaats", 120, required=False, field="place")
    if exists_already is not None:
        if exists_already.active:
            raise DomainError("Dit overdrachtsmoment bestaat al.", field="starts_at")
        exists_already.active = True
        exists_already.place = place_text
        db.session.flush()
        return exists_already
    slot = HandoverSlot(
        location_id=location.id, weekday=weekday, starts_at=starts_at, place=place_text, active=True
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def find_slot(user: User, slot_id: int) -> HandoverSlot | None:
    if user.role not in roles.SLOT_MANAGERS:
        return None
    return db.session.scalar(
        select(HandoverSlot).where(
            HandoverSlot.id == slot_id, HandoverSlot.location_id.in_(user.location_ids or {-1})
        )
    )


def _pending_handover(case: Casus) -> Handover | None:
    return db.session.scalar(
        select(Handover).where(
            Handover.case_id == case.id, Handover.status == HandoverStatus.INGEDIEND
        )
    )


@dataclass
class HandoverInput:
    criteria: list[str]
    summary: str | None
    help_questions: str | None
    proposed_next_step: str | None
    moment: str | None  # ISO time of one of the upcoming moments
    teamleider: User | None


def submit_handover(
    user: User, case: Casus, data: HandoverInput, *, now: datetime | None = None
) -> Handover:
    """Hand a case over to COPA in the fixed format, for the location's handover moment."""
    now = now or utcnow()
    if not access_to(user, case).work:
        raise DomainError("Je kunt deze casus niet overdragen.")
    if case.status not in rules.HANDOVER_FROM:
        raise DomainError(
            rules.transition_error(case.status, CaseStatus.OVERGEDRAGEN_COPA, via_handover=True)
            or "Deze casus kan niet worden overgedragen."
        )
    if _pending_handover(case) is not None:
        raise DomainError("Er staat al een overdracht open bij COPA voor deze casus.")
    problem = rules.handover_criteria_error(data.criteria)
    if problem:
        raise DomainError(problem, field="criteria")
    summary = _text(data.summary, "de samenvatting", LONG_TEXT, required=True, field="summary")
    questions = _text(
        data.help_questions, "de hulpvragen", 2000, required=True, field="help_questions"
    )
    next_step = _text(
        data.proposed_next_step,
        "de voorgestelde vervolgstap",
        2000,
        required=True,
        field="proposed_next_step",
    )
    location_id = case.student.location_id
    moments = {m.value: m for m in upcoming_moments(location_id, now=now)}
    if not moments:
        raise DomainError(
            "Voor deze locatie is nog geen vast overdrachtsmoment ingesteld. Vraag de "
            "teamleider, COPA of functioneel beheer om dat in te stellen.",
            field="moment",
        )
    moment = moments.get(data.moment or "")
    if moment is None:
        raise DomainError("Kies een van de komende overdrachtsmomenten.", field="moment")
    teamleiders = staff_at(location_id, {Role.TEAMLEIDER})
    if teamleiders and data.teamleider is None:
        raise DomainError("Kies de teamleider.", field="teamleider")
    if data.teamleider is not None:
        _check_staff(data.teamleider, location_id, {Role.TEAMLEIDER}, "teamleider", "teamleider")
    handover = Handover(
        case_id=case.id,
        status=HandoverStatus.INGEDIEND,
        criteria=join_codes(data.criteria),
        summary=summary,
        help_questions=questions,
        proposed_next_step=next_step,
        moment_at=moment.at,
        place=moment.place,
        teamleider_id=data.teamleider.id if data.teamleider else None,
        submitted_by_id=user.id,
        submitted_at=now,
    )
    db.session.add(handover)
    try:
        db.session.flush()
    except IntegrityError:  # submitted twice at the same moment: the partial unique index
        raise DomainError("Er staat al een overdracht open bij COPA voor deze casus.") from None
    if data.teamleider is not None and case.teamleider_id is None:
        case.teamleider_id = data.teamleider.id
    case.updated_at = now
    db.session.flush()
    return handover


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


def accept_handover(user: User, handover: Handover, note: str | None) -> None:
    """COPA accepts: the case becomes ``overgedragen_copa`` (recorded in its history)."""
    case = handover.case
    if not access_to(user, case).decide_handover:
        raise DomainError("Alleen COPA van deze locatie beslist over een overdracht.")
    if handover.status != HandoverStatus.INGEDIEND:
        raise DomainError("Over deze overdracht is al beslist.")
    problem = rules.transition_error(case.status, CaseStatus.OVERGEDRAGEN_COPA, via_handover=True)
    if problem:
        raise DomainError(problem)
    note_text = _text(note, "de notitie", NOTE_TEXT, required=False, field="note")
    now = utcnow()
    handover.status = HandoverStatus.GEACCEPTEERD
    handover.decided_by_id = user.id
    handover.decided_at = now
    handover.decision_note = note_text
    db.session.add(
        CaseStatusChange(
            case_id=case.id,
            from_status=case.status,
            to_status=CaseStatus.OVERGEDRAGEN_COPA,
            by_id=user.id,
            reason="Overdracht geaccepteerd door COPA" + (f": {note_text}" if note_text else ""),
        )
    )
    case.status = CaseStatus.OVERGEDRAGEN_COPA
    case.review_date = None
    case.updated_at = now
    db.session.flush()


def return_handover(user: User, handover: Handover, reason: str | None) -> None:
    """COPA returns a handover with a reason; the case stays with SchoolFit."""
    if not access_to(user, handover.case).decide_handover:
        raise DomainError("Alleen COPA van deze locatie beslist over een overdracht.")
    if handover.status != HandoverStatus.INGEDIEND:
        raise DomainError("Over deze overdracht is al beslist.")
    handover.decision_note = _text(
        reason, "de reden van teruggeven", NOTE_TEXT, required=True, field="reason"
    )
    handover.status = HandoverStatus.TERUGGEGEVEN
    handover.decided_by_id = user.id
    handover.decided_at = utcnow()
    handover.case.updated_at = utcnow()
    db.session.flush()


def acknowledge_return(user: User, handover: Handover) -> None:
    if handover.status != HandoverStatus.TERUGGEGEVEN:
        raise DomainError("Deze overdracht is niet teruggegeven.")
    if not access_to(user, handover.case).work and handover.submitted_by_id != user.id:
        raise DomainError("Je kunt deze overdracht niet afvinken.")
    handover.return_seen_at = utcnow()
    db.session.flush()


def handover_prefill(case: Casus) -> str:
    """A summary of what SchoolFit did, from the chronology's sources (editable on the form)."""
    from app.desk.chronology import student_figures

    figures = student_figures(case.student_id)
    opened = case.opened_at.astimezone(LOCAL_TZ).strftime("%d-%m-%Y")
    lines = [
        f"SchoolFit is betrokken sinds {opened} (aanleiding: {case.reason}).",
        f"Contacten op de vloer: {figures.floor_contacts}"
        + (f", waarvan {figures.floor_talks} korte gesprekken" if figures.floor_talks else "")
        + ".",
        f"Signalen (vlaggen): {figures.flags}.",
        f"Gespreksverslagen: {figures.reports}"
        + (f" ({figures.reports_by_partner})" if figures.reports_by_partner else "")
        + ".",
        f"Oudercontact: {figures.call_attempts} belpogingen, {figures.calls_reached} keer "
        "gesproken"
        + (
            f", tolk nodig ({figures.interpreter_languages})"
            if figures.interpreter_languages
            else ""
        )
        + ".",
        f"Huisbezoeken: {figures.visits_done} gedaan.",
        f"Nablijfklas: {figures.detention_sessions} keer.",
    ]
    if figures.absence_summary:
        lines.append(f"Verzuim: {figures.absence_summary}.")
    else:
        lines.append("Verzuim: (vul de cijfers uit het leerlingvolgsysteem aan).")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Case list


@dataclass
class CaseFilter:
    status: CaseStatus | None = None
    mine: bool = False
    text: str = ""
    location_id: int | None = None
    include_closed: bool = False


def case_list_query(user: User, filters: CaseFilter) -> Select[tuple[Casus]]:
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


# ---------------------------------------------------------------------------------------------
# Outstanding actions ("openstaand")


@dataclass
class Outstanding:
    calls: list[ParentCall] = field(default_factory=list)
    visits: list[HomeVisit] = field(default_factory=list)
    reviews: list[Casus] = field(default_factory=list)
    returned: list[Handover] = field(default_factory=list)
    next_steps: list[ConversationReport] = field(default_factory=list)

    @property
    def calls_today(self) -> list[ParentCall]:
        today = local_today()
        return [c for c in self.calls if c.due <= today]

    @property
    def calls_later(self) -> list[ParentCall]:
        today = local_today()
        return [c for c in self.calls if c.due > today]

    @property
    def total(self) -> int:
        return (
            len(self.calls)
            + len(self.visits)
            + len(self.reviews)
            + len(self.returned)
            + len(self.next_steps)
        )


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
    return result


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


def entries_for_inbox_day_query(user: User, start: datetime, end: datetime) -> Select:
    return select(FloorEntry).where(
        FloorEntry.staff_id == user.id,
        FloorEntry.occurred_at >= start,
        FloorEntry.occurred_at < end,
    )


def untriaged_clause():  # type: ignore[no-untyped-def]
    """Entries not yet worked out (no triage row, or one without done_at)."""
    return ~exists().where(
        and_(EntryTriage.entry_id == FloorEntry.id, EntryTriage.done_at.is_not(None))
    )
