"""CSRF on the floor's sync after issue 24's shortcut (app/extensions.py): a JSON request's token
is read from the header at once, without parsing the body as a form first. The token still has
to be the header's: one in the JSON body is no token, and a form post still has its field read."""

from __future__ import annotations

import json

from flask.testing import FlaskClient

from app.models import FloorEntry, User
from tests.db_helpers import count
from tests.floor_helpers import entry, floor_csrf


def test_a_json_tap_passes_with_the_header_only(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    token = floor_csrf(client)
    body = {"entries": [entry(locations["ZS"])]}
    for content_type in ("application/json", "application/json; charset=utf-8"):
        refused = client.post(
            "/api/floor/entries",
            data=json.dumps({**body, "csrf_token": token}),
            content_type=content_type,
        )
        assert (refused.status_code, refused.get_json()["error"]) == (400, "csrf")
        body = {"entries": [entry(locations["ZS"])]}
        passed = client.post(
            "/api/floor/entries",
            data=json.dumps(body),
            content_type=content_type,
            headers={"X-CSRFToken": token},
        )
        assert passed.status_code == 200, passed.get_data(as_text=True)
    assert count(FloorEntry) == 2


def test_a_form_post_still_has_its_field_read(client: FlaskClient, staff: User) -> None:
    token = floor_csrf(client)
    refused = client.post("/api/floor/entries", data={"entries": "1"})
    assert (refused.status_code, refused.get_json()["error"]) == (400, "csrf")
    # The token in the form's field passes CSRF; the sync then refuses anything but JSON.
    passed = client.post("/api/floor/entries", data={"entries": "1", "csrf_token": token})
    assert passed.status_code == 415
    assert count(FloorEntry) == 0
