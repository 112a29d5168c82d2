"""Request shapes (issue 20, item 11): a page number, an integer query parameter or a JSON body of
a shape the app does not take is answered 4xx with a message, never a server error."""

from __future__ import annotations

import html
from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.request_input import JSON_MAX_BYTES, JSON_MAX_DEPTH, MAX_PAGE
from app.core.vocabulary import Role
from app.extensions import db
from app.models import Student, User
from tests.client_helpers import csrf_token_from
from tests.desk_helpers import confirm_screened
from tests.floor_helpers import floor_csrf

# Every list page that pages, with a role that may open it.
LIST_PAGES = [
    (Role.TEAMLEIDER, "/leerlingen/"),
    (Role.MEDEWERKER, "/bureau/casussen"),
    (Role.TEAMLEIDER, "/verzuim/"),
    (Role.BEHEER, "/privacy/audit"),
]
BAD_PAGES = [
    str(10**20),
    "9" * 400,
    "-1",
    "0",
    "abc",
    "1e3",
    "2.5",
    "١٢",  # Arabic-Indic digits: int() takes them, a page number does not
    str(MAX_PAGE + 1),
]


def signed_in(client: FlaskClient, login_as: Callable[..., User], role: Role) -> None:
    login_as(role, ("ZS",))
    if role == Role.MEDEWERKER:
        confirm_screened(client)


@pytest.mark.parametrize(("role", "path"), LIST_PAGES, ids=[p for _, p in LIST_PAGES])
def test_a_page_number_out_of_shape_is_refused_with_a_message(
    client: FlaskClient, login_as: Callable[..., User], role: Role, path: str
) -> None:
    signed_in(client, login_as, role)
    for page in BAD_PAGES:
        response = client.get(path, query_string={"page": page})
        assert response.status_code == 400, (path, page, response.status_code)
        assert "geheel getal van 1 tot en met 10000" in response.get_data(as_text=True)
    for page in ("", "1", "2", str(MAX_PAGE)):
        response = client.get(path, query_string={"page": page})
        assert response.status_code == 200, (path, page)


def test_integer_query_parameters_are_refused_when_out_of_shape(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    signed_in(client, login_as, Role.MEDEWERKER)
    assert client.get("/bureau/casussen", query_string={"locatie": "1"}).status_code == 200
    for value in (str(10**20), "-3", "x", "2147483648"):
        response = client.get("/bureau/casussen", query_string={"locatie": value})
        assert response.status_code == 400, value
        assert "'locatie' in het adres klopt niet" in html.unescape(response.get_data(as_text=True))


def test_a_huge_peiling_id_is_refused(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    response = client.get("/peiling/", query_string={"peiling": str(10**20)})
    assert response.status_code == 400


@pytest.mark.parametrize("depth", [JSON_MAX_DEPTH + 1, 500, 5_000, 200_000])
def test_deep_json_is_refused_with_a_message(
    client: FlaskClient, login_as: Callable[..., User], depth: int
) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    body = '{"entries": ' + "[" * depth + "]" * depth + "}"
    response = client.post(
        "/api/floor/entries",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": floor_csrf(client)},
    )
    assert response.status_code == 400
    assert response.get_json() == {
        "error": "bad_request",
        "message": f"Het verzoek is te diep genest (hoogstens {JSON_MAX_DEPTH} niveaus).",
    }


def test_json_within_the_depth_limit_is_read(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    inner = JSON_MAX_DEPTH - 2  # the body's object and its list of entries take two levels
    body = '{"entries": [' + "[" * (inner - 1) + "]" * (inner - 1) + "]}"
    response = client.post(
        "/api/floor/entries",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": floor_csrf(client)},
    )
    assert response.status_code == 200
    assert response.get_json()["results"][0]["status"] == "quarantined"


def test_invalid_and_huge_json_are_refused_with_a_message(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.MEDEWERKER, ("ZS",))
    headers = {"X-CSRFToken": floor_csrf(client)}
    broken = client.post(
        "/api/floor/entries", data='{"entries": [', content_type="application/json", headers=headers
    )
    assert broken.status_code == 400
    assert broken.get_json()["message"] == "Het verzoek is geen geldige JSON."
    huge = client.post(
        "/api/floor/entries",
        data='{"entries": ["' + "x" * JSON_MAX_BYTES + '"]}',
        content_type="application/json",
        headers=headers,
    )
    assert huge.status_code == 413
    assert huge.get_json()["message"] == "Het verzoek is te groot (maximaal 1024 kB)."


def test_every_json_endpoint_has_the_same_limits(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    """The desk's "copied to the LVS" call reads JSON too: deep JSON is a 400 there as well."""
    signed_in(client, login_as, Role.MEDEWERKER)
    token = csrf_token_from(client, "/bureau/casussen")
    response = client.post(
        "/bureau/lvs/gekopieerd",
        data="[" * 10_000 + "]" * 10_000,
        content_type="application/json",
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 400


@pytest.mark.parametrize("accept", ["text/html", "application/json"])
def test_a_refusal_a_route_lets_through_is_shown_and_nothing_is_kept(
    app: Flask, make_student: Callable[..., Student], accept: str
) -> None:
    """Routes show a service's refusal at their form; one that forgets still answers with the
    service's own message (409), not a server error, and rolls back what it had written."""
    from app.core.locks import BUSY, ImportBusy

    with app.test_request_context("/verzuim/kalender", method="POST", headers={"Accept": accept}):
        student = make_student("ZS", leerlingnummer="500001")
        student.class_name = "9Z"  # written, not committed
        db.session.flush()
        response = app.make_response(app.handle_user_exception(ImportBusy()))
        assert response.status_code == 409
        if accept == "application/json":
            assert response.get_json() == {"error": "refused", "message": BUSY}
        else:
            assert BUSY in html.unescape(response.get_data(as_text=True))
        assert db.session.scalar(select(Student.class_name)) == "2B"
