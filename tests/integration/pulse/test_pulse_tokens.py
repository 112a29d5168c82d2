"""The device token is the server's (issue 20, item 12): issued, signed, when the questionnaire
is opened; an answer is taken only with a valid, unused token of this peiling (one answer per
token, decided by the database); a token the client makes up is worth nothing."""

from __future__ import annotations

import secrets
import time

import pytest
from flask import Flask
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer
from sqlalchemy import func, select

from app.extensions import db, limiter
from app.models import Location, Peiling, PeilingAnswer, PeilingDevice, User
from app.models.types import utcnow
from app.pulse import services as pulse_services
from app.pulse.services import (
    TOKEN_MAX_AGE,
    TOKEN_SALT,
    AlreadyAnswered,
    issued_for,
    new_device_token,
    submit_answers,
)
from tests.pulse_helpers import KEYS, answer_page_token, form_data, full_answers, make_peiling

COOKIE_PATH = "/p/"


@pytest.fixture
def peiling(app: Flask, teamleider: User, locations: dict[str, Location]) -> Peiling:
    return make_peiling(app, teamleider, locations["ZS"])


def cookie_name(peiling: Peiling) -> str:
    return f"sf_peiling_{peiling.code}"


def stored() -> tuple[int, int]:
    answers = db.session.scalar(select(func.count()).select_from(PeilingAnswer)) or 0
    devices = db.session.scalar(select(func.count()).select_from(PeilingDevice)) or 0
    return answers, devices


def send_with(client: FlaskClient, peiling: Peiling, token: str) -> object:
    """Open the page (its CSRF token), then send the answers with ``token`` as the device's."""
    csrf = answer_page_token(client, f"/p/{peiling.code}")
    client.set_cookie(cookie_name(peiling), token, path=COOKIE_PATH)
    return client.post(f"/p/{peiling.code}", data=form_data(full_answers(), csrf))


def signed_with(key: str, data: object) -> str:
    return URLSafeTimedSerializer(key, salt=TOKEN_SALT).dumps(data)


def made_up_tokens(app: Flask, peiling: Peiling, other: Peiling) -> dict[str, str]:
    with app.test_request_context():
        real = new_device_token(peiling)
        for_other = new_device_token(other)
    return {
        "random like the old cookie": secrets.token_urlsafe(32),
        "another key": signed_with("not-the-secret", {"p": peiling.id, "n": "x" * 22}),
        "another peiling": for_other,
        "altered": real[:-3] + ("AAA" if not real.endswith("AAA") else "BBB"),
        "no nonce": signed_with(str(app.config["SECRET_KEY"]), {"p": peiling.id}),
        "not a mapping": signed_with(str(app.config["SECRET_KEY"]), [peiling.id]),
        "huge": "x" * 3000,
    }


def test_a_token_the_client_makes_up_is_refused(
    app: Flask,
    client: FlaskClient,
    peiling: Peiling,
    teamleider: User,
    locations: dict[str, Location],
) -> None:
    other = make_peiling(app, teamleider, locations["HK"])
    for name, token in made_up_tokens(app, peiling, other).items():
        response = send_with(client, peiling, token)
        assert response.status_code == 400, name  # type: ignore[attr-defined]
        assert "geen geldige code van dit apparaat" in response.get_data(as_text=True)  # type: ignore[attr-defined]
        # The page that refused it issued a real one, so sending again works.
        issued = client.get_cookie(cookie_name(peiling), path=COOKIE_PATH)
        assert issued is not None and issued.value != token, name
        with app.test_request_context():
            assert issued_for(peiling, issued.value) == "fresh"
    assert stored() == (0, 0)


def test_one_phone_clearing_its_cookie_without_opening_the_page_answers_once(
    app: Flask, peiling: Peiling
) -> None:
    """The attack of the issue: answer, clear the cookie, invent a new token, answer again."""
    phone = app.test_client()
    csrf = answer_page_token(phone, f"/p/{peiling.code}")
    assert phone.post(f"/p/{peiling.code}", data=form_data(full_answers(), csrf)).status_code == 302
    for _ in range(5):
        phone.delete_cookie(cookie_name(peiling), path=COOKIE_PATH)
        phone.set_cookie(cookie_name(peiling), secrets.token_urlsafe(32), path=COOKIE_PATH)
        response = phone.post(f"/p/{peiling.code}", data=form_data(full_answers(1), csrf))
        assert response.status_code == 400
    assert stored() == (len(KEYS), 1)


def test_a_used_token_is_refused_however_it_is_sent(
    app: Flask, client: FlaskClient, peiling: Peiling
) -> None:
    csrf = answer_page_token(client, f"/p/{peiling.code}")
    token = client.get_cookie(cookie_name(peiling), path=COOKIE_PATH)
    assert token is not None
    answered = client.post(f"/p/{peiling.code}", data=form_data(full_answers(), csrf))
    assert answered.status_code == 302
    other_phone = app.test_client()  # the token copied to another phone
    response = send_with(other_phone, peiling, token.value)
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "al ingevuld" in response.get_data(as_text=True)  # type: ignore[attr-defined]
    with app.test_request_context(), pytest.raises(AlreadyAnswered):
        submit_answers(peiling, token.value, full_answers())
    assert stored() == (len(KEYS), 1)


def test_an_unused_token_keeps_a_day_and_a_used_one_is_remembered_longer(
    app: Flask, client: FlaskClient, peiling: Peiling, monkeypatch: pytest.MonkeyPatch
) -> None:
    with app.test_request_context():
        with monkeypatch.context() as past:
            past.setattr(time, "time", lambda: 1e9)  # signed in 2001
            old = new_device_token(peiling)
        assert issued_for(peiling, old) == "expired"
        fresh = new_device_token(peiling)
        assert issued_for(peiling, fresh) == "fresh"
        assert issued_for(peiling, fresh, now=utcnow() + TOKEN_MAX_AGE * 1.01) == "expired"
    response = send_with(client, peiling, old)
    assert response.status_code == 400  # type: ignore[attr-defined]
    replaced = client.get_cookie(cookie_name(peiling), path=COOKIE_PATH)
    assert replaced is not None and replaced.value != old
    assert stored() == (0, 0)

    # Answered with a token that has aged since: the phone still reads "al ingevuld".
    with app.test_request_context():
        submit_answers(peiling, fresh, full_answers())
        db.session.commit()
    client.set_cookie(cookie_name(peiling), fresh, path=COOKIE_PATH)
    tomorrow = utcnow() + TOKEN_MAX_AGE * 1.01
    monkeypatch.setattr(pulse_services, "utcnow", lambda: tomorrow)
    page = client.get(f"/p/{peiling.code}")
    assert "al ingevuld" in page.get_data(as_text=True)
    kept = client.get_cookie(cookie_name(peiling), path=COOKIE_PATH)
    assert kept is not None and kept.value == fresh


def test_the_per_address_limit_still_holds_with_fresh_tokens(app: Flask, peiling: Peiling) -> None:
    """Each new token costs a page view, and every answer counts against the address's limit."""
    app.config["PULSE_ANSWER_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    try:
        statuses = []
        for _ in range(5):  # one script, a new "phone" (and token) each time, one address
            phone = app.test_client()
            csrf = answer_page_token(phone, f"/p/{peiling.code}")
            response = phone.post(f"/p/{peiling.code}", data=form_data(full_answers(), csrf))
            statuses.append(response.status_code)
        assert statuses == [302, 302, 302, 429, 429]
        assert stored() == (3 * len(KEYS), 3)
    finally:
        limiter.reset()
