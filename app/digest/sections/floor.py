"""The floor today: entries per kind and zone, tension severities, de-escalation outcomes and
conversation topics (one GROUP BY query)."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime

from sqlalchemy import func, select

from app.core.vocabulary import EntryKind, Outcome, Severity, Topic
from app.digest.model import FloorSection, ZoneRow
from app.digest.sections.common import between
from app.extensions import db
from app.models import FloorEntry, Zone


def floor_section(
    location_id: int, start: datetime, end: datetime, zones: list[Zone]
) -> FloorSection:
    rows = db.session.execute(
        select(
            FloorEntry.kind,
            FloorEntry.zone_id,
            FloorEntry.severity,
            FloorEntry.outcome,
            FloorEntry.topic,
            func.count(),
            func.coalesce(func.sum(FloorEntry.head_count), 0),
        )
        .where(FloorEntry.location_id == location_id, between(FloorEntry.occurred_at, start, end))
        .group_by(
            FloorEntry.kind,
            FloorEntry.zone_id,
            FloorEntry.severity,
            FloorEntry.outcome,
            FloorEntry.topic,
        )
    ).all()
    totals: Counter[EntryKind] = Counter()
    by_zone: dict[int, Counter[EntryKind]] = defaultdict(Counter)
    severities: Counter[Severity] = Counter()
    outcomes: Counter[Outcome] = Counter()
    topics: Counter[Topic] = Counter()
    group_students = 0
    for kind, zone_id, severity, outcome, topic, count, heads in rows:
        totals[kind] += count
        by_zone[zone_id][kind] += count
        if kind == EntryKind.SPANNING and severity is not None:
            severities[severity] += count
        if kind == EntryKind.DEESCALATIE and outcome is not None:
            outcomes[outcome] += count
        if kind == EntryKind.GESPREK and topic is not None:
            topics[topic] += count
        if kind == EntryKind.GROEP:
            group_students += int(heads or 0)
    zone_rows = [
        ZoneRow(z.name, {k: by_zone[z.id][k] for k in EntryKind}, sum(by_zone[z.id].values()))
        for z in zones
        if by_zone.get(z.id)
    ]
    return FloorSection(
        totals={kind: totals[kind] for kind in EntryKind},
        group_students=group_students,
        zones=zone_rows,
        # Severity and Outcome are rising scales; the digest puts what needs attention first.
        severities={severity: severities[severity] for severity in reversed(Severity)},
        outcomes={outcome: outcomes[outcome] for outcome in reversed(Outcome)},
        topics=dict(topics.most_common()),
    )
