"""Urgent alerts by web push: what alerts whom, the message as the push service receives it
(decrypted with the browser's key: contentless; VAPID JWT signed with the app's key), the
outbox in the floor's transaction, retries with backoff, a gone device removed."""

from __future__ import annotations

import time
from datetime import timedelta

import pytest
from sqlalchemy import select

from app.alerts.sender import drain
from app.alerts.services import subscribe
from app.core.vocabulary import AlertKind, PushStatus
from app.extensions import db
from app.models import Alert, AlertReceipt, PushOutbox, PushSubscription
from app.models.types import utcnow
from tests.alert_helpers import SUBJECT, AlertWorld, FakeBrowser, student_data, vapid_claims
from tests.db_helpers import count
from tests.floor_helpers import entry, floor_csrf

NOTE = "opgewacht bij de fietsen door twee jongens"


def log(world: AlertWorld, kind: str = "vlag", **fields: object) -> None:
    client = world.staff_client
    item = entry(world.location, kind, zone="fietsenstalling", **fields)  # type: ignore[arg-type]
    response = client.post(
        "/api/floor/entries", json={"entries": [item]}, headers={"X-CSRFToken": floor_csrf(client)}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.get_json()["results"][0]["status"] == "stored"


# A value this long in random bytes by chance: once in about 2^48 / 300 messages.
MEANINGFUL_IN_CIPHERTEXT = 6


def safety_flag(world: AlertWorld) -> None:
    log(world, students=[world.student.leerlingnummer], flag_type="veiligheid", note=NOTE)


def test_a_safety_flag_reaches_the_push_service_encrypted_signed_and_without_student_data(
    world: AlertWorld,
) -> None:
    safety_flag(world)
    # Written with the floor entry, in the same transaction: waiting in the outbox.
    outbox = db.session.scalars(select(PushOutbox)).all()
    assert [row.status for row in outbox] == [PushStatus.WACHT]
    result = drain()
    assert result.pushed == 1
    [received] = world.push.to("leader")
    assert received.headers["content-encoding"] == "aes128gcm"
    assert received.headers["urgency"] == "high" and int(received.headers["ttl"]) > 0
    payload = world.browser.decrypt(received.body)
    alert = db.session.scalar(select(Alert))
    assert alert is not None and alert.kind == AlertKind.VEILIGHEID
    assert payload == {
        "kind": "veiligheid",
        "title": "SchoolFit",
        "body": "Vlag veiligheid / pesten · ZS",
        "location": "ZS",
        "url": f"/meldingen/{alert.id}",
        "tag": f"schoolfit-alert-{alert.id}",
    }
    # The push service sees the ciphertext, the phone shows the payload: neither holds student
    # data. The ciphertext is random bytes, so a short value (the class "2B", initials) turns
    # up in it by chance in about one message of 200: those are looked for in the payload only.
    for value in student_data(world.student, NOTE):
        assert value not in str(payload), value
        if len(value) >= MEANINGFUL_IN_CIPHERTEXT:
            assert value.encode() not in received.body, value
    claims = vapid_claims(received, world.keys)
    assert claims["aud"] == world.push.origin and claims["sub"] == SUBJECT
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    db.session.expire_all()
    assert db.session.scalars(select(PushOutbox.status)).all() == [PushStatus.VERSTUURD]
    assert drain().pushed == 0  # sent once


def test_what_alerts_and_what_does_not(world: AlertWorld) -> None:
    number = world.student.leerlingnummer
    log(world, students=[number], flag_type="zorg")
    log(world, "deescalatie", outcome="opgelost", students=[number])
    log(world, "spanning", severity="hoog")
    assert count(Alert) == 0
    log(world, "deescalatie", outcome="doorverwezen", students=[number])
    alert = db.session.scalar(select(Alert))
    assert alert is not None and alert.kind == AlertKind.DOORVERWEZEN
    # The team leader of the location hears of it; nobody else.
    assert [r.user_id for r in alert.receipts] == [world.leader.id]
    drain()
    payload = world.browser.decrypt(world.push.to("leader")[0].body)
    assert payload["body"] == "De-escalatie doorverwezen naar teamleider · ZS"


def test_an_entry_synced_days_late_is_for_the_inbox_not_an_alert(world: AlertWorld) -> None:
    log(world, students=[world.student.leerlingnummer], flag_type="veiligheid", minutes_ago=1600)
    assert count(Alert) == 0


def test_failures_are_retried_with_backoff(world: AlertWorld) -> None:
    world.push.answer("leader", 500, 503)
    safety_flag(world)
    first = drain()
    assert (first.pushed, first.retried) == (0, 1)
    row = db.session.scalars(select(PushOutbox)).one()
    waited = row.next_attempt_at - utcnow()
    assert timedelta(seconds=3) < waited <= timedelta(seconds=5)
    assert drain().pushed == 0 and len(world.push.to("leader")) == 1  # not due yet
    second = drain(now=utcnow() + timedelta(seconds=6))
    assert second.retried == 1 and len(world.push.to("leader")) == 2
    db.session.expire_all()
    row = db.session.scalars(select(PushOutbox)).one()
    assert timedelta(seconds=13) < row.next_attempt_at - utcnow() <= timedelta(seconds=15)
    third = drain(now=utcnow() + timedelta(seconds=20))
    assert third.pushed == 1
    db.session.expire_all()
    row = db.session.scalars(select(PushOutbox)).one()
    assert (row.status, row.attempts) == (PushStatus.VERSTUURD, 3)


def test_a_refusal_that_will_not_heal_is_given_up(world: AlertWorld) -> None:
    world.push.answer("leader", 400)
    safety_flag(world)
    assert drain().failed == 1
    assert db.session.scalars(select(PushOutbox.status)).all() == [PushStatus.MISLUKT]


@pytest.mark.parametrize("status", [404, 410])
def test_a_device_the_push_service_no_longer_knows_is_removed(
    world: AlertWorld, status: int
) -> None:
    other = FakeBrowser()
    subscribe(world.leader, other.subscription(world.push.endpoint("phone-2")))
    db.session.commit()
    world.push.answer("leader", status)
    safety_flag(world)
    result = drain()
    assert (result.removed, result.pushed) == (1, 1)  # the second device still got it
    endpoints = db.session.scalars(select(PushSubscription.endpoint)).all()
    assert endpoints == [world.push.endpoint("phone-2")]
    statuses = sorted(db.session.scalars(select(PushOutbox.status)))
    assert statuses == sorted([PushStatus.VERVALLEN, PushStatus.VERSTUURD])
    safety_flag(world)
    drain()
    assert len(world.push.to("leader")) == 1  # the removed device gets nothing more
    assert len(world.push.to("phone-2")) == 2


def test_without_vapid_keys_messages_wait_for_them(world: AlertWorld) -> None:
    config = world.staff_client.application.config
    config.update(VAPID_PRIVATE_KEY="", VAPID_PUBLIC_KEY="")
    safety_flag(world)
    assert drain().retried == 1 and world.push.to("leader") == []
    config.update(VAPID_PRIVATE_KEY=world.keys.private_key, VAPID_PUBLIC_KEY=world.keys.public_key)
    assert drain(now=utcnow() + timedelta(seconds=6)).pushed == 1


def test_receipts_record_who_should_hear(world: AlertWorld) -> None:
    safety_flag(world)
    receipt = db.session.scalars(select(AlertReceipt)).one()
    assert receipt.user_id == world.leader.id and receipt.opened_at is None
    assert receipt.email_due_at - receipt.alert.created_at == timedelta(minutes=15)
