"""Parent calls: tasks made, students, parents reached, interpreters, attempts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.sql import plain_rows
from app.core.vocabulary import CallResult
from app.models import CallAttempt, ParentCall, Student
from app.reports import rules
from app.reports.filters import in_period, in_scope
from app.reports.layout import Table
from app.reports.model import CallFigures, Report
from app.reports.rules import Count

REACHED = (CallResult.GESPROKEN, CallResult.TERUGGEBELD)


def figures(location_ids: Sequence[int], first: datetime, last: datetime) -> CallFigures:
    chosen = (
        in_scope(Student.location_id, location_ids),
        in_period(ParentCall.created_at, first, last),
    )
    calls = plain_rows(
        select(ParentCall.id, ParentCall.student_id, ParentCall.interpreter_needed)
        .join(Student, Student.id == ParentCall.student_id)
        .where(*chosen)
    ).all()
    reached: set[int] = set()
    attempts = 0
    if calls:
        # The same calls by a join, not an IN list of their ids (thousands at a board's scale).
        for call_id, result in plain_rows(
            select(CallAttempt.call_id, CallAttempt.result)
            .join(ParentCall, ParentCall.id == CallAttempt.call_id)
            .join(Student, Student.id == ParentCall.student_id)
            .where(*chosen)
        ):
            attempts += 1
            if result in REACHED:
                reached.add(call_id)
    total = len(calls)
    return CallFigures(
        calls=Count(total),
        students=Count(len({row[1] for row in calls})),
        reached=Count(len(reached)),
        reached_percent=rules.share(len(reached), total) if total >= rules.MIN_STUDENTS else None,
        interpreter=Count(sum(1 for row in calls if row[2])),
        attempts=attempts,
    )


def table(report: Report) -> Table:
    calls = report.calls
    call_rows = [
        [_("Oudercontacten (taken aangemaakt)"), calls.calls.shown],
        [_("Leerlingen"), calls.students.shown],
        [_("Bereikt (gesproken of teruggebeld)"), calls.reached.shown],
        [
            _("Aandeel bereikt"),
            f"{calls.reached_percent}%" if calls.reached_percent is not None else "–",
        ],
        [_("Tolk nodig"), calls.interpreter.shown],
        [_("Belpogingen"), str(calls.attempts)],
    ]
    return Table("oudercontact", _("Oudercontact"), [_("Wat"), _("Aantal")], call_rows)
