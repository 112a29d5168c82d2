"""The hotspot grid: tensions and de-escalations per zone and quarter hour over the window,
bucketed in SQL (one GROUP BY query), laid out by :func:`app.digest.rules.build_grid`."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select

from app.core.localtime import LOCAL_TZ
from app.core.sql import epoch_bucket
from app.core.vocabulary import EntryKind
from app.digest import rules
from app.digest.sections.common import between
from app.extensions import db
from app.models import FloorEntry, Zone

HOTSPOT_KINDS = (EntryKind.SPANNING, EntryKind.DEESCALATIE)
# The UTC bucket the hotspot query groups by. Amsterdam is a whole number of hours off UTC, so
# 15-minute buckets in UTC are 15-minute slots in local time as well.
BUCKET_SECONDS = rules.SLOT_MINUTES * 60


def quarter_hour_bucket(column: Any) -> Any:
    """The UTC 15-minute bucket of a timestamp column (seconds since 1970 // 900), in SQL."""
    return epoch_bucket(column, BUCKET_SECONDS)


def hotspot_grid(
    location_id: int,
    day: date,
    window_start: datetime,
    end: datetime,
    zones: list[Zone],
    breaks: list[rules.Break],
) -> rules.HotspotGrid:
    bucket = quarter_hour_bucket(FloorEntry.occurred_at).label("bucket")
    rows = db.session.execute(
        select(FloorEntry.zone_id, FloorEntry.kind, bucket, func.count())
        .where(
            FloorEntry.location_id == location_id,
            FloorEntry.kind.in_(HOTSPOT_KINDS),
            between(FloorEntry.occurred_at, window_start, end),
        )
        .group_by(FloorEntry.zone_id, FloorEntry.kind, bucket)
    ).all()
    window: dict[tuple[int, int], rules.Counts] = defaultdict(rules.Counts)
    today: dict[tuple[int, int], rules.Counts] = defaultdict(rules.Counts)
    outside = rules.NO_COUNTS
    for zone_id, kind, bucket_value, count in rows:
        moment = datetime.fromtimestamp(int(bucket_value) * BUCKET_SECONDS, UTC).astimezone(
            LOCAL_TZ
        )
        local_day, slot = rules.local_slot_and_day(moment)
        counts = (
            rules.Counts(tensions=count)
            if kind == EntryKind.SPANNING
            else rules.Counts(deescalations=count)
        )
        if slot is None:
            outside = outside + counts
            continue
        window[(zone_id, slot)] = window[(zone_id, slot)] + counts
        if local_day == day:
            today[(zone_id, slot)] = today[(zone_id, slot)] + counts
    return rules.build_grid(
        [(z.id, z.name) for z in zones], dict(window), dict(today), breaks, outside=outside
    )
