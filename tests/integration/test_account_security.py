"""Password policy, idle and absolute session limits, two-factor login, re-authentication.
(The lockout: test_lockout.py; sessions ended on the server: test_server_sessions.py.)"""

import time
from collections.abc import Callable

import pyotp
import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.services import check_password_policy
from app.core.vocabulary import Role
from app.exceptions import DomainError
from app.extensions import db
from app.models import User
from tests.client_helpers import PASSWORD, csrf_token_from, login
from tests.floor_helpers import entry, floor_csrf


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("kort-1", "minstens 12 tekens"),
        ("password1234", "veelgebruikte wachtwoorden"),
        ("Wachtwoord2026!", "veelgebruikte wachtwoorden"),
        ("WELKOM123456", "veelgebruikte wachtwoorden"),
        ("123456789012345", "veelgebruikte wachtwoorden"),
        ("abababababab", "te eenvoudig"),
        ("pieter.jansen-2026", "e-mailadres"),
    ],
)
def test_password_policy_refuses(password: str, message: str) -> None:
    with pytest.raises(DomainError, match=message):
        check_password_policy(password, email="pieter.jansen@school.nl")


@pytest.mark.parametrize(
    "password", ["correct-horse-battery", "fietsen langs de Vliet", "fietsenstalling-2026"]
)
def test_password_policy_accepts(password: str) -> None:
    check_password_policy(password, email="pieter.jansen@school.nl")


def _age_session(client: FlaskClient, **seconds_ago: int) -> None:
    with client.session_transaction() as session:
        for key, ago in seconds_ago.items():
            session[key] = int(time.time()) - ago


def test_idle_timeout_signs_out_with_a_message(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.TEAMLEIDER)
    assert client.get("/leerlingen/").status_code == 200
    _age_session(client, last_active=31 * 60)
    response = client.get("/leerlingen/")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "automatisch uitgelogd na 30 minuten zonder activiteit" in page
    assert client.get("/leerlingen/").status_code == 302  # really signed out


def test_activity_keeps_the_session(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.TEAMLEIDER)
    _age_session(client, last_active=29 * 60)
    assert client.get("/leerlingen/").status_code == 200
    _age_session(client, last_active=29 * 60)
    assert client.get("/leerlingen/").status_code == 200


def test_floor_background_polling_does_not_keep_a_session_alive(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.MEDEWERKER)
    _age_session(client, last_active=20 * 60)
    assert client.get("/api/floor/today").status_code == 200
    _age_session(client, last_active=31 * 60)
    response = client.get("/api/floor/today")
    assert response.status_code == 401 and response.get_json()["error"] == "login_required"


def test_a_tap_within_the_minute_does_not_resend_the_session_cookie(
    client: FlaskClient, login_as: Callable[..., User], locations: dict
) -> None:
    """The idle clock moves to the minute: a second tap soon after the first leaves the
    session as it was, so the response carries no new cookie; a tap a minute later does."""
    login_as(Role.MEDEWERKER, ("ZS",))
    token = floor_csrf(client)

    def tap() -> object:
        body = {"entries": [entry(locations["ZS"])]}
        return client.post("/api/floor/entries", json=body, headers={"X-CSRFToken": token})

    _age_session(client, last_active=61)
    moved = tap()
    assert moved.status_code == 200 and "session=" in moved.headers.get("Set-Cookie", "")
    same_minute = tap()
    assert same_minute.status_code == 200
    assert "Set-Cookie" not in same_minute.headers
    with client.session_transaction() as session:
        assert int(time.time()) - session["last_active"] < 5


def test_absolute_lifetime(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.TEAMLEIDER)
    _age_session(client, login_at=13 * 3600, last_active=10)
    response = client.get("/leerlingen/")
    assert response.status_code == 302
    assert client.get("/leerlingen/").status_code == 302


def _enable_totp(user: User) -> str:
    secret = pyotp.random_base32()
    user.totp_secret = secret
    user.totp_enabled = True
    db.session.commit()
    return secret


def test_two_factor_login(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.BEHEER)
    secret = _enable_totp(user)
    response = login(client, user.email)
    assert response.headers["Location"].startswith("/login/code")
    assert client.get("/beheer/").status_code == 302  # not signed in yet
    token = csrf_token_from(client, "/login/code")
    wrong = client.post("/login/code", data={"csrf_token": token, "code": "000000"})
    assert wrong.status_code == 400 and "Die code klopt niet" in wrong.get_data(as_text=True)
    right = client.post("/login/code", data={"csrf_token": token, "code": pyotp.TOTP(secret).now()})
    assert right.status_code == 302
    assert client.get("/beheer/").status_code == 200


def test_code_step_without_password_step_goes_back_to_login(client: FlaskClient) -> None:
    response = client.get("/login/code")
    assert response.status_code == 302 and response.headers["Location"] == "/login"


def test_beheer_must_set_up_two_factor_when_required(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    app.config["TOTP_REQUIRED_ROLES"] = ("beheer",)
    user = login_as(Role.BEHEER)
    response = client.get("/beheer/gebruikers")
    assert response.status_code == 302
    assert response.headers["Location"] == "/account/tweestapsverificatie"
    page = client.get("/account/tweestapsverificatie")
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "data:image/svg+xml" in html
    with client.session_transaction() as session:
        secret = session["totp_setup_secret"]
    token = csrf_token_from(client, "/account/tweestapsverificatie")
    bad = client.post("/account/tweestapsverificatie", data={"csrf_token": token, "code": "12"})
    assert bad.status_code == 400
    ok = client.post(
        "/account/tweestapsverificatie",
        data={"csrf_token": token, "code": pyotp.TOTP(secret).now()},
    )
    assert ok.status_code == 302
    db.session.refresh(user)
    assert user.totp_enabled and user.totp_secret == secret
    assert client.get("/beheer/gebruikers").status_code == 200


def test_other_roles_are_not_forced(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    app.config["TOTP_REQUIRED_ROLES"] = ("beheer",)
    login_as(Role.TEAMLEIDER)
    assert client.get("/leerlingen/").status_code == 200


def test_reauthentication_page(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.TEAMLEIDER)
    token = csrf_token_from(client, "/herbevestigen")
    wrong = client.post(
        "/herbevestigen?next=/leerlingen/",
        data={"csrf_token": token, "password": "niet-mijn-wachtwoord"},
    )
    assert wrong.status_code == 400
    with client.session_transaction() as session:
        session["reauth_at"] = 0
    right = client.post(
        "/herbevestigen?next=/leerlingen/", data={"csrf_token": token, "password": PASSWORD}
    )
    assert right.headers["Location"] == "/leerlingen/"
    with client.session_transaction() as session:
        assert time.time() - session["reauth_at"] < 5
