"""Requests a browser makes beside the page (the service worker's update check, the manifest,
the offline page, files, probes) never write the session cookie: their answer would race the
page's own and could wipe what it just stored, such as the "Huisbezoek gewijzigd." message."""

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.auth.sessions import BACKGROUND_HEADER
from app.core.vocabulary import Role
from app.models import User
from config.settings import PROJECT_ROOT
from tests.client_helpers import login, replay, session_cookie

ANOTHER_AGENT = "Mozilla/5.0 (ServiceWorker; another User-Agent than the page's)"


def _session_cookie_set(response: object) -> bool:
    headers = response.headers
    return any(value.startswith("session=") for value in headers.getlist("Set-Cookie"))


@pytest.mark.parametrize(
    "path", ["/sw.js", "/manifest.webmanifest", "/offline", "/static/css/app.css", "/healthz"]
)
def test_a_background_request_leaves_the_session_cookie_alone(
    client: FlaskClient, login_as: Callable[..., User], path: str
) -> None:
    login_as(Role.MEDEWERKER)
    # Another User-Agent makes Flask-Login's session protection change the session.
    response = client.get(path, headers={"User-Agent": ANOTHER_AGENT})
    assert response.status_code == 200
    assert not _session_cookie_set(response)


def test_a_message_survives_a_background_request_sent_before_the_post_answered(
    app: Flask, client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.MEDEWERKER)
    before_the_post = session_cookie(client)
    with client.session_transaction() as session:  # the POST's answer: a message to show
        session["_flashes"] = [("success", "Opgeslagen.")]
    # The service worker's update check left with the cookie as it was before the POST; the
    # browser keeps whatever cookie its answer sets, as the page's would.
    worker = replay(app.test_client(), before_the_post)
    answer = worker.get("/sw.js", headers={"User-Agent": ANOTHER_AGENT})
    if (cookie := worker.get_cookie("session")) is not None and _session_cookie_set(answer):
        client.set_cookie("session", cookie.value)
    assert "Opgeslagen." in client.get("/account/").get_data(as_text=True)


def test_a_page_still_writes_the_session(
    client: FlaskClient, login_as: Callable[..., User]
) -> None:
    login_as(Role.MEDEWERKER)
    response = client.get("/account/", headers={"User-Agent": ANOTHER_AGENT})
    assert _session_cookie_set(response)  # the control: the same request to a page does


def test_the_workers_precache_of_the_floor_sent_before_a_login_cannot_undo_it(
    app: Flask, client: FlaskClient, make_user: Callable[..., User]
) -> None:
    """The service worker installs on the login page and fetches the floor shell for its cache
    with the cookie of then: an anonymous session. When its answer arrives after the login's,
    the browser keeps the cookie it sets, so it must set none (sw.js sends the header)."""
    user = make_user(Role.MEDEWERKER, ("ZS",))
    assert client.get("/login").status_code == 200
    before_login = session_cookie(client)
    assert login(client, user.email).status_code == 302
    worker = replay(app.test_client(), before_login)
    precache = worker.get("/vloer/", headers={BACKGROUND_HEADER: "precache"})
    assert not _session_cookie_set(precache)
    control = replay(app.test_client(), before_login).get("/vloer/")
    assert _session_cookie_set(control)  # the same request as a page's would have
    assert client.get("/account/").status_code == 200  # still signed in


def test_the_service_worker_marks_its_precache_requests() -> None:
    source = (PROJECT_ROOT / "service_worker" / "sw.js").read_text(encoding="utf-8")
    assert f'const BACKGROUND_HEADER = "{BACKGROUND_HEADER}"' in source
    assert "headers: { [BACKGROUND_HEADER]: " in source
