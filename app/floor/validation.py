"""Checks shared by floor entries and climate checks from a phone. Whatever a field holds, a
check answers a value or :class:`Rejected` with a Dutch reason; nothing here raises anything
else, so one strange entry never sinks its batch."""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from app.floor import reasons

# A phone may be offline over a long weekend or a holiday week; older entries go to quarantine.
MAX_AGE = timedelta(days=21)
# Phone clocks drift; an entry a little "in the future" is fine.
CLOCK_SKEW = timedelta(minutes=10)
# Longer than any ISO 8601 timestamp a phone makes ("2026-12-04T08:15:00.000+01:00").
MAX_TIME_LENGTH = 40

MAX_DB_INT = 2**31 - 1

# Half of a UTF-16 surrogate pair on its own: JSON can carry one ("\ud800"), but it is no text,
# and neither database can store it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def db_id(value: object) -> int | None:
    """``value`` if it can be a row id (a positive 32-bit int; not a bool), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_DB_INT:
        return value
    return None


class Rejected(Exception):
    """One entry cannot be accepted; the message (Dutch) is kept with it in quarantine."""


def parse_time(value: object, now: datetime) -> datetime:
    """An aware timestamp within the last 21 days (and not in the future), in UTC.

    A value whose UTC offset pushes it past year 1 or 9999 (``0001-01-01T01:00+05:00``) cannot
    be represented in UTC: that is a reason like any other, not an error."""
    if not isinstance(value, str) or not value:
        raise Rejected(reasons.TIME_MISSING)
    if len(value) > MAX_TIME_LENGTH:
        raise Rejected(reasons.BAD_TIME_CUT % {"value": value[:MAX_TIME_LENGTH]})
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Rejected(reasons.BAD_TIME % {"value": value}) from None
    if moment.tzinfo is None:
        raise Rejected(reasons.TIME_WITHOUT_ZONE)
    try:
        moment = moment.astimezone(UTC)
    except (OverflowError, ValueError):
        raise Rejected(reasons.TIME_OUT_OF_CALENDAR % {"value": value}) from None
    if moment > now + CLOCK_SKEW:
        raise Rejected(reasons.TIME_IN_FUTURE)
    if moment < now - MAX_AGE:
        raise Rejected(reasons.TOO_OLD)
    return moment


def clean_text(value: Any) -> tuple[Any, bool]:
    """``value`` with NUL characters dropped from every string in it (PostgreSQL cannot store
    them, and no phone means one) and lone surrogates replaced; the flag says whether there
    were lone surrogates (the entry then goes to quarantine: its text is not what was typed).
    JSON nests at most a few levels deep here (app/core/request_input.py limits the depth)."""
    if isinstance(value, str):
        cleaned = value.replace("\x00", "")
        if _LONE_SURROGATE.search(cleaned):
            return _LONE_SURROGATE.sub("\ufffd", cleaned), True
        return cleaned, False
    if isinstance(value, list):
        items = [clean_text(item) for item in value]
        return [item for item, _ in items], any(bad for _, bad in items)
    if isinstance(value, Mapping):
        pairs = [(clean_text(key), clean_text(item)) for key, item in value.items()]
        return (
            {key: item for (key, _), (item, _) in pairs},
            any(bad_key or bad_item for (_, bad_key), (_, bad_item) in pairs),
        )
    return value, False
