"""Entries the server cannot accept: kept for the desk with their reason, never dropped silently,
and bounded.

- An entry with a valid UUID is kept once (the UUID is unique; a retry answers "quarantined"
  again). One without a valid UUID cannot be recognised by its UUID, so identical ones of one
  staff member (the same reason and content) are one row that counts its ``repeats``: sending
  the same thing again grows a number, not the table. A repeat of a row the desk has resolved
  opens it again, so the desk sees that it came back.
- Per staff member at most :data:`MAX_OPEN` unresolved rows, and at most :data:`PER_HOUR` new
  rows an hour (repeats do not count). Beyond that an entry is answered ``refused`` with the
  reason, and not kept: a phone keeps an entry with a UUID in its queue and sends it again later
  (nothing is lost); an entry without a UUID is not kept anywhere, which the answer says.

The limits are counted in the database, so every app worker and instance shares them; two
batches of one user at the very same moment may overshoot a limit by one batch at most.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert

from app.auth.plain_user import Staff
from app.core.sql import dialect_name, insert_ignoring_duplicates, table_of
from app.extensions import db
from app.floor import reasons
from app.models import QuarantinedEntry, User

MAX_OPEN = 500
PER_HOUR = 200
PAYLOAD_MAX = 20_000
REASON_MAX = 500

QUARANTINED = "quarantined"
REFUSED = "refused"


def _content(payload: str) -> str:
    """The stored payload without its UUID (also a climate check's), as canonical JSON."""
    try:
        value = json.loads(payload)
    except (ValueError, RecursionError):
        return payload
    if isinstance(value, dict):
        value = {key: item for key, item in value.items() if key != "uuid"}
        inner = value.get("climate")
        if isinstance(inner, dict):
            value["climate"] = {key: item for key, item in inner.items() if key != "uuid"}
    return json.dumps(value, sort_keys=True, ensure_ascii=False, default=str)


def fingerprint(payload: str, reason: str) -> str:
    """The desk's grouping key: SHA-256 of the reason and the content without the UUID.
    (Migration 0016 computes it for older rows the same way.)"""
    return hashlib.sha256(f"{reason}\n{_content(payload)}".encode()).hexdigest()


def payload_text(raw: object) -> str:
    """What the phone sent, as text for the desk (at most 20,000 characters)."""
    try:
        text = json.dumps(raw, ensure_ascii=False, default=str)
    except (TypeError, ValueError, RecursionError):
        text = repr(raw)
    return text[:PAYLOAD_MAX]


@dataclass
class Verdict:
    """The answer for one kept entry: ``quarantined`` or ``refused``, with the reason. Decided
    when the batch is settled (:meth:`QuarantineBatch.settle`)."""

    status: str
    reason: str
    row: dict[str, Any] = field(repr=False)


@dataclass
class QuarantineBatch:
    """The quarantine rows of one batch of one user: collected with :meth:`keep`, then checked
    against the limits and written by :meth:`settle` — two queries and two statements at most,
    and none when the batch has nothing to keep."""

    user: Staff
    now: datetime
    verdicts: list[Verdict] = field(default_factory=list)

    def keep(self, raw: object, uuid: str | None, reason: str) -> Verdict:
        """Keep ``raw`` (with its valid ``uuid``, or None) for the desk, if the limits allow."""
        reason = reason[:REASON_MAX]
        payload = payload_text(raw)
        key = fingerprint(payload, reason)
        row = {
            "uuid": uuid,
            "staff_id": self.user.id,
            "payload": payload,
            "reason": reason,
            "received_at": self.now,
            "fingerprint": key,
            "repeat_key": None if uuid else key,
            "repeats": 1,
            "last_received_at": None,  # set when it arrives again
        }
        verdict = Verdict(QUARANTINED, reason, row)
        self.verdicts.append(verdict)
        return verdict

    def settle(self) -> None:
        """Decide every verdict (in the batch's order) and write what is kept."""
        if not self.verdicts:
            return
        keys = {v.row["repeat_key"] for v in self.verdicts if v.row["repeat_key"]}
        known = self._known_repeats(keys) if keys else set()
        room, open_binds = self._room()
        with_uuid: list[dict[str, Any]] = []
        repeated: dict[str, dict[str, Any]] = {}
        for verdict in self.verdicts:
            row = verdict.row
            key = row["repeat_key"]
            if key and key in repeated:
                repeated[key]["repeats"] += 1
                continue
            if key and key in known:  # one more of a row already kept: no new row
                repeated[key] = row
                continue
            if room <= 0:
                verdict.status = REFUSED
                verdict.reason = _refusal(open_binds, kept_on_phone=row["uuid"] is not None)
                continue
            room -= 1
            if key:
                repeated[key] = row
            else:
                with_uuid.append(row)
        if with_uuid:
            statement = insert_ignoring_duplicates(QuarantinedEntry, ["uuid"])
            db.session.execute(statement, with_uuid)
        if repeated:
            _add_repeats(list(repeated.values()))

    def _known_repeats(self, keys: set[str]) -> set[str]:
        return set(
            db.session.scalars(
                select(QuarantinedEntry.repeat_key).where(
                    QuarantinedEntry.staff_id == self.user.id,
                    QuarantinedEntry.repeat_key.in_(keys),
                )
            )
        )

    def _room(self) -> tuple[int, bool]:
        """How many new rows this user may still add, and whether the limit on unresolved rows
        (rather than the one an hour) is what sets it."""
        open_rows, recent_rows = db.session.execute(
            select(
                func.count(QuarantinedEntry.id).filter(QuarantinedEntry.resolved_at.is_(None)),
                func.count(QuarantinedEntry.id).filter(
                    QuarantinedEntry.received_at >= self.now - timedelta(hours=1)
                ),
            ).where(QuarantinedEntry.staff_id == self.user.id)
        ).one()
        open_room, hour_room = MAX_OPEN - open_rows, PER_HOUR - recent_rows
        return max(0, min(open_room, hour_room)), open_room <= hour_room


def _refusal(open_binds: bool, *, kept_on_phone: bool) -> str:
    then = reasons.KEPT_ON_PHONE if kept_on_phone else reasons.NOT_KEPT_WITHOUT_UUID
    if open_binds:
        return reasons.REFUSED_OPEN % {"max": MAX_OPEN, "then": then}
    return reasons.REFUSED_PER_HOUR % {"max": PER_HOUR, "then": then}


def _add_repeats(rows: list[dict[str, Any]]) -> None:
    """INSERT … ON CONFLICT (staff_id, repeat_key) DO UPDATE: a new row, or one more repeat of
    the row already there (opened again if the desk had resolved it). The database decides, so
    two workers receiving the same thing at once still keep one row."""
    table = table_of(QuarantinedEntry)
    insert = pg_insert if dialect_name() == "postgresql" else sqlite_insert
    statement = insert(table)
    statement = statement.on_conflict_do_update(
        index_elements=["staff_id", "repeat_key"],
        set_={
            "repeats": table.c.repeats + statement.excluded.repeats,
            "last_received_at": statement.excluded.received_at,
            "resolved_at": None,
            "resolved_by_id": None,
        },
    )
    db.session.execute(statement, rows)


def unresolved_for(user: User, limit: int) -> list[QuarantinedEntry]:
    """The user's unresolved quarantined entries, newest first (for the phone's list)."""
    return list(
        db.session.scalars(
            select(QuarantinedEntry)
            .where(
                and_(QuarantinedEntry.staff_id == user.id, QuarantinedEntry.resolved_at.is_(None))
            )
            .order_by(QuarantinedEntry.received_at.desc(), QuarantinedEntry.id.desc())
            .limit(limit)
        )
    )


def payload_of(item: QuarantinedEntry) -> Mapping[str, Any]:
    """The stored payload as a mapping ({} when it is not one, or was cut off)."""
    try:
        value = json.loads(item.payload)
    except (ValueError, RecursionError):
        return {}
    return value if isinstance(value, dict) else {}
