"""Pure decisions about alerts: what alerts whom, what a push message may say, and how long to
wait before trying again. Plain values in, plain values out (tests/unit/test_alert_rules.py)."""

from __future__ import annotations

from datetime import datetime, timedelta

from app.core.vocabulary import AlertKind, EntryKind, FlagType, Outcome

# A floor entry that reaches the server later than this (a phone offline over a weekend) is
# for the desk's inbox, not an urgent alert any more.
MAX_ENTRY_AGE = timedelta(hours=24)
# Push messages: first retry after 5 seconds, then three times as long each time, at most
# 10 minutes apart; after this many attempts the message is given up (the e-mail still goes).
FIRST_RETRY = timedelta(seconds=5)
MAX_RETRY = timedelta(minutes=10)
MAX_ATTEMPTS = 8
# How long a sender may hold a claimed message before another may take it over.
CLAIM_TIME = timedelta(seconds=60)
# Push services answer these for a subscription that no longer exists.
GONE = frozenset({404, 410})


def floor_alert_kind(kind: str, flag_type: str | None, outcome: str | None) -> AlertKind | None:
    """The alert a floor entry raises: a flag veiligheid / pesten, or a de-escalation referred
    to the team leader; None for everything else."""
    if kind == EntryKind.VLAG and flag_type == FlagType.VEILIGHEID:
        return AlertKind.VEILIGHEID
    if kind == EntryKind.DEESCALATIE and outcome == Outcome.DOORVERWEZEN:
        return AlertKind.DOORVERWEZEN
    return None


def still_urgent(occurred_at: datetime, now: datetime) -> bool:
    return now - occurred_at <= MAX_ENTRY_AGE


def push_payload(
    alert_id: int, kind: AlertKind, kind_text: str, location_code: str
) -> dict[str, str]:
    """What a push message carries: the kind, the location and a link — never a name,
    initials, class, leerlingnummer or note (the details are behind the login)."""
    return {
        "kind": kind.value,
        "title": "SchoolFit",
        "body": f"{kind_text} · {location_code}",
        "location": location_code,
        "url": f"/meldingen/{alert_id}",
        "tag": f"schoolfit-alert-{alert_id}",
    }


def retry_delay(attempts: int) -> timedelta:
    """How long to wait after the ``attempts``-th failed attempt (1, 2, ...)."""
    delay: timedelta = FIRST_RETRY * (3 ** max(attempts - 1, 0))
    return delay if delay < MAX_RETRY else MAX_RETRY


def gives_up(attempts: int) -> bool:
    return attempts >= MAX_ATTEMPTS


def retryable(status: int | None) -> bool:
    """A failure worth trying again: no answer at all, too many requests, a server error.
    Other refusals (a bad request, a VAPID key the service does not accept) will not heal."""
    return status is None or status == 429 or status >= 500
