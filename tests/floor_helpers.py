"""Building floor entries the way the phone does (a JSON batch item)."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, datetime, timedelta
from typing import Any

from app.models import Location


def entry(
    location: Location,
    kind: str = "contact",
    *,
    zone: str = "aula",
    minutes_ago: int = 1,
    students: list[str] | None = None,
    **fields: Any,
) -> dict[str, Any]:
    zone_id = next(z.id for z in location.zones if z.name == zone)
    item: dict[str, Any] = {
        "uuid": str(uuid_module.uuid4()),
        "kind": kind,
        "zone_id": zone_id,
        "occurred_at": (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(),
        "students": students or [],
        "note": "",
        "made_offline": False,
    }
    item.update(fields)
    return item
