"""Case records (casus): open one for a student, change its status (the workflow of
``app.desk.rules``), its owner and team leader, notes and reviews."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from app.access.cases import access_to, can_work_on_student
from app.audit import record
from app.core import roles
from app.core.localtime import local_today
from app.core.stored_text import N_
from app.core.vocabulary import (
    CaseStatus,
    Role,
    TriageOutcome,
)
from app.desk import rules
from app.desk.common import check_staff, clean_text, open_case_of
from app.desk.handover.queries import pending_handover
from app.desk.inbox.services import mark_worked_out
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    CaseNote,
    CaseStatusChange,
    Casus,
    FloorEntry,
    Student,
    User,
)
from app.models.desk import LONG_TEXT, NOTE_TEXT, SHORT_TEXT
from app.models.types import utcnow


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
        raise DomainError(gettext("Je kunt voor deze leerling geen casus openen."))
    reason_text = clean_text(reason, N_("de aanleiding"), SHORT_TEXT, required=True, field="reason")
    if status not in STARTING_STATUSES:
        raise DomainError(
            gettext("Een casus begint als signaal, preventief of intensief."), field="status"
        )
    check_staff(owner, student.location_id, roles.CASE_WORKERS, N_("eigenaar"), "owner")
    if teamleider is not None:
        check_staff(
            teamleider, student.location_id, {Role.TEAMLEIDER}, N_("teamleider"), "teamleider"
        )
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
            gettext(
                "Een collega heeft zojuist een casus voor deze leerling geopend. Laad "
                "de pagina opnieuw."
            )
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
    record(user, "create", "casus", case.id, student=student)
    return case


def link_entry(user: User, entry: FloorEntry, case: Casus) -> None:
    if case.student_id not in {s.id for s in entry.students}:
        raise DomainError(gettext("Deze registratie gaat niet over de leerling van deze casus."))
    if not case.is_open:
        raise DomainError(gettext("Deze casus is afgesloten."))
    mark_worked_out(user, entry, TriageOutcome.CASUS, student_id=case.student_id, case=case)


def record_case_view(user: User, case: Casus) -> None:
    """Every time a case's page is shown, it is audited."""
    record(user, "view", "casus", case.id, student=case.student)


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
        raise DomainError(gettext("Je kunt de status van deze casus niet wijzigen."))
    problem = rules.transition_error(case.status, target)
    if problem:
        raise DomainError(problem, field="status")
    reason_text = clean_text(
        reason, N_("de reden van de wijziging"), NOTE_TEXT, required=True, field="reason"
    )
    if target == CaseStatus.AFGESLOTEN and pending_handover(case) is not None:
        raise DomainError(
            gettext(
                "Er staat een overdracht open bij COPA. Wacht op het besluit van COPA "
                "voordat je de casus afsluit."
            ),
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
    record(user, "update", "casus", case.id, student=case.student, detail=f"status {target.value}")
    return change


def assign_case(user: User, case: Casus, owner: User | None, teamleider: User | None) -> None:
    if not access_to(user, case).assign:
        raise DomainError(gettext("Je kunt deze casus niet wijzigen."))
    location_id = case.student.location_id
    check_staff(owner, location_id, roles.CASE_WORKERS, N_("eigenaar"), "owner")
    if teamleider is not None:
        check_staff(teamleider, location_id, {Role.TEAMLEIDER}, N_("teamleider"), "teamleider")
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
        raise DomainError(gettext("Er is niets gewijzigd."))
    case.updated_at = utcnow()
    db.session.add(
        CaseNote(case_id=case.id, author_id=user.id, text="Gewijzigd: " + "; ".join(changes))
    )
    db.session.flush()


def add_note(user: User, case: Casus, text: str | None) -> CaseNote:
    if not access_to(user, case).add_note:
        raise DomainError(gettext("Je kunt bij deze casus geen notitie maken."))
    note = CaseNote(
        case_id=case.id,
        author_id=user.id,
        text=clean_text(text, N_("de notitie"), LONG_TEXT, required=True, field="text"),
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
        raise DomainError(gettext("Je kunt deze casus niet evalueren."))
    if case.status not in rules.TRAJECTORY_STATUSES:
        raise DomainError(gettext("Alleen een preventief of intensief traject wordt geëvalueerd."))
    body = clean_text(text, N_("de evaluatie"), LONG_TEXT, required=True, field="text")
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
