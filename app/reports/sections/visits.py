"""Home visits: by status, students, visits by two people and by a mixed pair."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.vocabulary import VisitStatus
from app.extensions import db
from app.models import HomeVisit, Student
from app.reports.filters import in_period, in_scope
from app.reports.layout import Table
from app.reports.model import Report, VisitFigures
from app.reports.rules import Count


def figures(location_ids: Sequence[int], first: datetime, last: datetime) -> VisitFigures:
    visits = db.session.execute(
        select(
            HomeVisit.status,
            HomeVisit.student_id,
            HomeVisit.staff_two_id,
            HomeVisit.companion,
            HomeVisit.mixed_pair,
        )
        .join(Student, Student.id == HomeVisit.student_id)
        .where(
            in_scope(Student.location_id, location_ids),
            in_period(HomeVisit.planned_at, first, last),
        )
    ).all()
    statuses = Counter(row[0] for row in visits)
    done = [row for row in visits if row[0] == VisitStatus.GEDAAN]
    return VisitFigures(
        by_status={status: Count(statuses[status]) for status in VisitStatus},
        students=Count(len({row[1] for row in visits})),
        two_people=Count(sum(1 for row in done if row[2] or row[3])),
        mixed_pairs=Count(sum(1 for row in done if row[4])),
    )


def table(report: Report) -> Table:
    visits = report.visits
    visit_rows = [[status.label, c.shown] for status, c in visits.by_status.items()]
    visit_rows += [
        [_("Leerlingen"), visits.students.shown],
        [_("Gedaan met z'n tweeën"), visits.two_people.shown],
        [_("Gedaan door een gemengd duo"), visits.mixed_pairs.shown],
    ]
    return Table("huisbezoeken", _("Huisbezoeken"), [_("Wat"), _("Aantal")], visit_rows)
