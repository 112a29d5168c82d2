"""The detention class (nablijfklas): sessions, attendances, repeat visitors, talks."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.extensions import db
from app.models import DetentionAttendance, DetentionSession
from app.reports.filters import in_scope, on_days
from app.reports.layout import Section, Table
from app.reports.model import DetentionFigures, Report
from app.reports.rules import Count


def figures(location_ids: Sequence[int], start: date, end: date) -> DetentionFigures:
    held = (
        in_scope(DetentionSession.location_id, location_ids),
        on_days(DetentionSession.held_on, start, end),
    )
    sessions = db.session.scalar(select(func.count()).select_from(DetentionSession).where(*held))
    rows = db.session.execute(
        select(DetentionAttendance.student_id, DetentionAttendance.talk_at)
        .join(DetentionSession, DetentionSession.id == DetentionAttendance.session_id)
        .where(*held)
    ).all()
    visits = Counter(row[0] for row in rows)
    return DetentionFigures(
        sessions=int(sessions or 0),
        attendances=Count(len(rows)),
        students=Count(len(visits)),
        repeat_students=Count(sum(1 for n in visits.values() if n >= 2)),
        talks=Count(sum(1 for row in rows if row[1] is not None)),
    )


def present(report: Report) -> Section:
    det = report.detention
    det_rows = [
        [_("Sessies"), str(det.sessions)],
        [_("Aanwezigheden"), det.attendances.shown],
        [_("Leerlingen"), det.students.shown],
        [_("Leerlingen die vaker dan één keer kwamen"), det.repeat_students.shown],
        [_("Reflectiegesprekken"), det.talks.shown],
    ]
    return Section(
        "nablijfklas",
        _("Nablijfklas"),
        tables=[Table("nablijfklas", _("Nablijfklas"), [_("Wat"), _("Aantal")], det_rows)],
    )
