"""The inbox's actions on a staff member's own floor entries: work one out, close it, reopen it,
mark it for the report or the team leader; close an own flag; resolve a quarantined entry."""

from __future__ import annotations

from collections.abc import Sequence

from flask_babel import gettext
from sqlalchemy import ColumnElement, and_, exists, select
from sqlalchemy.orm import joinedload, selectinload

from app.core.stored_text import N_
from app.core.vocabulary import (
    FlagStatus,
    TriageOutcome,
)
from app.desk.common import clean_text
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    Casus,
    ConversationReport,
    EntryTriage,
    Flag,
    FloorEntry,
    ParentCall,
    QuarantinedEntry,
    User,
)
from app.models.types import utcnow

CLOSE_REASON_MAX = 200


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


def handled_triage(user: User, entry_id: int) -> EntryTriage | None:
    """The triage of one of the user's own entries, once it is worked out or closed: the inbox
    shows it on top right after (with a link to what was saved)."""
    return db.session.scalar(
        select(EntryTriage)
        .join(FloorEntry, FloorEntry.id == EntryTriage.entry_id)
        .where(
            EntryTriage.entry_id == entry_id,
            FloorEntry.staff_id == user.id,
            EntryTriage.done_at.is_not(None),
        )
        .options(joinedload(EntryTriage.entry))
    )


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
    """Record that an own entry was worked out (or closed); handles its open flags — except when
    it is only linked to a case: a flag is handled by its follow-up (a report, a call, closing
    it with a reason), not by opening a case, so it stays in the inbox until then."""
    if entry.staff_id != user.id:
        raise DomainError(gettext("Je kunt alleen je eigen registraties verwerken."))
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
    if outcome != TriageOutcome.CASUS:
        _handle_flags(entry, user, f"{label}: {note}" if note else label, student_id)
    db.session.flush()
    return triage


def close_entry(user: User, entry: FloorEntry, reason: str | None) -> EntryTriage:
    reason_text = clean_text(
        reason, N_("een korte reden"), CLOSE_REASON_MAX, required=True, field="reason"
    )
    return mark_worked_out(user, entry, TriageOutcome.AFGESLOTEN, note=reason_text)


def close_entries(user: User, entry_ids: Sequence[int], reason: str | None) -> int:
    """Close several own entries at once (for example every nameless contact in a zone)."""
    reason_text = clean_text(
        reason, N_("een korte reden"), CLOSE_REASON_MAX, required=True, field="reason"
    )
    ids = {i for i in entry_ids if isinstance(i, int)}
    if not ids:
        raise DomainError(gettext("Kies minstens één registratie."))
    entries = db.session.scalars(
        select(FloorEntry)
        .where(FloorEntry.id.in_(ids), FloorEntry.staff_id == user.id)
        .options(selectinload(FloorEntry.students), selectinload(FloorEntry.flags))
    ).all()
    if len(entries) != len(ids):
        raise DomainError(gettext("Een of meer registraties bestaan niet (meer)."))
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
        raise DomainError(gettext("Je kunt alleen je eigen registraties heropenen."))
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


def set_mark(user: User, entry: FloorEntry, mark: str, on: bool | None = None) -> bool:
    """Set "voor rapportage" or "voor teamleider" on an own entry to ``on`` (None: the other
    way round); answers the new state. Setting a state, not flipping it, makes a second click
    or a second tab harmless."""
    if entry.staff_id != user.id:
        raise DomainError(gettext("Je kunt alleen je eigen registraties markeren."))
    if mark not in MARKS:
        raise DomainError(gettext("Onbekende markering."))
    triage = triage_of(entry)
    now = utcnow()
    if mark == "rapportage":
        state = (not triage.for_report) if on is None else on
        if state != triage.for_report:
            triage.for_report = state
            triage.for_report_at = now if state else None
    else:
        state = (not triage.for_teamleider) if on is None else on
        if state != triage.for_teamleider:
            triage.for_teamleider = state
            triage.for_teamleider_at = now if state else None
    db.session.flush()
    return state


def own_open_flag(user: User, flag_id: int) -> Flag | None:
    return db.session.scalar(
        select(Flag).where(
            Flag.id == flag_id, Flag.raised_by_id == user.id, Flag.status == FlagStatus.OPEN
        )
    )


def close_flag(user: User, flag: Flag, reason: str | None) -> None:
    reason_text = clean_text(
        reason, N_("een korte reden"), CLOSE_REASON_MAX, required=True, field="reason"
    )
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


def resolve_quarantined(user: User, item: QuarantinedEntry, resolution: str | None) -> int:
    """Resolve ``item`` and the user's other unresolved entries of its group (the same reason
    and content: the inbox shows them as one); answers how many rows that were."""
    text = clean_text(
        resolution, N_("hoe je het hebt afgehandeld"), 500, required=True, field="resolution"
    )
    group = [item]
    if item.fingerprint:
        group = list(
            db.session.scalars(
                select(QuarantinedEntry).where(
                    QuarantinedEntry.staff_id == user.id,
                    QuarantinedEntry.resolved_at.is_(None),
                    QuarantinedEntry.fingerprint == item.fingerprint,
                )
            )
        )
    now = utcnow()
    for row in group:
        row.resolution = text
        row.resolved_at = now
        row.resolved_by_id = user.id
    db.session.flush()
    return len(group)


def untriaged_clause() -> ColumnElement[bool]:
    """Entries not yet worked out (no triage row, or one without done_at)."""
    return ~exists().where(
        and_(EntryTriage.entry_id == FloorEntry.id, EntryTriage.done_at.is_not(None))
    )
