"""Incidents (issue 23): how many of each kind, and where, with the students in them; the
view the Wet veiligheid op school asks schools to keep. Counts of 1 to 4 show "<5"."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Sequence
from datetime import datetime

from flask_babel import gettext as _
from sqlalchemy import select

from app.core.vocabulary import IncidentKind
from app.extensions import db
from app.models import Incident, IncidentStudent, Zone
from app.reports.filters import in_period, in_scope
from app.reports.layout import Section, Table
from app.reports.model import IncidentFigures, Report
from app.reports.rules import Count


def figures(location_ids: Sequence[int], first: datetime, last: datetime) -> IncidentFigures:
    where = (
        in_scope(Incident.location_id, location_ids),
        in_period(Incident.occurred_at, first, last),
    )
    incidents = db.session.execute(
        select(Incident.id, Incident.kind, Zone.name)
        .outerjoin(Zone, Zone.id == Incident.zone_id)
        .where(*where)
    ).all()
    involved = db.session.execute(
        select(Incident.kind, IncidentStudent.student_id)
        .join(IncidentStudent, IncidentStudent.incident_id == Incident.id)
        .where(*where)
    ).all()
    kinds = Counter(kind for _id, kind, _zone in incidents)
    zones = Counter(zone or _("onbekend") for _id, _kind, zone in incidents)
    students: dict[IncidentKind, set[int]] = defaultdict(set)
    for kind, student_id in involved:
        students[kind].add(student_id)
    return IncidentFigures(
        by_kind={kind: Count(kinds[kind]) for kind in IncidentKind},
        students_by_kind={kind: Count(len(students[kind])) for kind in IncidentKind},
        by_zone=[(zone, Count(n)) for zone, n in zones.most_common()],
        total=Count(len(incidents)),
        students=Count(len({s for _kind, s in involved})),
    )


def present(report: Report) -> Section:
    figures_ = report.incidents
    kind_rows: list[list[str]] = []
    zone_rows: list[list[str]] = []
    if figures_ is not None:
        kind_rows = [
            [kind.label, count.shown, figures_.students_by_kind[kind].shown]
            for kind, count in figures_.by_kind.items()
        ]
        kind_rows.append([_("Totaal"), figures_.total.shown, figures_.students.shown])
        zone_rows = [[zone, count.shown] for zone, count in figures_.by_zone]
    return Section(
        "incidenten",
        _("Incidenten"),
        tables=[
            Table(
                "incidenten-soort",
                _("Incidenten per soort"),
                [_("Soort"), _("Incidenten"), _("Leerlingen betrokken")],
                kind_rows,
            ),
            Table(
                "incidenten-zone", _("Incidenten per zone"), [_("Zone"), _("Incidenten")], zone_rows
            ),
        ],
    )
