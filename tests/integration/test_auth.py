from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.vocabulary import Role
from app.extensions import db, limiter
from app.models import User
from tests.client_helpers import PASSWORD, csrf_token_from, login


def test_login_page_is_dutch(client: FlaskClient) -> None:
    response = client.get("/login")
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert '<html lang="nl">' in html
    assert "Inloggen bij SchoolFit" in html
    assert 'name="csrf_token"' in html


def test_english_can_be_chosen(client: FlaskClient) -> None:
    token = csrf_token_from(client)
    client.post("/taal/en", data={"csrf_token": token, "next": "/login"})
    html = client.get("/login").get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "Sign in to SchoolFit" in html


@pytest.mark.parametrize(
    ("next_path", "back_to"),
    [
        ("/login?next=%2Fverzuim%2F", "/login?next=%2Fverzuim%2F"),
        ("/peiling/1/sluiten", "/"),  # only a form posts there: a GET would answer 405
        ("/logout", "/"),
        ("/bestaat-niet", "/"),
        ("https://example.org/", "/"),
    ],
)
def test_the_language_switch_goes_back_only_to_a_page(
    client: FlaskClient, next_path: str, back_to: str
) -> None:
    token = csrf_token_from(client)
    response = client.post("/taal/en", data={"csrf_token": token, "next": next_path})
    assert response.status_code == 302
    assert response.headers["Location"] == back_to


def test_login_and_logout(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.TEAMLEIDER)
    response = login(client, user.email.upper())  # e-mail is case-blind
    assert response.status_code == 302
    assert client.get("/").status_code == 200
    token = csrf_token_from(client, "/")
    response = client.post("/logout", data={"csrf_token": token})
    assert response.status_code == 302
    assert client.get("/").status_code == 302  # back to the login page


def test_wrong_password_is_refused(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user()
    response = login(client, user.email, "not-the-password-at-all")
    assert response.status_code == 400
    assert "Onbekend e-mailadres of verkeerd wachtwoord." in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_unknown_email_gets_the_same_message(client: FlaskClient, locations: dict) -> None:
    response = login(client, "nobody@school.example.nl")
    assert response.status_code == 400
    assert "Onbekend e-mailadres of verkeerd wachtwoord." in response.get_data(as_text=True)


def test_inactive_user_cannot_log_in(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user()
    user.active = False
    db.session.commit()
    response = login(client, user.email)
    assert response.status_code == 400
    assert client.get("/").status_code == 302


def test_deactivated_user_is_signed_out(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.TEAMLEIDER)
    login(client, user.email)
    assert client.get("/").status_code == 200
    user.active = False
    db.session.commit()
    assert client.get("/").status_code == 302


def test_login_without_csrf_token_is_refused(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user()
    response = client.post("/login", data={"email": user.email, "password": PASSWORD})
    assert response.status_code == 400
    assert "beveiligingscode" in response.get_data(as_text=True)
    assert client.get("/").status_code == 302


def test_json_post_without_csrf_header_is_refused_with_json(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    user = make_user(Role.TEAMLEIDER)
    login(client, user.email)
    response = client.post("/taal/en", json={}, headers={"Accept": "application/json"})
    assert response.status_code == 400
    assert response.get_json()["error"] == "csrf"


def test_csrf_token_in_header_is_accepted(client: FlaskClient, locations: dict) -> None:
    token = csrf_token_from(client)
    response = client.post("/taal/en", headers={"X-CSRFToken": token})
    assert response.status_code == 302


def test_off_site_next_is_ignored(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.TEAMLEIDER)
    token = csrf_token_from(client)
    response = client.post(
        "/login?next=https://evil.example/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/"


def test_next_on_site_is_followed(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user(Role.TEAMLEIDER)
    token = csrf_token_from(client)
    response = client.post(
        "/login?next=/leerlingen/",
        data={"email": user.email, "password": PASSWORD, "csrf_token": token},
    )
    assert response.headers["Location"] == "/leerlingen/"


def test_login_is_rate_limited_with_a_dutch_message(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    limiter.reset()
    user = make_user()
    statuses = [login(client, user.email, "wrong-password-123").status_code for _ in range(3)]
    assert statuses == [400, 400, 400]
    response = login(client, user.email)  # even the right password waits now
    assert response.status_code == 429
    assert "Te veel inlogpogingen" in response.get_data(as_text=True)
    limiter.reset()


def test_password_is_hashed_with_scrypt(make_user: Callable[..., User]) -> None:
    user = make_user()
    assert user.password_hash.startswith("scrypt:")
    assert PASSWORD not in user.password_hash


@pytest.mark.parametrize("path", ["/", "/leerlingen/", "/beheer/"])
def test_pages_require_login(client: FlaskClient, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_security_headers(client: FlaskClient) -> None:
    response = client.get("/login")
    csp = response.headers["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert "geolocation=()" in response.headers["Permissions-Policy"]


def test_session_cookie_flags(client: FlaskClient, make_user: Callable[..., User]) -> None:
    user = make_user()
    response = login(client, user.email)
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie
    assert "SameSite=Lax" in cookie


def test_production_cookie_is_secure_and_https_forced(
    monkeypatch: pytest.MonkeyPatch, migrated_database: str
) -> None:
    from app import create_app

    monkeypatch.setenv("SECRET_KEY", "p" * 48)
    monkeypatch.setenv("DATABASE_URL", migrated_database)
    app = create_app("production")
    assert app.config["SESSION_COOKIE_SECURE"] is True
    client = app.test_client()
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("https://")
    response = client.get("/login", base_url="https://localhost")
    assert "max-age=" in response.headers["Strict-Transport-Security"]
    with app.app_context():
        db.engine.dispose()


def test_a_new_session_carries_its_csrf_token_from_the_login_on(
    client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """Background requests re-send the session cookie; a token made later by one request could
    be overwritten by another still running, so the token is made when the session starts."""
    user = make_user(Role.MEDEWERKER, ("ZS",))
    assert login(client, user.email).status_code == 302
    with client.session_transaction() as session:
        token_at_login = session.get("csrf_token")
    assert token_at_login
    client.get("/api/floor/today")
    with client.session_transaction() as session:
        assert session.get("csrf_token") == token_at_login
