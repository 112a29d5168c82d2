"""Building floor entries and climate checks the way the phone does (items of a JSON batch),
and the CSRF token the floor API hands out."""

from __future__ import annotations

import uuid as uuid_module
from datetime import UTC, date, datetime, timedelta
from typing import Any

from flask.testing import FlaskClient

from app.core.localtime import local_today
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


def climate_check(
    location: Location,
    zone: str = "aula",
    rating: str = "rustig",
    *,
    minutes_ago: int = 1,
    day: date | None = None,
    note: str = "",
) -> dict[str, Any]:
    """A climate check (a zone's rating for the day) as the phone sends it."""
    return {
        "uuid": str(uuid_module.uuid4()),
        "zone_id": next(z.id for z in location.zones if z.name == zone),
        "day": (day or local_today()).isoformat(),
        "rating": rating,
        "note": note,
        "checked_at": (datetime.now(UTC) - timedelta(minutes=minutes_ago)).isoformat(),
    }


def floor_csrf(client: FlaskClient) -> str:
    """The CSRF token the floor API hands the signed-in phone."""
    return client.get("/api/floor/csrf").get_json()["token"]
