"""The handover of a case to COPA in the fixed format, and COPA's decision on it."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from flask_babel import gettext
from sqlalchemy.exc import IntegrityError

from app.access.cases import access_to, may_decide
from app.audit import record
from app.core.localtime import LOCAL_TZ
from app.core.stored_text import N_
from app.core.vocabulary import (
    CaseStatus,
    HandoverStatus,
    Role,
)
from app.desk import rules
from app.desk.chronology.figures import student_figures
from app.desk.common import check_staff, clean_text, staff_at
from app.desk.handover.queries import pending_handover
from app.desk.handover.slots import upcoming_moments
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    CaseStatusChange,
    Casus,
    Handover,
    User,
)
from app.models.desk import LONG_TEXT, NOTE_TEXT, join_codes
from app.models.types import utcnow


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
        raise DomainError(gettext("Je kunt deze casus niet overdragen."))
    if case.status not in rules.HANDOVER_FROM:
        raise DomainError(
            rules.transition_error(case.status, CaseStatus.OVERGEDRAGEN_COPA, via_handover=True)
            or "Deze casus kan niet worden overgedragen."
        )
    if pending_handover(case) is not None:
        raise DomainError(gettext("Er staat al een overdracht open bij COPA voor deze casus."))
    problem = rules.handover_criteria_error(data.criteria)
    if problem:
        raise DomainError(problem, field="criteria")
    summary = clean_text(
        data.summary, N_("de samenvatting"), LONG_TEXT, required=True, field="summary"
    )
    questions = clean_text(
        data.help_questions, N_("de hulpvragen"), 2000, required=True, field="help_questions"
    )
    next_step = clean_text(
        data.proposed_next_step,
        N_("de voorgestelde vervolgstap"),
        2000,
        required=True,
        field="proposed_next_step",
    )
    location_id = case.student.location_id
    moments = {m.value: m for m in upcoming_moments(location_id, now=now)}
    if not moments:
        raise DomainError(
            gettext(
                "Voor deze locatie is nog geen vast overdrachtsmoment ingesteld. Vraag "
                "de teamleider, COPA of functioneel beheer om dat in te stellen."
            ),
            field="moment",
        )
    moment = moments.get(data.moment or "")
    if moment is None:
        raise DomainError(gettext("Kies een van de komende overdrachtsmomenten."), field="moment")
    teamleiders = staff_at(location_id, {Role.TEAMLEIDER})
    if teamleiders and data.teamleider is None:
        raise DomainError(gettext("Kies de teamleider."), field="teamleider")
    if data.teamleider is not None:
        check_staff(data.teamleider, location_id, {Role.TEAMLEIDER}, N_("teamleider"), "teamleider")
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
        raise DomainError(
            gettext("Er staat al een overdracht open bij COPA voor deze casus.")
        ) from None
    if data.teamleider is not None and case.teamleider_id is None:
        case.teamleider_id = data.teamleider.id
    case.updated_at = now
    db.session.flush()
    record(user, "create", "overdracht", handover.id, student=case.student)
    return handover


def record_handover_view(user: User, handover: Handover) -> None:
    """Every time a handover's page is shown, it is audited."""
    record(user, "view", "overdracht", handover.id, student=handover.case.student)


def _refuse_if_decided(handover: Handover) -> None:
    """Read the handover's state as it is now (a colleague may just have decided): a decision
    is made once. Two decisions at the very same moment are told apart by the version check.
    What follows decides from this read (:func:`may_decide`), so a decision committed after it
    is caught by that version check, not taken for lost access."""
    db.session.refresh(handover)
    if handover.status != HandoverStatus.INGEDIEND:
        raise DomainError(gettext("Over deze overdracht is al beslist."))


def accept_handover(user: User, handover: Handover, note: str | None) -> None:
    """COPA accepts: the case becomes ``overgedragen_copa`` (recorded in its history)."""
    case = handover.case
    _refuse_if_decided(handover)
    if not may_decide(user, handover):
        raise DomainError(gettext("Alleen COPA van deze locatie beslist over een overdracht."))
    problem = rules.transition_error(case.status, CaseStatus.OVERGEDRAGEN_COPA, via_handover=True)
    if problem:
        raise DomainError(problem)
    note_text = clean_text(note, N_("de notitie"), NOTE_TEXT, required=False, field="note")
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
    record(user, "update", "overdracht", handover.id, student=case.student, detail="geaccepteerd")


def return_handover(user: User, handover: Handover, reason: str | None) -> None:
    """COPA returns a handover with a reason; the case stays with SchoolFit."""
    _refuse_if_decided(handover)
    if not may_decide(user, handover):
        raise DomainError(gettext("Alleen COPA van deze locatie beslist over een overdracht."))
    handover.decision_note = clean_text(
        reason, N_("de reden van teruggeven"), NOTE_TEXT, required=True, field="reason"
    )
    handover.status = HandoverStatus.TERUGGEGEVEN
    handover.decided_by_id = user.id
    handover.decided_at = utcnow()
    handover.case.updated_at = utcnow()
    db.session.flush()
    record(
        user,
        "update",
        "overdracht",
        handover.id,
        student=handover.case.student,
        detail="teruggegeven",
    )


def acknowledge_return(user: User, handover: Handover) -> None:
    if handover.status != HandoverStatus.TERUGGEGEVEN:
        raise DomainError(gettext("Deze overdracht is niet teruggegeven."))
    if not access_to(user, handover.case).work and handover.submitted_by_id != user.id:
        raise DomainError(gettext("Je kunt deze overdracht niet afvinken."))
    handover.return_seen_at = utcnow()
    db.session.flush()


def handover_prefill(case: Casus) -> str:
    """A summary of what SchoolFit did, from the chronology's sources (editable on the form)."""
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
