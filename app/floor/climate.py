"""The climate check (klimaatcheck): one tap per zone visited today — rustig, wisselend or
onrustig. It travels in the same offline queue and batch as the floor entries."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime
from functools import cache
from typing import Any, NamedTuple

from sqlalchemy import Select, bindparam, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import joinedload, selectinload

from app.auth.plain_user import Staff
from app.core.localtime import local_today
from app.core.sql import on_connection, table_of
from app.core.vocabulary import ClimateRating
from app.extensions import db
from app.floor import reasons
from app.floor.validation import MAX_AGE, Rejected, db_id, parse_time
from app.models import ClimateCheck, Location, User, Zone
from app.models.climate import CLIMATE_NOTE_MAX


class ClimateRejected(Exception):
    """One climate check cannot be accepted; the message is kept with it in quarantine."""


class ZoneRef(NamedTuple):
    """A zone as a sync checks and stores it: its id, its location, and the location's code (for
    the reason when the location is not the user's). A plain row, not a loaded model."""

    id: int
    location_id: int
    location_code: str


@dataclass(frozen=True)
class ValidClimate:
    zone: ZoneRef
    day: date
    rating: ClimateRating
    note: str
    checked_at: datetime


def zone_ids_of(items: Sequence[object]) -> list[int]:
    ids = {db_id(item.get("zone_id")) for item in items if isinstance(item, Mapping)}
    return [zone_id for zone_id in ids if zone_id is not None]


def load_zones(items: Sequence[object]) -> dict[int, Zone]:
    """The zones ``items`` name, with their location: one query (a join), none for no zones.
    Read per request, never cached: beheer may move or close a zone in another worker."""
    ids = zone_ids_of(items)
    if not ids:
        return {}
    return {zone.id: zone for zone in db.session.scalars(_zones_query(), {"ids": ids})}


def zone_refs(items: Sequence[object]) -> dict[int, ZoneRef]:
    """What the sync needs of the zones ``items`` name (:class:`ZoneRef`): one query (a join),
    none for no zones. Plain rows, not models: loading models cost a sync request more than
    running the query. Read per request, never cached (see :func:`load_zones`)."""
    ids = zone_ids_of(items)
    if not ids:
        return {}
    rows = on_connection(_zone_refs_query(), {"ids": ids})
    return {row[0]: ZoneRef(*row) for row in rows}


@cache
def _zone_refs_query() -> Select[int, int, str]:
    zone, location = table_of(Zone), table_of(Location)
    return (
        select(zone.c.id, zone.c.location_id, location.c.code)
        .join_from(zone, location, zone.c.location_id == location.c.id)
        .where(zone.c.id.in_(bindparam("ids", expanding=True)))
    )


@cache
def _zones_query() -> Select[Zone]:
    # Built once (the ids go in as a parameter): building it costs more than running it.
    return (
        select(Zone)
        .where(Zone.id.in_(bindparam("ids", expanding=True)))
        .options(joinedload(Zone.location))
    )


def validate_climate(
    user: Staff, raw: Mapping[str, Any], zones: Mapping[int, ZoneRef], now: datetime
) -> ValidClimate:
    zone_id = db_id(raw.get("zone_id"))
    zone = zones.get(zone_id) if zone_id is not None else None
    if zone is None:
        raise ClimateRejected(reasons.UNKNOWN_ZONE)
    if zone.location_id not in user.location_ids:
        raise ClimateRejected(reasons.LOCATION_NOT_YOURS % {"code": zone.location_code})
    try:
        rating = ClimateRating(str(raw.get("rating")))
    except ValueError:
        raise ClimateRejected(
            reasons.UNKNOWN_RATING % {"value": str(raw.get("rating"))[:20]}
        ) from None
    try:
        checked_at = parse_time(raw.get("checked_at"), now)
    except Rejected as problem:
        raise ClimateRejected(str(problem)) from None
    try:
        day = date.fromisoformat(str(raw.get("day")))
    except ValueError:
        raise ClimateRejected(reasons.BAD_DAY) from None
    if day > local_today(now) or day < (now - MAX_AGE).date():
        raise ClimateRejected(reasons.DAY_OUT_OF_RANGE)
    note = raw.get("note") or ""
    if not isinstance(note, str):
        raise ClimateRejected(reasons.NOTE_NOT_TEXT)
    if len(note.strip()) > CLIMATE_NOTE_MAX:
        raise ClimateRejected(reasons.NOTE_TOO_LONG % {"max": CLIMATE_NOTE_MAX})
    return ValidClimate(zone, day, rating, note.strip(), checked_at)


def store_climate(user: Staff, check: ValidClimate, now: datetime) -> None:
    """Insert, or replace the same staff × zone × day check when this tap is newer.

    The database decides (ON CONFLICT … DO UPDATE … WHERE older), so a retry or an old offline
    tap arriving late never overwrites a newer one."""
    values = {
        "staff_id": user.id,
        "location_id": check.zone.location_id,
        "zone_id": check.zone.id,
        "day": check.day,
        "rating": check.rating,
        "note": check.note,
        "checked_at": check.checked_at,
        "received_at": now,
    }
    dialect = db.session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    statement = insert(ClimateCheck).values(**values)
    statement = statement.on_conflict_do_update(
        index_elements=["staff_id", "zone_id", "day"],
        set_={
            "rating": statement.excluded.rating,
            "note": statement.excluded.note,
            "checked_at": statement.excluded.checked_at,
            "received_at": statement.excluded.received_at,
        },
        where=ClimateCheck.checked_at < statement.excluded.checked_at,
    )
    db.session.execute(statement)


def checks_for_day(user: User, day: date) -> list[ClimateCheck]:
    return list(
        db.session.scalars(
            select(ClimateCheck)
            .where(ClimateCheck.staff_id == user.id, ClimateCheck.day == day)
            .options(selectinload(ClimateCheck.zone))
        )
    )


def check_summary(check: ClimateCheck) -> dict[str, Any]:
    return {
        "zone_id": check.zone_id,
        "zone": check.zone.name,
        "day": check.day.isoformat(),
        "rating": check.rating.value,
        "checked_at": check.checked_at.astimezone(UTC).isoformat(),
    }
