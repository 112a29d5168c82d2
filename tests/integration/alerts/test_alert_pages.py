"""The subscription API the menu uses, the alerts page, opening and acknowledging an alert,
who may open which alert, the commands, and the digest listing unacknowledged alerts first."""

from __future__ import annotations

import re
from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient, FlaskCliRunner
from sqlalchemy import select

from app.alerts.keys import b64url_decode
from app.core.localtime import local_today
from app.core.vocabulary import AlertKind, Role
from app.digest.builder import build_digest
from app.digest.model import ActionKind
from app.extensions import db
from app.floor.services import accept_entries
from app.models import Alert, AlertReceipt, AuditEvent, PushSubscription, User
from tests.alert_helpers import AlertWorld, FakeBrowser
from tests.client_helpers import csrf_token_from, login
from tests.floor_helpers import entry, floor_csrf


def flag(world: AlertWorld) -> Alert:
    accept_entries(
        world.staff,
        [
            entry(
                world.location,
                "vlag",
                students=[world.student.leerlingnummer],
                flag_type="veiligheid",
                note="duwen",
            )
        ],
    )
    db.session.commit()
    alert = db.session.scalars(select(Alert).order_by(Alert.id.desc())).first()
    assert alert is not None
    return alert


def signed_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    assert login(client, user.email).status_code == 302
    return client


def test_subscribing_and_unsubscribing_a_device(
    app: Flask, world: AlertWorld, make_user: Callable[..., User]
) -> None:
    leader = make_user(Role.TEAMLEIDER, ("ZS",))
    client = signed_in(app, leader)
    token = floor_csrf(client)  # every signed-in user may fetch a token
    phone, laptop = FakeBrowser(), FakeBrowser()
    for name, browser in (("phone", phone), ("laptop", laptop)):
        response = client.post(
            "/api/push/subscriptions",
            json=browser.subscription(world.push.endpoint(name)),
            headers={"X-CSRFToken": token},
        )
        assert response.status_code == 201 and response.get_json()["ok"] is True
    assert response.get_json()["devices"] == 2  # one user, several devices
    response = client.delete(
        "/api/push/subscriptions",
        json={"endpoint": world.push.endpoint("phone")},
        headers={"X-CSRFToken": token},
    )
    assert response.get_json() == {"ok": True, "removed": 1, "devices": 1}
    endpoints = db.session.scalars(
        select(PushSubscription.endpoint).where(PushSubscription.user_id == leader.id)
    ).all()
    assert endpoints == [world.push.endpoint("laptop")]


def test_the_subscription_api_refuses_what_it_should(
    app: Flask, world: AlertWorld, make_user: Callable[..., User]
) -> None:
    body = FakeBrowser().subscription(world.push.endpoint("x"))
    anonymous = app.test_client()
    assert anonymous.post("/api/push/subscriptions", json=body).status_code == 401
    assert anonymous.delete("/api/push/subscriptions", json=body).status_code == 401
    leader = signed_in(app, make_user(Role.TEAMLEIDER, ("ZS",)))
    assert leader.post("/api/push/subscriptions", json=body).status_code == 400  # no CSRF
    token = floor_csrf(leader)
    for bad in ({}, {"endpoint": "ftp://x"}, {"endpoint": "https://x", "keys": {"p256dh": ""}}):
        answer = leader.post("/api/push/subscriptions", json=bad, headers={"X-CSRFToken": token})
        assert answer.status_code == 400
    staff = world.staff_client
    answer = staff.post(
        "/api/push/subscriptions", json=body, headers={"X-CSRFToken": floor_csrf(staff)}
    )
    assert answer.status_code == 403  # floor staff receive no alerts


def test_the_alerts_page_opening_and_acknowledging(app: Flask, world: AlertWorld) -> None:
    alert = flag(world)
    client = signed_in(app, world.leader)
    page = client.get("/meldingen/").get_data(as_text=True)
    assert "Vlag veiligheid / pesten" in page and "Nog door niemand geopend" in page
    assert "beginscherm" in page  # the iOS note
    detail = client.get(f"/meldingen/{alert.id}").get_data(as_text=True)
    assert "L.V. · 2B" in detail and "duwen" in detail and "Lotte" not in detail
    receipt = db.session.scalars(select(AlertReceipt)).one()
    assert receipt.opened_at is not None
    audited = db.session.scalars(
        select(AuditEvent.student_id).where(AuditEvent.object_type == "alert")
    ).all()
    assert world.student.id in audited
    token = csrf_token_from(client, f"/meldingen/{alert.id}")
    once = _once(client, alert.id)
    response = client.post(
        f"/meldingen/{alert.id}/afhandelen",
        data={"csrf_token": token, "once": once, "note": "besproken met mentor"},
    )
    assert response.status_code == 302
    db.session.refresh(alert)
    assert alert.acknowledged_by_id == world.leader.id
    assert "afgehandeld door Peter de Vries" in client.get("/meldingen/").get_data(as_text=True)


def _once(client: FlaskClient, alert_id: int) -> str:
    html = client.get(f"/meldingen/{alert_id}").get_data(as_text=True)
    match = re.search(r'name="once" type="hidden" value="([0-9a-f]{32})"', html)
    assert match
    return match.group(1)


def test_who_may_open_an_alert(
    app: Flask, world: AlertWorld, make_user: Callable[..., User]
) -> None:
    alert = flag(world)
    assert (
        signed_in(app, make_user(Role.TEAMLEIDER, ("GL",)))
        .get(f"/meldingen/{alert.id}")
        .status_code
        == 404
    )
    assert (
        signed_in(app, make_user(Role.AANDACHTSFUNCTIONARIS, ("ZS",)))
        .get(f"/meldingen/{alert.id}")
        .status_code
        == 404
    )
    assert signed_in(app, make_user(Role.COPA, ("ZS",))).get("/meldingen/").status_code == 403
    # A team leader who joined the location later may open it (and it is recorded).
    newcomer = make_user(Role.TEAMLEIDER, ("ZS",))
    assert signed_in(app, newcomer).get(f"/meldingen/{alert.id}").status_code == 200


def test_the_digest_lists_unacknowledged_alerts_first(world: AlertWorld) -> None:
    flag(world)
    digest = build_digest(world.location, local_today())
    assert digest.actions[0].kind == ActionKind.MELDING
    assert digest.actions[0].detail == AlertKind.VEILIGHEID
    assert [s.label for s in digest.actions[0].students] == ["L.V. · 2B"]
    alert = db.session.scalar(select(Alert))
    assert alert is not None
    alert.acknowledged_at = alert.created_at
    db.session.commit()
    kinds = [a.kind for a in build_digest(world.location, local_today()).actions]
    assert ActionKind.MELDING not in kinds


def test_vapid_keys_command_and_drain_command(runner: FlaskCliRunner) -> None:
    result = runner.invoke(args=["push", "vapid-keys", "--subject", "mailto:it@school.example"])
    assert result.exit_code == 0
    lines = dict(line.split("=", 1) for line in result.output.strip().splitlines())
    assert len(b64url_decode(lines["VAPID_PRIVATE_KEY"])) == 32
    assert b64url_decode(lines["VAPID_PUBLIC_KEY"])[0] == 4
    assert lines["VAPID_SUBJECT"] == "mailto:it@school.example"
    refused = runner.invoke(args=["push", "vapid-keys", "--subject", "it@school.example"])
    assert refused.exit_code != 0
    drained = runner.invoke(args=["alerts", "drain"])
    assert drained.exit_code == 0 and "push: 0 verstuurd" in drained.output


def test_users_create_takes_the_new_role(runner: FlaskCliRunner, locations: dict) -> None:
    result = runner.invoke(
        args=[
            "users",
            "create",
            "--email",
            "af@school.example.nl",
            "--name",
            "Karin Bosman",
            "--role",
            "aandachtsfunctionaris",
            "--locations",
            "ZS",
        ],
        input="een-lang-genoeg-wachtwoord-2026\n",
    )
    assert result.exit_code == 0, result.output
    assert "aandachtsfunctionaris" in result.output
