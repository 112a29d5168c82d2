"""The floor sync's lean path (issue 24): the signed-in user comes as plain values read with one
Core statement (app/auth/plain_user.py), not as the ORM ``User`` — and every check of the
model path still holds on it: a deactivated account, an ended session (logout elsewhere, a new
password), a changed role or location, two-factor setup, CSRF. Each is read again on every
request, never kept from an earlier one."""

from __future__ import annotations

from flask import Flask
from flask.testing import FlaskClient

from app import CONTENT_SECURITY_POLICY
from app.auth.plain_user import PLAIN_USER_ATTRIBUTE, PlainUser
from app.auth.services import end_all_sessions, set_password, update_user
from app.core.vocabulary import Role
from app.extensions import db
from app.models import FloorEntry, QuarantinedEntry, User
from tests.db_helpers import count
from tests.floor_helpers import entry, floor_csrf
from tests.statement_count import loaded_models

NEW_PASSWORD = "een-heel-ander-wachtwoord-2026"


def send(client: FlaskClient, locations: dict, token: str, code: str = "ZS") -> tuple[int, dict]:
    return post(client, entry(locations[code]), token)


def post(client: FlaskClient, item: dict, token: str) -> tuple[int, dict]:
    response = client.post(
        "/api/floor/entries", json={"entries": [item]}, headers={"X-CSRFToken": token}
    )
    return response.status_code, response.get_json()


def statuses(client: FlaskClient, locations: dict, token: str, code: str) -> list[str]:
    status, body = send(client, locations, token, code)
    assert status == 200, body
    return [result["status"] for result in body["results"]]


def reassign(user: User, role: Role, places: list) -> None:
    update_user(user, name=user.name, role=role, locations=places, active=True)
    db.session.commit()


def test_only_the_sync_gets_the_plain_user(app: Flask) -> None:
    """Every other view expects the model (names, e-mail, relationships): marking one more is a
    decision to review, not a side effect."""
    marked = {
        endpoint
        for endpoint, view in app.view_functions.items()
        if getattr(view, PLAIN_USER_ATTRIBUTE, False)
    }
    assert marked == {"floor.post_entries"}


def test_a_tap_loads_no_model_and_stores_as_the_signed_in_user(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    token = floor_csrf(client)
    tap = entry(locations["ZS"])  # reads the zones of the test's location: not the sync's doing
    with loaded_models() as loaded:
        status, _ = post(client, tap, token)
    assert status == 200
    assert loaded == []  # not the User, not their locations
    stored = db.session.scalars(db.select(FloorEntry)).one()
    assert stored.staff_id == staff.id


def test_other_floor_views_still_get_the_model(
    app: Flask, client: FlaskClient, staff: User
) -> None:
    with loaded_models() as loaded:
        assert client.get("/api/floor/context").status_code == 200
    assert "User" in loaded


def test_a_deactivated_account_is_refused_though_its_session_row_is_still_there(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    token = floor_csrf(client)
    staff.active = False  # the flag alone: the session row stays
    db.session.commit()
    status, body = send(client, locations, token)
    assert (status, body["error"]) == (401, "login_required")
    assert count(FloorEntry) == 0


def test_an_ended_session_is_refused(client: FlaskClient, staff: User, locations: dict) -> None:
    token = floor_csrf(client)
    assert send(client, locations, token)[0] == 200
    end_all_sessions(staff)  # "log out everywhere", on another device
    db.session.commit()
    status, body = send(client, locations, token)
    assert (status, body["error"]) == (401, "login_required")
    assert count(FloorEntry) == 1


def test_a_new_password_set_elsewhere_signs_the_phone_out(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    token = floor_csrf(client)
    set_password(staff, NEW_PASSWORD, by=staff)
    db.session.commit()
    assert send(client, locations, token)[0] == 401
    assert count(FloorEntry) == 0


def test_a_new_role_counts_at_the_next_tap(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    token = floor_csrf(client)
    reassign(staff, Role.TEAMLEIDER, staff.locations)  # by beheer: the session stays
    assert send(client, locations, token)[0] == 403
    assert count(FloorEntry) == 0


def test_a_location_taken_away_counts_at_the_next_tap(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    token = floor_csrf(client)
    assert statuses(client, locations, token, "HK") == ["stored"]
    reassign(staff, staff.role, [locations["ZS"]])
    assert statuses(client, locations, token, "HK") == ["quarantined"]
    assert statuses(client, locations, token, "ZS") == ["stored"]
    assert count(FloorEntry) == 2 and count(QuarantinedEntry) == 1


def test_a_required_second_factor_is_still_asked_for(
    app: Flask, client: FlaskClient, staff: User, locations: dict
) -> None:
    token = floor_csrf(client)
    app.config["TOTP_REQUIRED_ROLES"] = ("medewerker",)
    status, body = send(client, locations, token)
    assert (status, body["error"]) == (403, "2fa_required")
    assert count(FloorEntry) == 0


def test_csrf_is_still_checked(client: FlaskClient, staff: User, locations: dict) -> None:
    floor_csrf(client)
    for token in ("", "not-a-token"):
        status, body = send(client, locations, token)
        assert (status, body["error"]) == (400, "csrf"), token
    assert count(FloorEntry) == 0


def test_the_security_headers_are_those_of_every_page(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    """Talisman builds the policy once now (app/extensions.py): the same header, every time."""
    policy = "; ".join(f"{name} {value}" for name, value in CONTENT_SECURITY_POLICY.items())
    token = floor_csrf(client)
    for _ in range(2):
        response = client.post(
            "/api/floor/entries",
            json={"entries": [entry(locations["ZS"])]},
            headers={"X-CSRFToken": token},
        )
        assert response.headers["Content-Security-Policy"] == policy
        assert response.headers["X-Frame-Options"] == "DENY"
        assert response.headers["Cache-Control"].startswith("no-store")
    assert client.get("/login").headers["Content-Security-Policy"] == policy


def test_the_plain_user_answers_flask_login_like_the_model() -> None:
    user = PlainUser(7, Role.MEDEWERKER, False, frozenset({1, 2}))
    assert user.is_authenticated and user.is_active and not user.is_anonymous
    assert user.get_id() == "7" and 2 in user.location_ids
