"""The weekly handover moments of a location (no personal data) and the next occurrences."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time

from flask_babel import gettext
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from app.access.desk_records import manages_slots_at, slots_manageable_by
from app.core import roles
from app.core.stored_text import N_
from app.desk import rules
from app.desk.common import clean_text
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    HandoverSlot,
    Location,
    User,
)
from app.models.types import utcnow


def slots_for(location_ids: Iterable[int], *, active_only: bool = True) -> list[HandoverSlot]:
    query = (
        select(HandoverSlot)
        .where(HandoverSlot.location_id.in_(list(location_ids) or [-1]))
        .options(joinedload(HandoverSlot.location))
        .order_by(HandoverSlot.location_id, HandoverSlot.weekday, HandoverSlot.starts_at)
    )
    if active_only:
        query = query.where(HandoverSlot.active.is_(True))
    return list(db.session.scalars(query))


@dataclass(frozen=True)
class Moment:
    at: datetime  # aware UTC
    place: str
    slot_id: int

    @property
    def value(self) -> str:
        return self.at.isoformat()


def upcoming_moments(
    location_id: int, *, now: datetime | None = None, weeks: int = 4
) -> list[Moment]:
    """The next handover moments of a location (each weekly slot, ``weeks`` ahead)."""
    now = now or utcnow()
    moments = [
        Moment(at=at, place=slot.place, slot_id=slot.id)
        for slot in slots_for([location_id])
        for at in rules.next_moments(rules.SlotTime(slot.weekday, slot.starts_at), now, weeks)
    ]
    return sorted(moments, key=lambda m: m.at)


def add_slot(
    user: User,
    *,
    location: Location | None,
    weekday: int | None,
    starts_at: time | None,
    place: str | None,
) -> HandoverSlot:
    if user.role not in roles.SLOT_MANAGERS:
        raise DomainError(gettext("Je kunt geen overdrachtsmomenten instellen."))
    if location is None or not manages_slots_at(user, location.id):
        raise DomainError(gettext("Kies een van je locaties."), field="location")
    if weekday is None or not 0 <= weekday <= 6:
        raise DomainError(gettext("Kies een dag."), field="weekday")
    if starts_at is None:
        raise DomainError(gettext("Kies een tijd."), field="starts_at")
    exists_already = db.session.scalar(
        select(HandoverSlot).where(
            HandoverSlot.location_id == location.id,
            HandoverSlot.weekday == weekday,
            HandoverSlot.starts_at == starts_at,
        )
    )
    place_text = clean_text(place, N_("de plaats"), 120, required=False, field="place")
    if exists_already is not None:
        if exists_already.active:
            raise DomainError(gettext("Dit overdrachtsmoment bestaat al."), field="starts_at")
        exists_already.active = True
        exists_already.place = place_text
        db.session.flush()
        return exists_already
    slot = HandoverSlot(
        location_id=location.id, weekday=weekday, starts_at=starts_at, place=place_text, active=True
    )
    db.session.add(slot)
    db.session.flush()
    return slot


def find_slot(user: User, slot_id: int) -> HandoverSlot | None:
    return db.session.scalar(slots_manageable_by(user).where(HandoverSlot.id == slot_id))


def set_slot_active(user: User, slot: HandoverSlot, active: bool | None = None) -> None:
    """Switch a handover moment off or on (None: the other way round); past handovers keep
    their moment."""
    if not manages_slots_at(user, slot.location_id):
        raise DomainError(gettext("Je kunt dit overdrachtsmoment niet wijzigen."))
    slot.active = (not slot.active) if active is None else active
    db.session.flush()
