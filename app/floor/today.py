"""The entries of a staff member the server kept in quarantine, as the phone's "Vandaag" list
shows them: "niet verwerkt — zie bureau", until the desk has resolved them (whatever day they
were made). Like the rest of that list: no note, no names (initials and class)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select

from app.core.stored_text import translated
from app.core.vocabulary import EntryKind, FlagType, Outcome, Severity, Topic
from app.extensions import db
from app.floor.climate import load_zones
from app.floor.quarantine import payload_of, unresolved_for
from app.floor.services import student_token
from app.floor.validation import MAX_TIME_LENGTH, db_id
from app.models import QuarantinedEntry, Student, User, Zone

# The phone lists at most this many (newest first); the desk sees them all.
PHONE_LIMIT = 50
CLIMATE_KIND = "klimaatcheck"
_DETAILS = (
    ("topic", Topic),
    ("severity", Severity),
    ("outcome", Outcome),
    ("flag_type", FlagType),
)


def quarantined_for_phone(user: User, limit: int = PHONE_LIMIT) -> list[dict[str, Any]]:
    """The user's unresolved quarantined entries, newest first, in the shape of
    :func:`app.floor.services.entry_summary` plus ``reason`` and ``repeats``."""
    items = unresolved_for(user, limit)
    if not items:
        return []
    payloads = [_entry_part(payload_of(item)) for item in items]
    zones = {
        zone_id: zone
        for zone_id, zone in load_zones(payloads).items()
        if zone.location_id in user.location_ids
    }
    numbers = {number for payload in payloads for number in _numbers(payload)}
    students: dict[str, Student] = {}
    if numbers:
        students = {
            s.leerlingnummer: s
            for s in db.session.scalars(
                select(Student).where(
                    Student.leerlingnummer.in_(numbers),
                    Student.location_id.in_(user.location_ids or {-1}),
                )
            )
        }
    return [
        _summary(item, payload, zones, students)
        for item, payload in zip(items, payloads, strict=True)
    ]


def _entry_part(payload: Mapping[str, Any]) -> Mapping[str, Any]:
    """The entry itself (a climate check is kept as ``{"climate": {...}}``)."""
    inner = payload.get("climate")
    if isinstance(inner, Mapping) and len(payload) == 1:
        return {**inner, "kind": CLIMATE_KIND}
    return payload


def _numbers(payload: Mapping[str, Any]) -> list[str]:
    numbers = payload.get("students")
    if not isinstance(numbers, list):
        return []
    return [str(n)[:20] for n in numbers[:30] if isinstance(n, str | int) and str(n)]


def _time(payload: Mapping[str, Any], item: QuarantinedEntry) -> str:
    """When the entry was made, if the payload says so plausibly; else when it arrived."""
    for key in ("occurred_at", "checked_at"):
        value = payload.get(key)
        if isinstance(value, str) and len(value) <= MAX_TIME_LENGTH:
            try:
                moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
                if moment.tzinfo is not None:
                    return moment.astimezone(UTC).isoformat()
            except (ValueError, OverflowError):
                pass
    return item.received_at.astimezone(UTC).isoformat()


def _detail(payload: Mapping[str, Any]) -> str:
    for key, vocabulary in _DETAILS:
        value = payload.get(key)
        if isinstance(value, str) and value in {member.value for member in vocabulary}:
            return value
    count = payload.get("head_count")
    if isinstance(count, int) and not isinstance(count, bool) and 0 < count < 10_000:
        return str(count)
    return ""


def _summary(
    item: QuarantinedEntry,
    payload: Mapping[str, Any],
    zones: Mapping[int, Zone],
    students: Mapping[str, Student],
) -> dict[str, Any]:
    kind = payload.get("kind")
    known_kinds = {k.value for k in EntryKind} | {CLIMATE_KIND}
    zone_id = db_id(payload.get("zone_id"))
    zone = zones.get(zone_id) if zone_id is not None else None
    return {
        # An entry kept without a valid UUID has none the phone knows: it gets one of its own.
        "uuid": item.uuid or f"q{item.id}",
        "kind": kind if isinstance(kind, str) and kind in known_kinds else "",
        "zone": zone.name if zone is not None else "",
        "occurred_at": _time(payload, item),
        "detail": _detail(payload),
        "students": [
            student_token(students[n]) if n in students else {"n": n, "i": "", "c": "", "l": ""}
            for n in _numbers(payload)
        ],
        "reason": translated(item.reason),
        "repeats": item.repeats,
    }
