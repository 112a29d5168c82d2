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
from app.reports.layout import Section, Table
from app.reports.model import FlagFigures, Report
from app.reports.rules import Count

FLAG_ORDER = ("zorg", "verzuimsignaal", "conflict", "thuissituatie", "veiligheid", "opvolgen")


def figures(location_ids: Sequence[int], first: datetime, last: datetime) -> FlagFigures:
    rows = db.session.execute(
        select(Flag.flag_type, Flag.student_id).where(
            Flag.location_id.in_(location_ids or [-1]),
            Flag.raised_at >= first,
            Flag.raised_at < last,
        )
    ).all()
    flags: Counter[str] = Counter()
    students: dict[str, set[int]] = defaultdict(set)
    for flag_type, student_id in rows:
        flags[flag_type.value] += 1
        students[flag_type.value].add(student_id)
    return FlagFigures(
        flags={t: flags.get(t, 0) for t in FLAG_ORDER},
        students={t: Count(len(students.get(t, ()))) for t in FLAG_ORDER},
        students_total=Count(len({s for _t, s in rows})),
    )


def present(report: Report) -> Section:
    flags = report.flags
    rows = [[FlagType(t).label, str(flags.flags[t]), flags.students[t].shown] for t in flags.flags]
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
