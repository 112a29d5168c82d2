"""Exports to the school's LVS: the CSV of a period, and "kopieer voor LVS" of one record. Both
are audited: once for the export, and once for each student in it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext
from sqlalchemy import select

from app.audit import record
from app.desk import rules
from app.desk.export.lvs import records_for_period, to_csv
from app.exceptions import DomainError
from app.extensions import db
from app.models import ConversationReport, Handover, Student, User


@dataclass(frozen=True)
class LvsExport:
    filename: str
    content: bytes  # the CSV, as Dutch Excel opens it
    rows: int


def export_period(
    user: User,
    location_ids: Sequence[int],
    start: date | None,
    end: date | None,
    *,
    reports: bool,
    handovers: bool,
) -> LvsExport:
    """The CSV of the conversation reports and handovers of a period at ``location_ids``."""
    problem = rules.export_period_error(start, end)
    if problem:
        raise DomainError(problem, field="end")
    if not (reports or handovers):
        raise DomainError(
            gettext("Kies gespreksverslagen, overdrachten of allebei."), field="reports"
        )
    assert start is not None and end is not None
    records = records_for_period(location_ids, start, end, reports=reports, handovers=handovers)
    period = f"{start.isoformat()} t/m {end.isoformat()}"
    record(user, "export", "lvs", "csv", detail=f"{period}; {len(records)} regels")
    numbers = {r.student_number for r in records}
    students = db.session.scalars(
        select(Student).where(Student.leerlingnummer.in_(numbers or {""}))
    )
    for student in students:
        record(user, "export", "lvs", "csv", student=student, detail=period)
    return LvsExport(
        filename=f"schoolfit-lvs-{start.isoformat()}-{end.isoformat()}.csv",
        content=to_csv(records),
        rows=len(records),
    )


def record_report_copied(user: User, report: ConversationReport) -> None:
    """The "kopieer voor LVS" button of a report was used."""
    record(
        user,
        "export",
        "gespreksverslag",
        report.id,
        student=report.student,
        detail="kopie voor LVS",
    )


def record_handover_copied(user: User, handover: Handover) -> None:
    """The "kopieer voor LVS" button of a handover was used."""
    record(
        user,
        "export",
        "overdracht",
        handover.id,
        student=handover.case.student,
        detail="kopie voor LVS",
    )
