"""Raising alerts (in the transaction of what causes them), subscribing devices, opening and
acknowledging alerts. Services add and flush; the view (or the floor's sync call) commits, and
the sender (``app.alerts.sender``) is woken once that commit is done."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext
from sqlalchemy import delete, select
from sqlalchemy.orm import joinedload, selectinload

from app.access.alerts import RECIPIENT_ROLES, alerts_visible_to
from app.alerts import rules
from app.audit import record, record_many
from app.core.vocabulary import AlertKind, EntryKind, FlagType, Outcome
from app.exceptions import DomainError
from app.extensions import db
from app.models import (
    Alert,
    AlertReceipt,
    FloorEntry,
    PushOutbox,
    PushSubscription,
    User,
    user_location,
)
from app.models.types import utcnow

# Set on the session when alerts were raised: the sender is woken after the commit.
PENDING_KEY = "alerts_raised"
MAX_ENDPOINT = 1000


@dataclass(frozen=True)
class FloorEvent:
    """What the floor's store path tells about an entry it stored (no student data)."""

    entry_id: int
    kind: EntryKind
    flag_type: FlagType | None
    outcome: Outcome | None
    location_id: int
    occurred_at: datetime


def _recipients(kind: AlertKind, location_id: int) -> list[User]:
    return list(
        db.session.scalars(
            select(User)
            .join(user_location, user_location.c.user_id == User.id)
            .where(
                user_location.c.location_id == location_id,
                User.role.in_(list(RECIPIENT_ROLES[kind])),
                User.active.is_(True),
            )
            .order_by(User.id)
        )
    )


def raise_alert(
    kind: AlertKind,
    location_id: int,
    *,
    entry_id: int | None = None,
    traject_id: int | None = None,
    now: datetime | None = None,
) -> Alert:
    """Write an alert, a receipt per recipient and a push message per device of theirs, in the
    current transaction: committed with what caused it, or not at all."""
    now = now or utcnow()
    alert = Alert(
        kind=kind,
        location_id=location_id,
        entry_id=entry_id,
        traject_id=traject_id,
        created_at=now,
    )
    db.session.add(alert)
    db.session.flush()
    recipients = _recipients(kind, location_id)
    email_after: timedelta = current_app.config["ALERT_EMAIL_AFTER"]
    for user in recipients:
        db.session.add(
            AlertReceipt(alert_id=alert.id, user_id=user.id, email_due_at=now + email_after)
        )
    if recipients:
        subscriptions = db.session.scalars(
            select(PushSubscription.id).where(
                PushSubscription.user_id.in_([u.id for u in recipients])
            )
        ).all()
        for subscription_id in subscriptions:
            db.session.add(
                PushOutbox(
                    alert_id=alert.id,
                    subscription_id=subscription_id,
                    next_attempt_at=now,
                    created_at=now,
                )
            )
    db.session.flush()
    db.session.info[PENDING_KEY] = True
    return alert


def raise_floor_alerts(events: Iterable[FloorEvent], *, now: datetime | None = None) -> int:
    """The floor's store path calls this with the entries it stored: a safety flag or a
    de-escalation referred to the team leader alerts the location's team leaders."""
    now = now or utcnow()
    raised = 0
    for event in events:
        kind = rules.floor_alert_kind(event.kind, event.flag_type, event.outcome)
        if kind is None or not rules.still_urgent(event.occurred_at, now):
            continue
        raise_alert(kind, event.location_id, entry_id=event.entry_id, now=now)
        raised += 1
    return raised


# ---------------------------------------------------------------------------------------------
# Devices


def _text(data: Mapping[str, Any], key: str, limit: int) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise DomainError(
            gettext("Ongeldig abonnement: %(key)s ontbreekt of is te lang.", key=key), field=key
        )
    return value.strip()


def subscribe(user: User, data: object, *, now: datetime | None = None) -> PushSubscription:
    """Store the browser's ``PushSubscription.toJSON()`` for ``user`` (again: updated)."""
    if not isinstance(data, Mapping):
        raise DomainError(gettext("Ongeldig abonnement: verwacht een object."))
    endpoint = _text(data, "endpoint", MAX_ENDPOINT)
    if not endpoint.startswith(("https://", "http://")):
        raise DomainError(
            gettext("Ongeldig abonnement: endpoint is geen http(s)-adres."), field="endpoint"
        )
    keys = data.get("keys")
    if not isinstance(keys, Mapping):
        raise DomainError(gettext("Ongeldig abonnement: keys ontbreekt."), field="keys")
    p256dh = _text(keys, "p256dh", 200)
    auth = _text(keys, "auth", 100)
    expires = data.get("expirationTime")
    expires_at = None
    if isinstance(expires, int | float) and not isinstance(expires, bool) and expires > 0:
        expires_at = datetime.fromtimestamp(expires / 1000, tz=utcnow().tzinfo)
    user_id = user.id
    subscription = db.session.scalar(
        select(PushSubscription).where(PushSubscription.endpoint == endpoint)
    )
    values = {"user_id": user_id, "p256dh": p256dh, "auth": auth, "expires_at": expires_at}
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint, created_at=now or utcnow(), **values)
        db.session.add(subscription)
    else:  # the same browser again (or now another user's): take it over
        for name, value in values.items():
            setattr(subscription, name, value)
    db.session.flush()
    record(user, "create", "push_subscription", subscription.id)
    return subscription


def unsubscribe(user: User, data: object) -> int:
    """Forget one device of ``user`` (by its endpoint); answers how many were removed."""
    endpoint = data.get("endpoint") if isinstance(data, Mapping) else None
    if not isinstance(endpoint, str) or not endpoint:
        raise DomainError(gettext("Geef het endpoint van het abonnement."), field="endpoint")
    result = db.session.execute(
        delete(PushSubscription).where(
            PushSubscription.user_id == user.id,
            PushSubscription.endpoint == endpoint[:MAX_ENDPOINT],
        )
    )
    count = int(getattr(result, "rowcount", 0) or 0)
    if count:
        record(user, "delete", "push_subscription", "")
    return count


def device_count(user: User) -> int:
    return len(
        db.session.scalars(
            select(PushSubscription.id).where(PushSubscription.user_id == user.id)
        ).all()
    )


# ---------------------------------------------------------------------------------------------
# The alerts page


def alerts_for(user: User, *, limit: int = 100) -> list[Alert]:
    """The alerts ``user`` may open, not yet acknowledged first, newest first."""
    return list(
        db.session.scalars(
            alerts_visible_to(user)
            .options(
                joinedload(Alert.location),
                joinedload(Alert.acknowledged_by),
                selectinload(Alert.receipts).joinedload(AlertReceipt.user),
            )
            .order_by(Alert.acknowledged_at.is_not(None), Alert.created_at.desc(), Alert.id)
            .limit(limit)
        )
    )


def find_alert(user: User, alert_id: int) -> Alert | None:
    return db.session.scalar(
        alerts_visible_to(user)
        .where(Alert.id == alert_id)
        .options(
            joinedload(Alert.location),
            selectinload(Alert.receipts).joinedload(AlertReceipt.user),
        )
    )


def source_entry(alert: Alert) -> FloorEntry | None:
    if alert.entry_id is None:
        return None
    return db.session.scalar(
        select(FloorEntry)
        .where(FloorEntry.id == alert.entry_id)
        .options(
            selectinload(FloorEntry.students),
            joinedload(FloorEntry.zone),
            joinedload(FloorEntry.staff),
        )
    )


def open_alert(user: User, alert: Alert, *, now: datetime | None = None) -> FloorEntry | None:
    """``user`` opens the alert: their receipt records the first time (it stops the e-mail
    fallback), and the view of the students behind it is audited. Answers the floor entry."""
    now = now or utcnow()
    receipt = next((r for r in alert.receipts if r.user_id == user.id), None)
    if receipt is None:  # a recipient who joined the location after the alert
        receipt = AlertReceipt(alert_id=alert.id, user_id=user.id, email_due_at=now, emailed_at=now)
        db.session.add(receipt)
        alert.receipts.append(receipt)
    if receipt.opened_at is None:
        receipt.opened_at = now
    entry = source_entry(alert)
    students = entry.students if entry is not None else []
    record(user, "view", "alert", alert.id)
    record_many(user, "view", "alert", ((alert.id, s) for s in students))
    db.session.flush()
    return entry


def acknowledge(user: User, alert: Alert, note: str | None, *, now: datetime | None = None) -> None:
    """Mark the alert as handled (by one of its recipients), with an optional short note."""
    if alert.acknowledged_at is not None:
        raise DomainError(gettext("Deze melding is al afgehandeld."))
    text = (note or "").strip()
    if len(text) > 300:
        raise DomainError(gettext("De notitie is langer dan 300 tekens."), field="note")
    alert.acknowledged_at = now or utcnow()
    alert.acknowledged_by_id = user.id
    alert.acknowledgement_note = text
    db.session.flush()
    record(user, "acknowledge", "alert", alert.id)


def unacknowledged_floor_alerts(location_id: int) -> list[Alert]:
    """Floor alerts of a location nobody acknowledged yet (the digest lists them first)."""
    return list(
        db.session.scalars(
            select(Alert)
            .where(
                Alert.location_id == location_id,
                Alert.kind.in_([AlertKind.VEILIGHEID, AlertKind.DOORVERWEZEN]),
                Alert.acknowledged_at.is_(None),
            )
            .order_by(Alert.created_at)
        )
    )
