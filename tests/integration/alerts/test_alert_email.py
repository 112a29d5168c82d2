"""The e-mail fallback: an alert a recipient did not open within 15 minutes goes to them by
e-mail (through the digest's SMTP client), contentless, once; not to whoever opened it, not
after it was acknowledged."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from app.alerts.sender import drain
from app.alerts.services import acknowledge, open_alert, raise_floor_alerts
from app.core.vocabulary import Role
from app.extensions import db
from app.floor.services import accept_entries
from app.models import Alert, AlertReceipt, User
from app.models.types import utcnow
from tests.alert_helpers import AlertWorld, student_data
from tests.floor_helpers import entry
from tests.mail_helpers import BASE_URL, Inbox, smtp_sink

NOTE = "slaan bij de fietsen"


@pytest.fixture
def smtp(app: Flask) -> Iterator[Inbox]:
    with smtp_sink(app) as inbox:
        yield inbox


def flag(world: AlertWorld) -> Alert:
    item = entry(
        world.location,
        "vlag",
        zone="fietsenstalling",
        students=[world.student.leerlingnummer],
        flag_type="veiligheid",
        note=NOTE,
    )
    accept_entries(world.staff, [item])
    db.session.commit()
    alert = db.session.scalars(select(Alert).order_by(Alert.id.desc())).first()
    assert alert is not None
    return alert


def later(minutes: int) -> object:
    return utcnow() + timedelta(minutes=minutes)


def test_not_opened_within_15_minutes_goes_by_email_without_student_data(
    world: AlertWorld, smtp: Inbox
) -> None:
    alert = flag(world)
    assert drain(now=later(14)).emailed == 0  # pushed, and not yet due by e-mail
    result = drain(now=later(16))
    assert result.emailed == 1
    [message] = smtp.to(world.leader.email)
    assert message["Subject"] == "SchoolFit-melding: Vlag veiligheid / pesten · ZS"
    assert message["Auto-Submitted"] == "auto-generated"
    body = message.get_content()
    assert f"{BASE_URL}/meldingen/{alert.id}" in body
    for value in [*student_data(world.student, NOTE), world.staff.name]:
        assert value not in body and value not in message["Subject"], value
    receipt = db.session.scalars(select(AlertReceipt)).one()
    assert receipt.emailed_at is not None
    assert drain(now=later(60)).emailed == 0  # once


def test_whoever_opened_it_gets_no_email(
    world: AlertWorld, smtp: Inbox, make_user: Callable[..., User]
) -> None:
    other = make_user(Role.TEAMLEIDER, ("ZS",))
    alert = flag(world)
    open_alert(world.leader, alert)
    db.session.commit()
    drain(now=later(16))
    assert smtp.to(world.leader.email) == []
    assert len(smtp.to(other.email)) == 1


def test_an_acknowledged_alert_sends_no_email(world: AlertWorld, smtp: Inbox) -> None:
    alert = flag(world)
    acknowledge(world.leader, alert, "ik ga erheen")
    db.session.commit()
    assert drain(now=later(16)).emailed == 0 and smtp.received == []


def test_a_refused_email_is_tried_again_later(world: AlertWorld, smtp: Inbox) -> None:
    smtp.refuse.add(world.leader.email)
    flag(world)
    assert drain(now=later(16)).email_failed == 1
    receipt = db.session.scalars(select(AlertReceipt)).one()
    assert receipt.emailed_at is None and receipt.email_attempts == 1
    assert "weigert" in receipt.email_error
    smtp.refuse.clear()
    assert drain(now=later(17)).emailed == 1


def test_meldcode_alerts_are_never_raised_for_floor_entries(world: AlertWorld) -> None:
    assert raise_floor_alerts([]) == 0
