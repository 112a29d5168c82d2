"""Locations and zones."""

from __future__ import annotations

from flask_babel import gettext
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from app.exceptions import DomainError
from app.extensions import db
from app.models import Location, Zone


def list_locations() -> list[Location]:
    return list(
        db.session.scalars(
            select(Location)
            .options(selectinload(Location.zones), selectinload(Location.break_times))
            .order_by(Location.code)
        ).all()
    )


def add_zone(
    location: Location, name: str, position: int | None = None, *, on_floor: bool = True
) -> Zone:
    """A new active zone; ``on_floor`` False for a zone of desk work only (not on the floor)."""
    name = name.strip()
    if not name:
        raise DomainError(gettext("Vul een naam in."), field="name")
    exists = db.session.scalar(
        select(Zone).where(Zone.location_id == location.id, func.lower(Zone.name) == name.lower())
    )
    if exists is not None:
        raise DomainError(
            gettext("Zone '%(name)s' bestaat al op %(code)s.", name=name, code=location.code),
            field="name",
        )
    if position is None:
        position = (
            db.session.scalar(
                select(func.max(Zone.position)).where(Zone.location_id == location.id)
            )
            or 0
        ) + 1
    zone = Zone(location=location, name=name, position=position, active=True, on_floor=on_floor)
    db.session.add(zone)
    db.session.flush()
    return zone


def set_zone_on_floor(zone: Zone, on_floor: bool) -> None:
    """A place on the floor (shown on the phones) or for desk work only (a home visit, a phone
    call). Entries already logged in the zone keep it."""
    zone.on_floor = on_floor


def set_zone_active(zone: Zone, active: bool) -> None:
    """Zones are deactivated, never deleted: old floor entries keep pointing at them."""
    zone.active = active
