"""Sync entries the floor API quarantined today, counted for the location that sent them."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select

from app.digest.model import QuarantineFigures
from app.digest.sections.common import between
from app.extensions import db
from app.models import QuarantinedEntry, Zone, user_location


def _payload_zone_id(payload: str) -> int | None:
    """The zone a quarantined payload names, when it names one (climate taps are wrapped)."""
    try:
        data = json.loads(payload)
    except (TypeError, ValueError):
        return None
    if isinstance(data, dict) and isinstance(data.get("climate"), dict):
        data = data["climate"]
    if not isinstance(data, dict):
        return None
    value = data.get("zone_id")
    if isinstance(value, bool) or not isinstance(value, int | str):
        return None
    try:
        return int(value)
    except ValueError:
        return None


def quarantine_figures(
    location_id: int, start: datetime, end: datetime, own_zone_ids: set[int]
) -> QuarantineFigures:
    """Sync entries quarantined today, sent by staff of this location. A quarantined entry has
    no location of its own: one that names a zone of another location counts there, not here;
    one without a usable zone counts for each of its sender's locations."""
    rows = db.session.execute(
        select(QuarantinedEntry.payload, QuarantinedEntry.resolved_at)
        .join(user_location, user_location.c.user_id == QuarantinedEntry.staff_id)
        .where(
            user_location.c.location_id == location_id,
            between(QuarantinedEntry.received_at, start, end),
        )
    ).all()
    zone_of = [(_payload_zone_id(payload), resolved_at) for payload, resolved_at in rows]
    foreign = {z for z, _ in zone_of if z is not None and z not in own_zone_ids}
    if foreign:
        existing = set(db.session.scalars(select(Zone.id).where(Zone.id.in_(foreign))))
        foreign &= existing
    counted = [resolved for zone_id, resolved in zone_of if zone_id not in foreign]
    return QuarantineFigures(
        received=len(counted), unresolved=sum(1 for resolved in counted if resolved is None)
    )
