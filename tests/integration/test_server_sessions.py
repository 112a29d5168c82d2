"""Sessions end on the server: after a logout, "log out everywhere", a new password (own or
set by beheer) or a deactivation, a copied session cookie replayed later is signed out — pages
send it to the login page, the floor API answers 401 (the phone keeps its queue) — while a
logout leaves the account's other sessions alone."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import FloorEntry, User, UserSession
from app.models.types import utcnow
from tests.client_helpers import (
    PASSWORD,
    csrf_token_from,
    login,
    logout,
    replay,
    session_cookie,
)
from tests.floor_helpers import entry

NEW_PASSWORD = "fietsen langs de Vliet"


def signed_in(client: FlaskClient, user: User) -> str:
    """Sign ``client`` in as ``user``; answers the session cookie (a copy a thief could take)."""
    assert login(client, user.email).status_code == 302
    return session_cookie(client)


def assert_signed_out(client: FlaskClient) -> None:
    page = client.get("/leerlingen/")
    assert page.status_code == 302 and page.headers["Location"].startswith("/login")
    api = client.get("/api/floor/today")
    assert api.status_code == 401 and api.get_json()["error"] == "login_required"


def sessions_of(user: User) -> int:
    return db.session.scalar(
        select(func.count(UserSession.id)).where(UserSession.user_id == user.id)
    )


@pytest.fixture
def teamleider(make_user: Callable[..., User]) -> User:
    return make_user(Role.TEAMLEIDER)


def test_a_cookie_replayed_after_logout_is_signed_out(
    app: Flask, client: FlaskClient, teamleider: User
) -> None:
    copied = signed_in(client, teamleider)
    assert sessions_of(teamleider) == 1
    assert logout(client).status_code == 302
    assert sessions_of(teamleider) == 0
    thief = replay(app.test_client(), copied)
    assert_signed_out(thief)
    # The ended session is forgotten in the replayed cookie too, with a word on the login page.
    assert "Je sessie is beëindigd. Log opnieuw in." in thief.get("/login").get_data(as_text=True)
    with thief.session_transaction() as session:
        assert "_user_id" not in session and "sid" not in session


def test_the_floor_api_answers_401_to_a_replayed_cookie_and_stores_nothing(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], locations: dict
) -> None:
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    copied = signed_in(client, staff)
    token = client.get("/api/floor/csrf").get_json()["token"]
    assert logout(client).status_code == 302
    phone = replay(app.test_client(), copied)
    sent = phone.post(
        "/api/floor/entries",
        json={"entries": [entry(locations["ZS"])]},
        headers={"X-CSRFToken": token},
    )
    assert sent.status_code == 401 and sent.get_json()["error"] == "login_required"
    for path in ("/api/floor/today", "/api/floor/context", "/api/floor/csrf"):
        assert phone.get(path).status_code == 401, path
    assert db.session.scalar(select(func.count(FloorEntry.id))) == 0


def test_logout_ends_only_this_session(app: Flask, teamleider: User) -> None:
    laptop, phone = app.test_client(), app.test_client()
    signed_in(laptop, teamleider)
    signed_in(phone, teamleider)
    logout(laptop)
    assert laptop.get("/leerlingen/").status_code == 302
    assert phone.get("/leerlingen/").status_code == 200


def test_log_out_everywhere_ends_every_session(app: Flask, teamleider: User) -> None:
    laptop, phone = app.test_client(), app.test_client()
    signed_in(laptop, teamleider)
    copied = signed_in(phone, teamleider)
    token = csrf_token_from(laptop, "/account/")
    response = laptop.post("/account/overal-uitloggen", data={"csrf_token": token})
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert "Je bent op al je apparaten uitgelogd." in laptop.get("/login").get_data(as_text=True)
    assert sessions_of(teamleider) == 0
    assert_signed_out(laptop)
    assert_signed_out(phone)
    assert_signed_out(replay(app.test_client(), copied))
    assert login(phone, teamleider.email).status_code == 302  # signing in again works


def test_log_out_everywhere_needs_its_token(client: FlaskClient, teamleider: User) -> None:
    signed_in(client, teamleider)
    refused = client.post("/account/overal-uitloggen", data={})
    assert refused.status_code == 400
    assert client.get("/leerlingen/").status_code == 200


def test_a_new_password_ends_the_other_sessions_and_keeps_this_one(
    app: Flask, teamleider: User
) -> None:
    laptop, phone = app.test_client(), app.test_client()
    old_laptop_cookie = signed_in(laptop, teamleider)
    signed_in(phone, teamleider)
    token = csrf_token_from(laptop, "/account/")
    changed = laptop.post(
        "/account/wachtwoord",
        data={
            "csrf_token": token,
            "password": PASSWORD,
            "new_password": NEW_PASSWORD,
            "repeat": NEW_PASSWORD,
        },
    )
    assert changed.status_code == 302, changed.get_data(as_text=True)[:2000]
    page = laptop.get("/account/").get_data(as_text=True)
    assert "Je wachtwoord is gewijzigd. Op je andere apparaten ben je uitgelogd." in page
    assert laptop.get("/leerlingen/").status_code == 200  # this device continues...
    assert session_cookie(laptop) != old_laptop_cookie  # ...on a fresh session
    assert_signed_out(phone)
    assert_signed_out(replay(app.test_client(), old_laptop_cookie))
    assert sessions_of(teamleider) == 1
    assert login(app.test_client(), teamleider.email, NEW_PASSWORD).status_code == 302


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({"password": "niet-mijn-wachtwoord"}, "Wachtwoord of code klopt niet."),
        ({"repeat": "iets heel anders 123"}, "De twee nieuwe wachtwoorden zijn niet gelijk."),
        ({"new_password": "kort", "repeat": "kort"}, "minstens 12 tekens"),
        ({"new_password": PASSWORD, "repeat": PASSWORD}, "Kies een ander wachtwoord"),
    ],
)
def test_a_refused_password_change_changes_nothing(
    app: Flask, teamleider: User, fields: dict[str, str], message: str
) -> None:
    laptop, phone = app.test_client(), app.test_client()
    signed_in(laptop, teamleider)
    signed_in(phone, teamleider)
    hash_before = teamleider.password_hash
    form = {"password": PASSWORD, "new_password": NEW_PASSWORD, "repeat": NEW_PASSWORD}
    form |= fields
    token = csrf_token_from(laptop, "/account/")
    refused = laptop.post("/account/wachtwoord", data={"csrf_token": token, **form})
    assert refused.status_code == 400
    assert message in refused.get_data(as_text=True)
    db.session.refresh(teamleider)
    assert teamleider.password_hash == hash_before
    assert phone.get("/leerlingen/").status_code == 200
    assert laptop.get("/leerlingen/").status_code == 200


def test_a_password_reset_by_beheer_ends_every_session_of_the_user(
    app: Flask, client: FlaskClient, teamleider: User, make_user: Callable[..., User]
) -> None:
    phone = app.test_client()
    copied = signed_in(phone, teamleider)
    beheer = make_user(Role.BEHEER, ("ZS",))
    signed_in(client, beheer)
    page = f"/beheer/gebruikers/{teamleider.id}"
    token = csrf_token_from(client, page)
    reset = client.post(
        f"{page}/wachtwoord", data={"csrf_token": token, "pw-password": NEW_PASSWORD}
    )
    assert reset.status_code == 302
    assert_signed_out(phone)
    assert_signed_out(replay(app.test_client(), copied))
    assert client.get(page).status_code == 200  # beheer's own session goes on


def test_beheer_signs_a_user_out_everywhere(
    app: Flask, client: FlaskClient, teamleider: User, make_user: Callable[..., User]
) -> None:
    phone, laptop = app.test_client(), app.test_client()
    signed_in(phone, teamleider)
    signed_in(laptop, teamleider)
    signed_in(client, make_user(Role.BEHEER, ("ZS",)))
    page = f"/beheer/gebruikers/{teamleider.id}"
    html = client.get(page).get_data(as_text=True)
    assert "2 open sessies" in html
    token = csrf_token_from(client, page)
    done = client.post(f"{page}/uitloggen", data={"csrf_token": token})
    assert done.status_code == 302
    assert "is uitgelogd op alle apparaten (2 sessies)" in client.get(page).get_data(as_text=True)
    assert_signed_out(phone)
    assert_signed_out(laptop)


def test_deactivation_ends_every_session_for_good(
    app: Flask, client: FlaskClient, teamleider: User, make_user: Callable[..., User]
) -> None:
    phone = app.test_client()
    copied = signed_in(phone, teamleider)
    signed_in(client, make_user(Role.BEHEER, ("ZS",)))
    page = f"/beheer/gebruikers/{teamleider.id}"
    token = csrf_token_from(client, page)
    form = {"csrf_token": token, "name": teamleider.name, "role": "teamleider", "locations": "ZS"}
    assert client.post(page, data=form).status_code == 302  # "active" unticked
    assert sessions_of(teamleider) == 0
    assert client.post(page, data={**form, "active": "y"}).status_code == 302  # back again
    assert_signed_out(phone)
    assert_signed_out(replay(app.test_client(), copied))


def test_old_sessions_of_a_user_are_removed_at_the_next_login(
    app: Flask, client: FlaskClient, teamleider: User
) -> None:
    signed_in(app.test_client(), teamleider)
    lifetime = app.config["SESSION_ABSOLUTE_LIFETIME"]
    db.session.execute(
        UserSession.__table__.update().values(created_at=utcnow() - lifetime - timedelta(hours=1))
    )
    db.session.commit()
    signed_in(client, teamleider)
    assert sessions_of(teamleider) == 1
