"""Urgent alerts of the location that nobody acknowledged yet (issue 23): listed first in the
digest. Floor alerts only — a Meldcode signal is for the aandachtsfunctionaris, not for the
digest's readers. Two queries, whatever the number of alerts."""

from __future__ import annotations

from sqlalchemy import select

from app.core.vocabulary import AlertKind
from app.digest.model import ActionItem, ActionKind, StudentRef
from app.digest.sections.common import STUDENT_COLUMNS, StudentRefs
from app.extensions import db
from app.models import Alert, FloorEntry, Student, Zone, floor_entry_student

FLOOR_ALERTS = (AlertKind.VEILIGHEID, AlertKind.DOORVERWEZEN)


def open_alerts(location_id: int, students: StudentRefs) -> list[ActionItem]:
    rows = db.session.execute(
        select(Alert.id, Alert.kind, Alert.created_at, Alert.entry_id, Zone.name)
        .outerjoin(FloorEntry, FloorEntry.id == Alert.entry_id)
        .outerjoin(Zone, Zone.id == FloorEntry.zone_id)
        .where(
            Alert.location_id == location_id,
            Alert.kind.in_(list(FLOOR_ALERTS)),
            Alert.acknowledged_at.is_(None),
        )
        .order_by(Alert.created_at, Alert.id)
    ).all()
    entry_ids = [entry_id for _id, _kind, _at, entry_id, _zone in rows if entry_id is not None]
    by_entry: dict[int, list[StudentRef]] = {}
    for entry_id, sid, first, last, cls in db.session.execute(
        select(floor_entry_student.c.entry_id, *STUDENT_COLUMNS)
        .join(Student, Student.id == floor_entry_student.c.student_id)
        .where(floor_entry_student.c.entry_id.in_(entry_ids or [-1]))
        .order_by(Student.class_name, Student.last_name)
    ):
        by_entry.setdefault(entry_id, []).append(students.ref(sid, first, last, cls))
    return [
        ActionItem(
            ActionKind.MELDING,
            by_entry.get(entry_id, []) if entry_id is not None else [],
            at=created_at,
            zone=zone or "",
            detail=kind,
        )
        for _id, kind, created_at, entry_id, zone in rows
    ]
