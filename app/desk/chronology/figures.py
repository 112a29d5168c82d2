"""Counts of what SchoolFit did for a student, in words, for the handover's prefilled summary
(stored, so in Dutch whatever the reader's language), and an absence signal's figures."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from typing import Any

from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.vocabulary import AbsenceRule, CallResult, ConversationPartner, EntryKind, VisitStatus
from app.extensions import db
from app.models import (
    AbsenceSignal,
    CallAttempt,
    ConversationReport,
    DetentionAttendance,
    Flag,
    FloorEntry,
    HomeVisit,
    ParentCall,
    floor_entry_student,
)


def absence_figures(signal: Any) -> str:
    """The figures of one absence signal in words (the reader's language): hours, days, sick
    reports, count."""
    parts = []
    hours = getattr(signal, "hours", 0) or 0
    if hours:
        parts.append(_("%(hours)s uur", hours=f"{hours:g}"))
    if days := getattr(signal, "days", 0):
        parts.append(ngettext("%(num)d dag", "%(num)d dagen", days))
    if episodes := getattr(signal, "episodes", 0):
        parts.append(ngettext("%(num)d ziekmelding", "%(num)d ziekmeldingen", episodes))
    if (count := getattr(signal, "count", 0)) and not parts:
        parts.append(ngettext("%(num)d keer", "%(num)d keer", count))
    return ", ".join(parts)


def signal_day(signal: Any) -> date | None:
    for name in ("triggered_on", "window_end", "evaluated_on"):
        value = getattr(signal, name, None)
        if isinstance(value, date):
            return value
    return None


@dataclass
class StudentFigures:
    floor_contacts: int = 0
    floor_talks: int = 0
    flags: int = 0
    reports: int = 0
    reports_by_partner: str = ""
    call_attempts: int = 0
    calls_reached: int = 0
    interpreter_languages: str = ""
    visits_done: int = 0
    detention_sessions: int = 0
    absence_summary: str = ""


def student_figures(student_id: int) -> StudentFigures:
    """Counts of what SchoolFit did for a student (a handful of aggregate queries)."""
    figures = StudentFigures()
    kinds = db.session.execute(
        select(FloorEntry.kind, func.count())
        .join(floor_entry_student, floor_entry_student.c.entry_id == FloorEntry.id)
        .where(floor_entry_student.c.student_id == student_id, FloorEntry.kind != EntryKind.VLAG)
        .group_by(FloorEntry.kind)
    ).all()
    figures.floor_contacts = sum(count for _kind, count in kinds)
    figures.floor_talks = sum(count for kind, count in kinds if kind == EntryKind.GESPREK)
    figures.flags = (
        db.session.scalar(
            select(func.count()).select_from(Flag).where(Flag.student_id == student_id)
        )
        or 0
    )
    partners: Counter[str] = Counter()
    for (with_whom,) in db.session.execute(
        select(ConversationReport.with_whom).where(ConversationReport.student_id == student_id)
    ):
        figures.reports += 1
        for code in with_whom.split(","):
            if code:
                partners[
                    ConversationPartner(code).dutch
                    if code in ConversationPartner.values()
                    else code
                ] += 1
    figures.reports_by_partner = ", ".join(f"{name} {n}" for name, n in partners.most_common())
    attempts = db.session.execute(
        select(CallAttempt.result, func.count())
        .join(ParentCall, ParentCall.id == CallAttempt.call_id)
        .where(ParentCall.student_id == student_id)
        .group_by(CallAttempt.result)
    ).all()
    figures.call_attempts = sum(count for _result, count in attempts)
    figures.calls_reached = sum(
        count
        for result, count in attempts
        if result in (CallResult.GESPROKEN, CallResult.TERUGGEBELD)
    )
    languages = db.session.scalars(
        select(ParentCall.language)
        .where(ParentCall.student_id == student_id, ParentCall.interpreter_needed.is_(True))
        .distinct()
    ).all()
    figures.interpreter_languages = ", ".join(sorted({lang for lang in languages if lang}))
    figures.visits_done = (
        db.session.scalar(
            select(func.count())
            .select_from(HomeVisit)
            .where(HomeVisit.student_id == student_id, HomeVisit.status == VisitStatus.GEDAAN)
        )
        or 0
    )
    figures.detention_sessions = (
        db.session.scalar(
            select(func.count())
            .select_from(DetentionAttendance)
            .where(DetentionAttendance.student_id == student_id)
        )
        or 0
    )
    figures.absence_summary = _absence_summary(student_id)
    return figures


def _absence_summary(student_id: int) -> str:
    """Absence figures from the absence capability's signals, in Dutch whatever the reader's
    language: the summary is stored in the handover and must read the same for everyone."""
    with force_locale("nl"):
        return _dutch_absence_summary(student_id)


def _dutch_absence_summary(student_id: int) -> str:
    signals = db.session.scalars(
        select(AbsenceSignal)
        .where(AbsenceSignal.student_id == student_id)
        .order_by(AbsenceSignal.triggered_on.desc())
    ).all()
    if not signals:
        return "geen verzuimsignalen"
    parts = []
    for signal in signals[:6]:
        day = signal_day(signal)
        details = [f"{day:%d-%m-%Y}" if day else "", absence_figures(signal)]
        if not signal.active:
            details.append("niet meer actief")
        parts.append(f"{AbsenceRule(signal.rule).dutch} ({', '.join(d for d in details if d)})")
    more = len(signals) - len(parts)
    return "; ".join(parts) + (f"; en nog {more}" if more > 0 else "")
