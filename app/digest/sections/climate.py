"""The climate per zone: positive moments against tensions over the window (last four school
weeks), and today's klimaatcheck taps."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date, datetime

from sqlalchemy import func, select

from app.core.vocabulary import ClimateRating, EntryKind
from app.digest import rules
from app.digest.model import ClimateSection, ZoneClimate
from app.digest.sections.common import between
from app.extensions import db
from app.models import ClimateCheck, FloorEntry, Zone

# What counts as a positive moment in the climate figure.
POSITIVE_KINDS = (EntryKind.CONTACT, EntryKind.GESPREK, EntryKind.GROEP)


def climate_section(
    location_id: int, day: date, window_start: datetime, end: datetime, zones: list[Zone]
) -> ClimateSection:
    rows = db.session.execute(
        select(FloorEntry.zone_id, FloorEntry.kind, func.count())
        .where(
            FloorEntry.location_id == location_id,
            FloorEntry.kind.in_([*POSITIVE_KINDS, EntryKind.SPANNING]),
            between(FloorEntry.occurred_at, window_start, end),
        )
        .group_by(FloorEntry.zone_id, FloorEntry.kind)
    ).all()
    positive: Counter[int] = Counter()
    tensions: Counter[int] = Counter()
    for zone_id, kind, count in rows:
        if kind == EntryKind.SPANNING:
            tensions[zone_id] += count
        else:
            positive[zone_id] += count
    ratings: dict[int, Counter[ClimateRating]] = defaultdict(Counter)
    for zone_id, rating, count in db.session.execute(
        select(ClimateCheck.zone_id, ClimateCheck.rating, func.count())
        .where(ClimateCheck.location_id == location_id, ClimateCheck.day == day)
        .group_by(ClimateCheck.zone_id, ClimateCheck.rating)
    ).all():
        ratings[zone_id][rating] += count
    figures = [
        ZoneClimate(
            z.name,
            rules.climate_figure(positive[z.id], tensions[z.id]),
            {r: ratings[z.id][r] for r in ClimateRating if ratings[z.id][r]},
        )
        for z in zones
        if positive[z.id] or tensions[z.id] or ratings.get(z.id)
    ]
    return ClimateSection(
        zones=figures,
        overall=rules.climate_figure(sum(positive.values()), sum(tensions.values())),
    )
