"""The flags section: flags raised per type, and the students flagged."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import func, select

from app.core.sql import plain_rows
from app.core.vocabulary import FlagType
from app.models import Flag
from app.reports.filters import in_period, in_scope
from app.reports.layout import Section, Table
from app.reports.model import FlagFigures, Report
from app.reports.rules import Count


def figures(location_ids: Sequence[int], first: datetime, last: datetime) -> FlagFigures:
    """Counted in SQL: a board's year raises hundreds of thousands of flags."""
    where = (
        in_scope(Flag.location_id, location_ids),
        in_period(Flag.raised_at, first, last),
    )
    flags: Counter[FlagType] = Counter()
    students: Counter[FlagType] = Counter()
    for flag_type, count, flagged in plain_rows(
        select(Flag.flag_type, func.count(), func.count(func.distinct(Flag.student_id)))
        .where(*where)
        .group_by(Flag.flag_type)
    ):
        flags[flag_type] += count
        students[flag_type] += flagged
    total = plain_rows(select(func.count(func.distinct(Flag.student_id))).where(*where)).scalar()
    return FlagFigures(
        flags={flag_type: flags[flag_type] for flag_type in FlagType},
        students={flag_type: Count(students[flag_type]) for flag_type in FlagType},
        students_total=Count(total or 0),
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
