"""The detention class (nablijfklas): sessions, attendances, repeat visitors, talks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from sqlalchemy import func, select

from app.extensions import db
from app.models import DetentionAttendance, DetentionSession
from app.reports.model import DetentionFigures
from app.reports.rules import Count


def figures(location_ids: Sequence[int], start: date, end: date) -> DetentionFigures:
    sessions = db.session.scalar(
        select(func.count())
        .select_from(DetentionSession)
        .where(
            DetentionSession.location_id.in_(location_ids or [-1]),
            DetentionSession.held_on >= start,
            DetentionSession.held_on <= end,
        )
    )
    rows = db.session.execute(
        select(DetentionAttendance.student_id, DetentionAttendance.talk_at)
        .join(DetentionSession, DetentionSession.id == DetentionAttendance.session_id)
        .where(
            DetentionSession.location_id.in_(location_ids or [-1]),
            DetentionSession.held_on >= start,
            DetentionSession.held_on <= end,
        )
    ).all()
    visits = Counter(row[0] for row in rows)
    return DetentionFigures(
        sessions=int(sessions or 0),
        attendances=Count(len(rows)),
        students=Count(len(visits)),
        repeat_students=Count(sum(1 for n in visits.values() if n >= 2)),
        talks=Count(sum(1 for row in rows if row[1] is not None)),
    )
