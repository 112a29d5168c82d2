"""The open work of students: what a deactivation by the student import would hide."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field

from sqlalchemy import func, select

from app.core.vocabulary import CaseStatus, FlagStatus, HandoverStatus
from app.extensions import db
from app.models import AbsenceSignal, Casus, Flag, Handover, Student


@dataclass
class OpenWork:
    """A student's open case, open flags, handover waiting for COPA and active absence
    signals, in words (Dutch, as the import's preview and command line show them)."""

    student: Student
    items: list[str] = field(default_factory=list)

    def fingerprint(self) -> list[str]:
        return [self.student.leerlingnummer, *self.items]


def open_work_of(students: Collection[Student]) -> list[OpenWork]:
    """The students of ``students`` with open work, ordered by name."""
    by_id = {student.id: student for student in students}
    if not by_id:
        return []
    ids = list(by_id)
    found: dict[int, list[str]] = {}
    for student_id, status in db.session.execute(
        select(Casus.student_id, Casus.status).where(
            Casus.student_id.in_(ids), Casus.status != CaseStatus.AFGESLOTEN
        )
    ):
        found.setdefault(student_id, []).append(f"open casus ({CaseStatus(status).dutch})")
    for student_id, count in db.session.execute(
        select(Flag.student_id, func.count())
        .where(Flag.student_id.in_(ids), Flag.status == FlagStatus.OPEN)
        .group_by(Flag.student_id)
    ):
        found.setdefault(student_id, []).append(
            "1 open vlag" if count == 1 else f"{count} open vlaggen"
        )
    for (student_id,) in db.session.execute(
        select(Casus.student_id)
        .join(Handover, Handover.case_id == Casus.id)
        .where(Casus.student_id.in_(ids), Handover.status == HandoverStatus.INGEDIEND)
        .distinct()
    ):
        found.setdefault(student_id, []).append("overdracht wacht op COPA")
    for student_id, count in db.session.execute(
        select(AbsenceSignal.student_id, func.count())
        .where(AbsenceSignal.student_id.in_(ids), AbsenceSignal.active.is_(True))
        .group_by(AbsenceSignal.student_id)
    ):
        found.setdefault(student_id, []).append(
            "actief verzuimsignaal" if count == 1 else f"{count} actieve verzuimsignalen"
        )
    work = [OpenWork(by_id[student_id], items) for student_id, items in found.items()]
    return sorted(work, key=lambda w: (w.student.sort_name, w.student.leerlingnummer))
