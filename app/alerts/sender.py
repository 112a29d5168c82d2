"""Sending what the alerts left in the outbox: push messages (within seconds) and the e-mail
fallback (after ``ALERT_EMAIL_AFTER``).

:func:`drain` claims due rows — ``claimed_until``/``claim_token`` set by one UPDATE whose rows
are chosen ``FOR UPDATE SKIP LOCKED`` on PostgreSQL (SQLite serialises writers) — commits the
claim, sends, and records each result. Several workers (gunicorn) and the ``alerts drain``
command therefore send a message once; a sender that dies mid-send leaves a claim that expires
after a minute, when another takes the row over.

Each worker runs one :class:`AlertSender` thread, started with its first request: it drains
when a request that raised an alert has committed (the session's ``after_commit``), and every
``ALERT_POLL_SECONDS`` otherwise (other workers' alerts, retries, the e-mail fallback). No timer
is needed; ``flask --app app alerts drain`` is the safety net for one.
"""

from __future__ import annotations

import logging
import os
import threading
import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from sqlalchemy import event, or_, select, update
from sqlalchemy.orm import Session, joinedload

from app.alerts import rules
from app.alerts.keys import current_keys
from app.alerts.mail import alert_email
from app.alerts.push import send_push
from app.alerts.services import PENDING_KEY
from app.core.vocabulary import PushStatus
from app.digest.delivery import Mailer, MailError, SmtpSettings
from app.extensions import db
from app.models import Alert, AlertReceipt, PushOutbox
from app.models.types import utcnow

log = logging.getLogger(__name__)
BATCH = 50
EXTENSION = "schoolfit_alert_sender"


@dataclass
class DrainResult:
    pushed: int = 0
    retried: int = 0
    failed: int = 0
    removed: int = 0
    emailed: int = 0
    email_failed: int = 0

    def summary(self) -> str:
        return (
            f"push: {self.pushed} verstuurd, {self.retried} later opnieuw, {self.failed} "
            f"mislukt, {self.removed} apparaten afgemeld; e-mail: {self.emailed} verstuurd, "
            f"{self.email_failed} mislukt"
        )


def _claim(model: Any, conditions: list[Any], now: datetime) -> list[int]:
    """Claim up to ``BATCH`` rows of ``model`` meeting ``conditions`` and not claimed by a live
    sender; commit the claim; answer the claimed ids."""
    free = or_(model.claimed_until.is_(None), model.claimed_until < now)
    chosen = select(model.id).where(*conditions, free).order_by(model.id).limit(BATCH)
    if db.session.get_bind().dialect.name == "postgresql":
        chosen = chosen.with_for_update(skip_locked=True)
    token = uuid.uuid4().hex
    db.session.execute(
        update(model)
        .where(model.id.in_(chosen.scalar_subquery()), *conditions, free)
        .values(claimed_until=now + rules.CLAIM_TIME, claim_token=token)
        .execution_options(synchronize_session=False)
    )
    db.session.commit()
    return list(db.session.scalars(select(model.id).where(model.claim_token == token)))


def _send_pushes(result: DrainResult, now: datetime) -> None:
    ids = _claim(
        PushOutbox,
        [PushOutbox.status == PushStatus.WACHT, PushOutbox.next_attempt_at <= now],
        now,
    )
    if not ids:
        return
    config = current_app.config
    keys = current_keys(config, current_app.instance_path)
    rows = db.session.scalars(
        select(PushOutbox)
        .where(PushOutbox.id.in_(ids))
        .options(
            joinedload(PushOutbox.alert).joinedload(Alert.location),
            joinedload(PushOutbox.subscription),
        )
        .order_by(PushOutbox.id)
    ).all()
    for row in rows:
        _send_one(row, keys, float(config["PUSH_TIMEOUT"]), result)
        row.claimed_until = None
        db.session.commit()


def _send_one(row: PushOutbox, keys: Any, timeout: float, result: DrainResult) -> None:
    subscription = row.subscription
    if subscription is None:  # the device was unsubscribed meanwhile
        row.status = PushStatus.VERVALLEN
        return
    if keys is None:
        outcome = None
        error = "geen VAPID-sleutels ingesteld (VAPID_PRIVATE_KEY, VAPID_PUBLIC_KEY)"
    else:
        alert = row.alert
        payload = rules.push_payload(alert.id, alert.kind, alert.kind.dutch, alert.location.code)
        sent = send_push(subscription, payload, keys, timeout)
        if sent.ok:
            row.status = PushStatus.VERSTUURD
            row.sent_at = utcnow()
            row.attempts += 1
            row.last_error = ""
            subscription.last_success_at = row.sent_at
            result.pushed += 1
            return
        outcome, error = sent.status, sent.error
    row.attempts += 1
    row.last_error = error[:300]
    if outcome in rules.GONE:
        # The push service says the device is gone: forget it (its other messages lapse).
        row.status = PushStatus.VERVALLEN
        row.subscription_id = None
        db.session.delete(subscription)
        result.removed += 1
    elif (keys is None or rules.retryable(outcome)) and not rules.gives_up(row.attempts):
        # No keys yet (beheer may still set them) or a passing failure: try again later.
        row.next_attempt_at = utcnow() + rules.retry_delay(row.attempts)
        result.retried += 1
    else:
        row.status = PushStatus.MISLUKT
        result.failed += 1
        log.warning("push message %s given up: %s", row.id, row.last_error)


def _send_emails(result: DrainResult, now: datetime) -> None:
    ids = _claim(
        AlertReceipt,
        [
            AlertReceipt.emailed_at.is_(None),
            AlertReceipt.opened_at.is_(None),
            AlertReceipt.email_due_at <= now,
            AlertReceipt.email_attempts < rules.MAX_ATTEMPTS,
            AlertReceipt.alert_id.in_(select(Alert.id).where(Alert.acknowledged_at.is_(None))),
        ],
        now,
    )
    if not ids:
        return
    config = current_app.config
    receipts = db.session.scalars(
        select(AlertReceipt)
        .where(AlertReceipt.id.in_(ids))
        .options(
            joinedload(AlertReceipt.user),
            joinedload(AlertReceipt.alert).joinedload(Alert.location),
        )
        .order_by(AlertReceipt.id)
    ).all()
    try:
        settings = SmtpSettings.from_config(config)
    except MailError as error:
        for receipt in receipts:
            _email_failed(receipt, error.message, result)
        db.session.commit()
        return
    with Mailer(settings) as mailer:
        for receipt in receipts:
            message = alert_email(
                receipt.user, receipt.alert, settings.sender, str(config["APP_BASE_URL"])
            )
            try:
                mailer.send(message)
            except MailError as error:
                _email_failed(receipt, error.message, result)
            else:
                receipt.emailed_at = utcnow()
                receipt.email_attempts += 1
                receipt.email_error = ""
                result.emailed += 1
            receipt.claimed_until = None
            db.session.commit()


def _email_failed(receipt: AlertReceipt, message: str, result: DrainResult) -> None:
    receipt.email_attempts += 1
    receipt.email_error = message[:300]
    receipt.email_due_at = utcnow() + rules.retry_delay(receipt.email_attempts)
    receipt.claimed_until = None
    result.email_failed += 1


def drain(now: datetime | None = None) -> DrainResult:
    """Send every push message and fallback e-mail that is due (in an app context)."""
    result = DrainResult()
    _send_pushes(result, now or utcnow())
    _send_emails(result, now or utcnow())
    return result


# ---------------------------------------------------------------------------------------------
# The sender thread of each worker


class AlertSender:
    """A daemon thread that drains when woken, and every ``poll`` seconds anyway."""

    def __init__(self, app: Flask, poll: float) -> None:
        self.app = app
        self.poll = poll
        self.pid = os.getpid()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="schoolfit-alerts", daemon=True)

    @property
    def alive(self) -> bool:
        return self.pid == os.getpid() and self._thread.is_alive()

    def start(self) -> None:
        self._thread.start()

    def wake(self) -> None:
        self._wake.set()

    def stop(self, timeout: float = 5.0) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread.is_alive():
            self._thread.join(timeout)

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self.poll)
            self._wake.clear()
            if self._stop.is_set():
                break
            with self.app.app_context():
                try:
                    drain()
                except Exception:  # the thread must survive a bad moment (database restart)
                    log.exception("sending alerts failed; trying again shortly")
                    db.session.rollback()
                finally:
                    db.session.remove()


def start_sender(app: Flask) -> AlertSender:
    """This worker's sender (started once per process; a forked worker starts its own)."""
    sender: AlertSender | None = app.extensions.get(EXTENSION)
    if sender is not None and sender.alive:
        return sender
    sender = AlertSender(app, float(app.config["ALERT_POLL_SECONDS"]))
    app.extensions[EXTENSION] = sender
    sender.start()
    return sender


def _wake_after_commit(session: Session) -> None:
    if not session.info.pop(PENDING_KEY, False):
        return
    sender: AlertSender | None = current_app.extensions.get(EXTENSION)
    if sender is not None and sender.alive:
        sender.wake()


def _forget_after_rollback(session: Session) -> None:
    session.info.pop(PENDING_KEY, None)


def register_sender(app: Flask) -> None:
    """Start the sender with a worker's first request (unless ``ALERT_SENDER_ENABLED`` is off)
    and wake it when a transaction that raised an alert commits."""
    if not event.contains(Session, "after_commit", _wake_after_commit):
        event.listen(Session, "after_commit", _wake_after_commit)
        event.listen(Session, "after_rollback", _forget_after_rollback)

    @app.before_request
    def ensure_sender() -> None:
        if app.config["ALERT_SENDER_ENABLED"]:
            sender: AlertSender | None = app.extensions.get(EXTENSION)
            if sender is None or not sender.alive:
                start_sender(app)
