"""The flags section: flags raised per type, and the students flagged."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.vocabulary import FlagType
from app.extensions import db
from app.models import Flag
from app.reports.filters import in_period, in_scope
from app.reports.layout import Section, Table
from app.reports.model import FlagFigures, Report
from app.reports.rules import Count


def figures(location_ids: Sequence[int], first: datetime, last: datetime) -> FlagFigures:
    rows = db.session.execute(
        select(Flag.flag_type, Flag.student_id).where(
            in_scope(Flag.location_id, location_ids),
            in_period(Flag.raised_at, first, last),
        )
    ).all()
    flags: Counter[FlagType] = Counter()
    students: dict[FlagType, set[int]] = defaultdict(set)
    for flag_type, student_id in rows:
        flags[flag_type] += 1
        students[flag_type].add(student_id)
    return FlagFigures(
        flags={flag_type: flags[flag_type] for flag_type in FlagType},
        students={flag_type: Count(len(students[flag_type])) for flag_type in FlagType},
        students_total=Count(len({s for _t, s in rows})),
    )


def present(report: Report) -> Section:
    flags = report.flags
    rows = [[t.label, str(n), flags.students[t].shown] for t, n in flags.flags.items()]
    rows.append([_("Totaal"), str(sum(flags.flags.values())), flags.students_total.shown])
    return Section(
        "vlaggen",
        _("Vlaggen"),
        tables=[
            Table(
                "vlaggen",
                _("Vlaggen per soort"),
                [_("Soort"), _("Vlaggen"), _("Leerlingen")],
                rows,
            )
        ],
    )
