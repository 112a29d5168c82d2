"""The chronology of a student: every floor entry, flag, conversation report, parent contact,
home visit, detention-class talk, absence signal, status change, note, handover and incident,
merged newest first. One query per source (related rows eager-loaded), never one per row.

The case page shows it whole; the student page (``app.desk.chronology.student``) shows the
newest ``limit`` items of the kinds its reader may see: the sources that can grow to hundreds
of rows (floor entries, flags) then read only their newest ``limit + 1`` rows, ordered by the
moment their items carry, so the merge is still exact.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from app.core.localtime import LOCAL_TZ
from app.core.vocabulary import (
    AbsenceRule,
    CallResult,
    EntryKind,
    FlagStatus,
    IncidentRole,
    VisitStatus,
)
from app.desk.chronology.figures import absence_figures, signal_day
from app.extensions import db
from app.models import (
    AbsenceSignal,
    CallAttempt,
    CaseNote,
    CaseStatusChange,
    Casus,
    ConversationReport,
    DetentionAttendance,
    DetentionSession,
    Flag,
    FloorEntry,
    Handover,
    HomeVisit,
    Incident,
    IncidentStudent,
    ParentCall,
    floor_entry_student,
)

KIND_LABELS: dict[str, Any] = {
    "vloer": _l("Vloer"),
    "vlag": _l("Vlaggen"),
    "verslag": _l("Gespreksverslagen"),
    "oudercontact": _l("Oudercontact"),
    "huisbezoek": _l("Huisbezoeken"),
    "nablijfklas": _l("Nablijfklas"),
    "verzuim": _l("Verzuim"),
    "status": _l("Status"),
    "overdracht": _l("Overdracht"),
    "notitie": _l("Notities"),
    "incident": _l("Incidenten"),
    "meldcode": _l("Meldcode"),  # the student page only (app.desk.chronology.student)
}


@dataclass
class TimelineItem:
    kind: str
    at: datetime  # aware UTC; for date-only items midday local time
    title: str
    author: str = ""
    lines: list[tuple[str, str]] = field(default_factory=list)
    link: tuple[str, dict[str, Any]] | None = None  # (endpoint, values) for url_for
    date_only: bool = False
    tone: str = ""  # "" | "warn" | "ok"


Loader = Callable[[int, int | None], list[TimelineItem]]


def _newest(query: Select[Any], columns: tuple[Any, Any], limit: int | None) -> Select[Any]:
    """``query`` newest first (by moment, then id: the same rows on every database), at most
    ``limit`` rows (all without a limit)."""
    query = query.order_by(*(column.desc() for column in columns))
    return query if limit is None else query.limit(limit)


def _midday(day: date) -> datetime:
    return datetime.combine(day, time(12, 0), tzinfo=LOCAL_TZ)


# --- sources ---------------------------------------------------------------------------------


def _floor(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    entries = db.session.scalars(
        _newest(
            select(FloorEntry)
            .join(floor_entry_student, floor_entry_student.c.entry_id == FloorEntry.id)
            .where(
                floor_entry_student.c.student_id == student_id, FloorEntry.kind != EntryKind.VLAG
            )
            .options(joinedload(FloorEntry.zone), joinedload(FloorEntry.staff)),
            (FloorEntry.occurred_at, FloorEntry.id),
            limit,
        )
    )
    items = []
    for entry in entries:
        detail = ""
        if entry.topic:
            detail = entry.topic.label
        elif entry.severity:
            detail = _("ernst %(severity)s", severity=entry.severity.label)
        elif entry.outcome:
            detail = entry.outcome.label
        title = entry.kind_label + (f" – {detail}" if detail else "") + f" ({entry.zone.name})"
        lines = [(_("Notitie"), entry.note)] if entry.note else []
        items.append(
            TimelineItem(
                "vloer",
                entry.occurred_at,
                title,
                entry.staff.name,
                lines,
                tone="warn" if entry.kind == EntryKind.SPANNING else "",
            )
        )
    return items


def _flags(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    flags = db.session.scalars(
        _newest(
            select(Flag)
            .where(Flag.student_id == student_id)
            .options(
                joinedload(Flag.entry).joinedload(FloorEntry.zone),
                joinedload(Flag.raised_by),
                joinedload(Flag.handled_by),
            ),
            (Flag.raised_at, Flag.id),
            limit,
        )
    )
    items = []
    for flag in flags:
        lines = []
        if flag.entry is not None and flag.entry.note:
            lines.append((_("Notitie"), flag.entry.note))
        if flag.status == FlagStatus.AFGEHANDELD:
            who = flag.handled_by.name if flag.handled_by else ""
            lines.append((_("Afgehandeld"), f"{flag.handled_note} ({who})".strip()))
        zone = f" ({flag.entry.zone.name})" if flag.entry is not None else ""
        items.append(
            TimelineItem(
                "vlag",
                flag.raised_at,
                _("Vlag: %(kind)s", kind=flag.flag_type.label) + zone,
                flag.raised_by.name,
                lines,
                tone="warn" if flag.status == FlagStatus.OPEN else "",
            )
        )
    return items


def _reports(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    reports = db.session.scalars(
        select(ConversationReport)
        .where(ConversationReport.student_id == student_id)
        .options(joinedload(ConversationReport.author))
    )
    items = []
    for report in reports:
        created_day = report.created_at.astimezone(LOCAL_TZ).date()
        at = report.created_at if created_day == report.held_on else _midday(report.held_on)
        lines = [(_("Onderwerpen"), report.topics_label), (_("Besproken"), report.summary)]
        if report.agreements:
            lines.append((_("Afspraken"), report.agreements))
        if report.next_step:
            due = report.next_step_due.strftime("%d-%m-%Y") if report.next_step_due else ""
            lines.append(
                (_("Volgende stap"), f"{report.next_step} ({due})" if due else report.next_step)
            )
        items.append(
            TimelineItem(
                "verslag",
                at,
                _("Gespreksverslag met %(who)s", who=report.partners_label),
                report.author.name,
                lines,
                ("desk.report_detail", {"report_id": report.id}),
                date_only=created_day != report.held_on,
            )
        )
    return items


def _calls(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    calls = db.session.scalars(
        select(ParentCall)
        .where(ParentCall.student_id == student_id)
        .options(
            joinedload(ParentCall.created_by),
            joinedload(ParentCall.assignee),
            joinedload(ParentCall.attempts).joinedload(CallAttempt.by),
        )
    ).unique()
    items = []
    for call in calls:
        link = ("desk.call_detail", {"call_id": call.id})
        lines = [(_("Waarover"), call.subject), (_("Bellen op"), call.due.strftime("%d-%m-%Y"))]
        if call.interpreter_needed:
            lines.append((_("Tolk"), call.language))
        items.append(
            TimelineItem(
                "oudercontact",
                call.created_at,
                _("Oudercontact gepland"),
                call.created_by.name,
                lines,
                link,
            )
        )
        for attempt in call.attempts:
            items.append(
                TimelineItem(
                    "oudercontact",
                    attempt.at,
                    _("Belpoging: %(result)s", result=attempt.result.label),
                    attempt.by.name,
                    [(_("Notitie"), attempt.note)] if attempt.note else [],
                    link,
                    tone="ok"
                    if attempt.result in (CallResult.GESPROKEN, CallResult.TERUGGEBELD)
                    else "",
                )
            )
    return items


def _visits(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    visits = db.session.scalars(
        select(HomeVisit)
        .where(HomeVisit.student_id == student_id)
        .options(joinedload(HomeVisit.staff_one), joinedload(HomeVisit.staff_two))
    )
    items = []
    for visit in visits:
        people = ", ".join(
            p
            for p in (
                visit.staff_one.name,
                visit.staff_two.name if visit.staff_two else "",
                visit.companion,
            )
            if p
        )
        lines = [(_("Reden"), visit.reason), (_("Met"), people)]
        if visit.status == VisitStatus.GEDAAN:
            lines.append((_("Verslag"), visit.report))
        elif visit.status == VisitStatus.GEANNULEERD:
            lines.append((_("Geannuleerd"), visit.cancel_reason))
        items.append(
            TimelineItem(
                "huisbezoek",
                visit.planned_at,
                _("Huisbezoek (%(status)s)", status=visit.status_label),
                visit.staff_one.name,
                lines,
                ("desk.visit_detail", {"visit_id": visit.id}),
            )
        )
    return items


def _detention(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    rows = db.session.scalars(
        select(DetentionAttendance)
        .where(DetentionAttendance.student_id == student_id)
        .options(
            joinedload(DetentionAttendance.session).joinedload(DetentionSession.location),
            joinedload(DetentionAttendance.session).joinedload(DetentionSession.supervisor),
            joinedload(DetentionAttendance.talk_by),
        )
    )
    items = []
    for row in rows:
        lines = []
        if row.what_happened:
            lines.append((_("Wat er gebeurde"), row.what_happened))
        if row.reflection:
            lines.append((_("Reflectie"), row.reflection))
        if row.agreement:
            lines.append((_("Afspraak"), row.agreement))
        title = _("Nablijfklas %(location)s", location=row.session.location.code)
        if not row.has_talk:
            title += " (nog geen gesprek)"
        at = row.talk_at if row.talk_at else _midday(row.session.held_on)
        items.append(
            TimelineItem(
                "nablijfklas",
                at,
                title,
                row.talk_by.name if row.talk_by else row.session.supervisor.name,
                lines,
                ("desk.detention_detail", {"session_id": row.session_id}),
                date_only=row.talk_at is None,
            )
        )
    return items


def _status(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    changes = db.session.scalars(
        select(CaseStatusChange)
        .join(Casus, Casus.id == CaseStatusChange.case_id)
        .where(Casus.student_id == student_id)
        .options(joinedload(CaseStatusChange.by))
    )
    items = []
    for change in changes:
        if change.from_status is None:
            title = _("Casus geopend als %(status)s", status=change.to_status.label)
        else:
            title = _(
                "Status %(before)s → %(after)s",
                before=change.from_status.label,
                after=change.to_status.label,
            )
        items.append(
            TimelineItem(
                "status",
                change.at,
                title,
                change.by.name,
                [(_("Waarom"), change.reason)],
                ("desk.case_detail", {"case_id": change.case_id}),
            )
        )
    return items


def _handovers(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    handovers = db.session.scalars(
        select(Handover)
        .join(Casus, Casus.id == Handover.case_id)
        .where(Casus.student_id == student_id)
        .options(joinedload(Handover.submitted_by), joinedload(Handover.decided_by))
    )
    items = []
    for handover in handovers:
        link = ("desk.handover_detail", {"handover_id": handover.id})
        items.append(
            TimelineItem(
                "overdracht",
                handover.submitted_at,
                _("Overdracht naar COPA ingediend"),
                handover.submitted_by.name,
                [
                    (_("Criteria"), "; ".join(handover.criteria_labels)),
                    (_("Hulpvragen"), handover.help_questions),
                ],
                link,
            )
        )
        if handover.decided_at is not None and handover.decided_by is not None:
            items.append(
                TimelineItem(
                    "overdracht",
                    handover.decided_at,
                    _("Overdracht %(status)s", status=handover.status_label),
                    handover.decided_by.name,
                    [(_("Toelichting"), handover.decision_note)] if handover.decision_note else [],
                    link,
                )
            )
    return items


def _notes(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    notes = db.session.scalars(
        select(CaseNote)
        .join(Casus, Casus.id == CaseNote.case_id)
        .where(Casus.student_id == student_id)
        .options(joinedload(CaseNote.author))
    )
    items = []
    for note in notes:
        lines = [("", note.text)]
        if note.is_review and note.next_review_date:
            lines.append((_("Volgende evaluatie"), note.next_review_date.strftime("%d-%m-%Y")))
        items.append(
            TimelineItem(
                "notitie",
                note.at,
                _("Evaluatie") if note.is_review else _("Notitie"),
                note.author.name,
                lines,
            )
        )
    return items


def _absence(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    items = []
    for signal in db.session.scalars(
        select(AbsenceSignal).where(AbsenceSignal.student_id == student_id)
    ):
        day = signal_day(signal)
        if day is None:
            continue
        lines = []
        figures = absence_figures(signal)
        if figures:
            lines.append((_("Cijfers"), figures))
        start, end = getattr(signal, "window_start", None), getattr(signal, "window_end", None)
        if isinstance(start, date) and isinstance(end, date):
            lines.append((_("Periode"), f"{start:%d-%m-%Y} – {end:%d-%m-%Y}"))
        if getattr(signal, "detail", ""):
            lines.append(("", signal.detail))
        if getattr(signal, "active", True) is False:
            lines.append(("", _("niet meer actief")))
        items.append(
            TimelineItem(
                "verzuim",
                _midday(day),
                _("Verzuimsignaal: %(rule)s", rule=AbsenceRule.label_of(signal.rule)),
                "",
                lines,
                date_only=True,
                tone="warn" if getattr(signal, "active", True) else "",
            )
        )
    return items


def _incidents(student_id: int, limit: int | None = None) -> list[TimelineItem]:
    """Incidents the student was in, with their role; the others in it only as a count (each
    student's own timeline names them)."""
    rows = db.session.scalars(
        select(IncidentStudent)
        .where(IncidentStudent.student_id == student_id)
        .options(
            joinedload(IncidentStudent.incident).joinedload(Incident.zone),
            joinedload(IncidentStudent.incident).joinedload(Incident.created_by),
            joinedload(IncidentStudent.incident).selectinload(Incident.involved),
        )
    )
    items = []
    for row in rows:
        incident = row.incident
        zone = f" ({incident.zone.name})" if incident.zone else ""
        others = len(incident.involved) - 1
        lines = [(_("Rol"), IncidentRole.label_of(row.role)), (_("Wat"), incident.description)]
        if others:
            lines.append((_("Met"), _("%(n)s andere leerlingen", n=others)))
        items.append(
            TimelineItem(
                "incident",
                incident.occurred_at,
                _("Incident: %(kind)s", kind=incident.kind_label) + zone,
                incident.created_by.name,
                lines,
                ("desk.incident_detail", {"incident_id": incident.id}),
                tone="warn",
            )
        )
    return items


SOURCES: dict[str, Loader] = {
    "vloer": _floor,
    "vlag": _flags,
    "verslag": _reports,
    "oudercontact": _calls,
    "huisbezoek": _visits,
    "nablijfklas": _detention,
    "verzuim": _absence,
    "status": _status,
    "overdracht": _handovers,
    "notitie": _notes,
    "incident": _incidents,
}


def available_kinds() -> list[str]:
    return list(SOURCES)


def build_chronology(
    student_id: int, kinds: Iterable[str] | None = None, *, limit: int | None = None
) -> list[TimelineItem]:
    """Every item about the student, newest first; ``kinds`` limits the sources queried and
    ``limit`` the items answered (one query per source either way)."""
    wanted = set(kinds) if kinds else None
    items: list[TimelineItem] = []
    for kind, loader in SOURCES.items():
        if wanted is None or kind in wanted:
            items.extend(loader(student_id, limit))
    items.sort(key=lambda item: item.at, reverse=True)
    return items if limit is None else items[:limit]
