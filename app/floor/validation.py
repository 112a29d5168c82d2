"""Checks shared by floor entries and climate checks from a phone."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

# A phone may be offline over a long weekend or a holiday week; older entries go to quarantine.
MAX_AGE = timedelta(days=21)
# Phone clocks drift; an entry a little "in the future" is fine.
CLOCK_SKEW = timedelta(minutes=10)


MAX_DB_INT = 2**31 - 1


def db_id(value: object) -> int | None:
    """``value`` if it can be a row id (a positive 32-bit int; not a bool), else None."""
    if isinstance(value, int) and not isinstance(value, bool) and 0 < value <= MAX_DB_INT:
        return value
    return None


class Rejected(Exception):
    """One entry cannot be accepted; the message (Dutch) is kept with it in quarantine."""


def parse_time(value: object, now: datetime) -> datetime:
    if not isinstance(value, str):
        raise Rejected("tijdstip ontbreekt")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        raise Rejected(f"ongeldig tijdstip '{value[:40]}'") from None
    if moment.tzinfo is None:
        raise Rejected("tijdstip zonder tijdzone")
    moment = moment.astimezone(UTC)
    if moment > now + CLOCK_SKEW:
        raise Rejected("tijdstip ligt in de toekomst (klopt de klok van de telefoon?)")
    if moment < now - MAX_AGE:
        raise Rejected("registratie is ouder dan 21 dagen")
    return moment
