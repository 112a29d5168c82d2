"""The floor section: floor entries by kind, zone, hour and weekday; tensions and
de-escalations."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select

from app.core.localtime import LOCAL_TZ
from app.core.sql import epoch_bucket
from app.extensions import db
from app.models import FloorEntry, Zone
from app.reports.model import FloorFigures

KIND_ORDER = ("contact", "gesprek", "groep", "spanning", "deescalatie", "vlag")
SEVERITY_ORDER = ("laag", "middel", "hoog")
OUTCOME_ORDER = ("opgelost", "deels", "doorverwezen")
WEEKDAYS = range(5)
# Floor work runs 08:00–11:00, but entries may be set back or made later: hours 7 to 15 show,
# anything else is counted under the nearest end.
HOURS = range(7, 16)


def _hour_bucket(column: Any) -> Any:
    """The UTC hour of a timestamp column as hours since 1970, in SQL."""
    return epoch_bucket(column, 3600)


def figures(location_ids: Sequence[int], first: datetime, last: datetime) -> FloorFigures:
    """Three aggregate queries, whatever the number of entries."""
    where = (
        FloorEntry.location_id.in_(location_ids or [-1]),
        FloorEntry.occurred_at >= first,
        FloorEntry.occurred_at < last,
    )
    kinds: Counter[str] = Counter()
    severities: Counter[str] = Counter()
    outcomes: Counter[str] = Counter()
    group_students = 0
    for kind, severity, outcome, count, heads in db.session.execute(
        select(
            FloorEntry.kind,
            FloorEntry.severity,
            FloorEntry.outcome,
            func.count(),
            func.coalesce(func.sum(FloorEntry.head_count), 0),
        )
        .where(*where)
        .group_by(FloorEntry.kind, FloorEntry.severity, FloorEntry.outcome)
    ):
        kinds[kind.value] += count
        if kind.value == "spanning" and severity is not None:
            severities[severity.value] += count
        if kind.value == "deescalatie" and outcome is not None:
            outcomes[outcome.value] += count
        if kind.value == "groep":
            group_students += int(heads or 0)
    zones = dict(
        db.session.execute(
            select(Zone.name, func.count())
            .join(FloorEntry, FloorEntry.zone_id == Zone.id)
            .where(*where)
            .group_by(Zone.name)
        ).all()
    )
    bucket = _hour_bucket(FloorEntry.occurred_at)
    hours: Counter[int] = Counter()
    weekdays: Counter[int] = Counter()
    weekend = 0
    for value, count in db.session.execute(
        select(bucket, func.count()).where(*where).group_by(bucket)
    ):
        local = datetime.fromtimestamp(int(value) * 3600, UTC).astimezone(LOCAL_TZ)
        hours[min(max(local.hour, HOURS.start), HOURS.stop - 1)] += count
        if local.weekday() < 5:
            weekdays[local.weekday()] += count
        else:
            weekend += count
    return FloorFigures(
        by_kind={k: kinds.get(k, 0) for k in KIND_ORDER},
        by_zone=sorted(zones.items(), key=lambda item: (-item[1], item[0])),
        by_hour={h: hours.get(h, 0) for h in HOURS},
        by_weekday={d: weekdays.get(d, 0) for d in WEEKDAYS},
        weekend=weekend,
        severities={s: severities.get(s, 0) for s in SEVERITY_ORDER},
        outcomes={o: outcomes.get(o, 0) for o in OUTCOME_ORDER},
        group_students=group_students,
    )
