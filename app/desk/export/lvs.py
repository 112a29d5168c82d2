"""Texts and a CSV for the school's student information system (LVS: Magister, SOMtoday).

The school records its actions in the LVS; SchoolFit produces a ready-to-paste entry. Only
what belongs in the LVS goes out: date, author, category, summary, agreements (and for a
handover its fixed format). Internal-only fields (the report's internal note, floor notes,
case notes) never do.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.core.csv_export import csv_text
from app.core.localtime import LOCAL_TZ, local_day_bounds
from app.core.vocabulary import HandoverStatus, in_dutch
from app.extensions import db
from app.models import Casus, ConversationReport, Handover, Student


def _day(value: date | datetime) -> str:
    if isinstance(value, datetime):
        value = value.astimezone(LOCAL_TZ).date()
    return value.strftime("%d-%m-%Y")


@dataclass(frozen=True)
class LvsRecord:
    """One LVS log entry, as text block and as CSV row."""

    day: date
    student_number: str
    student_name: str
    class_name: str
    location: str
    author: str
    category: str
    summary: str
    agreements: str

    def text(self) -> str:
        lines = [
            f"Datum: {_day(self.day)}",
            f"Auteur: {self.author} (SchoolFit)",
            f"Categorie: {self.category}",
            "",
            "Samenvatting:",
            self.summary,
        ]
        if self.agreements:
            lines += ["", "Afspraken:", self.agreements]
        return "\n".join(lines).strip() + "\n"


@in_dutch
def report_record(report: ConversationReport) -> LvsRecord:
    category = f"Gesprek met {report.partners_label}"
    if report.topic_codes:
        category += f" – {report.topics_label}"
    agreements = report.agreements
    if report.next_step:
        due = f" (uiterlijk {_day(report.next_step_due)})" if report.next_step_due else ""
        agreements = (agreements + "\n" if agreements else "") + (
            f"Volgende stap: {report.next_step}{due}"
        )
    student = report.student
    return LvsRecord(
        day=report.held_on,
        student_number=student.leerlingnummer,
        student_name=student.full_name,
        class_name=student.class_name,
        location=student.location.code,
        author=report.author.name,
        category=category,
        summary=report.summary,
        agreements=agreements,
    )


@in_dutch
def handover_record(handover: Handover) -> LvsRecord:
    student = handover.case.student
    moment = handover.moment_at.astimezone(LOCAL_TZ).strftime("%d-%m-%Y %H:%M")
    criteria = "\n".join(f"- {label}" for label in handover.criteria_labels)
    summary = (
        f"Criteria voor overdracht:\n{criteria}\n\n"
        f"Wat SchoolFit heeft gedaan:\n{handover.summary}\n\n"
        f"Hulpvragen:\n{handover.help_questions}"
    )
    agreements = f"Voorgestelde vervolgstap: {handover.proposed_next_step}\n"
    agreements += f"Overdrachtsmoment: {moment}" + (f", {handover.place}" if handover.place else "")
    if handover.teamleider is not None:
        agreements += f"\nTeamleider: {handover.teamleider.name}"
    if handover.status == HandoverStatus.GEACCEPTEERD:
        agreements += (
            f"\nGeaccepteerd door COPA op {_day(handover.decided_at or handover.submitted_at)}"
        )
    return LvsRecord(
        day=handover.submitted_at.astimezone(LOCAL_TZ).date(),
        student_number=student.leerlingnummer,
        student_name=student.full_name,
        class_name=student.class_name,
        location=student.location.code,
        author=handover.submitted_by.name,
        category="Overdracht naar COPA",
        summary=summary,
        agreements=agreements,
    )


def records_for_period(
    location_ids: Iterable[int],
    start: date,
    end: date,
    *,
    reports: bool = True,
    handovers: bool = True,
) -> list[LvsRecord]:
    """Reports (by date held) and handovers (by date submitted) of the period, inclusive."""
    ids = list(location_ids) or [-1]
    records: list[LvsRecord] = []
    if reports:
        reports_held = db.session.scalars(
            select(ConversationReport)
            .join(Student, Student.id == ConversationReport.student_id)
            .where(
                Student.location_id.in_(ids),
                ConversationReport.held_on >= start,
                ConversationReport.held_on <= end,
            )
            .options(
                joinedload(ConversationReport.student).joinedload(Student.location),
                joinedload(ConversationReport.author),
            )
        )
        records += [report_record(r) for r in reports_held]
    if handovers:
        first, _ = local_day_bounds(start)
        _, last = local_day_bounds(end)
        handovers_made = db.session.scalars(
            select(Handover)
            .join(Casus, Casus.id == Handover.case_id)
            .join(Student, Student.id == Casus.student_id)
            .where(
                Student.location_id.in_(ids),
                Handover.submitted_at >= first,
                Handover.submitted_at < last,
            )
            .options(
                joinedload(Handover.case).joinedload(Casus.student).joinedload(Student.location),
                joinedload(Handover.submitted_by),
                joinedload(Handover.teamleider),
            )
        )
        records += [handover_record(h) for h in handovers_made]
    return sorted(records, key=lambda r: (r.day, r.student_number, r.category))


CSV_COLUMNS = [
    "datum",
    "leerlingnummer",
    "leerling",
    "klas",
    "locatie",
    "auteur",
    "categorie",
    "samenvatting",
    "afspraken",
]


def to_csv(records: Iterable[LvsRecord]) -> bytes:
    """Semicolon-separated UTF-8 with a byte-order mark, as Dutch Excel opens it; every cell
    guarded against formula injection (app.core.csv_export)."""
    rows = (
        (
            _day(record.day),
            record.student_number,
            record.student_name,
            record.class_name,
            record.location,
            record.author,
            record.category,
            record.summary,
            record.agreements,
        )
        for record in records
    )
    return csv_text(CSV_COLUMNS, rows).encode("utf-8")
