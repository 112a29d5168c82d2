"""Who may open peilingen and read results: each role × own and other location."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.localtime import local_today
from app.core.vocabulary import PeilingStatus, Role
from app.extensions import db
from app.models import Peiling, User
from tests.client_helpers import csrf_token_from
from tests.pulse_helpers import make_peiling

OPENERS = {Role.TEAMLEIDER, Role.BEHEER}
READERS = {Role.TEAMLEIDER, Role.LOCATIELEIDER, Role.BEHEER}


@pytest.fixture
def peilingen(app: Flask, make_user: Callable[..., User], locations: dict) -> dict[str, Peiling]:
    """An open peiling at ZS (own location in these tests) and one at GL (another location)."""
    owner = make_user(Role.BEHEER, ("ZS", "GL"))
    return {
        "own": make_peiling(app, owner, locations["ZS"]),
        "other": make_peiling(app, owner, locations["GL"]),
    }


def peiling_count() -> int:
    return db.session.scalar(select(func.count()).select_from(Peiling)) or 0


@pytest.mark.parametrize("role", list(Role))
def test_results_page_by_role_and_location(
    client: FlaskClient, login_as: Callable[..., User], peilingen: dict, role: Role
) -> None:
    login_as(role, ("ZS",))
    own = client.get("/peiling/", query_string={"locatie": "ZS"})
    other = client.get("/peiling/", query_string={"locatie": "GL"})
    other_peiling = client.get(
        "/peiling/", query_string={"locatie": "ZS", "peiling": peilingen["other"].id}
    )
    if role in READERS:
        assert own.status_code == 200
        assert other.status_code == 404
        assert other_peiling.status_code == 404
    else:
        assert own.status_code == other.status_code == other_peiling.status_code == 403


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("suffix", ["", "/poster", "/qr.svg", "/qr.png"])
def test_share_pages_by_role_and_location(
    client: FlaskClient, login_as: Callable[..., User], peilingen: dict, role: Role, suffix: str
) -> None:
    login_as(role, ("ZS",))
    own = client.get(f"/peiling/{peilingen['own'].id}{suffix}")
    other = client.get(f"/peiling/{peilingen['other'].id}{suffix}")
    missing = client.get(f"/peiling/999999{suffix}")
    if role in READERS:
        assert own.status_code == 200
        assert other.status_code == missing.status_code == 404
    else:
        assert own.status_code == other.status_code == 403


@pytest.mark.parametrize("role", list(Role))
def test_opening_a_peiling_by_role_and_location(
    client: FlaskClient, login_as: Callable[..., User], locations: dict, role: Role
) -> None:
    login_as(role, ("ZS",))
    today = local_today()
    page = client.get("/peiling/nieuw")
    if role not in OPENERS:
        assert page.status_code == 403
        token = csrf_token_from(client, "/leerlingen/")  # any page hands out a token
    else:
        assert page.status_code == 200
        token = csrf_token_from(client, "/peiling/nieuw")
    data = {
        "csrf_token": token,
        "starts_on": today.isoformat(),
        "ends_on": (today + timedelta(days=7)).isoformat(),
    }
    other = client.post("/peiling/nieuw", data={**data, "location": "GL"})
    own = client.post("/peiling/nieuw", data={**data, "location": "ZS"})
    if role in OPENERS:
        assert other.status_code == 404
        assert own.status_code == 302
        peiling = db.session.scalar(select(Peiling))
        assert peiling is not None and peiling.location.code == "ZS"
        assert own.headers["Location"] == f"/peiling/{peiling.id}"
    else:
        assert own.status_code == other.status_code == 403
        assert peiling_count() == 0


@pytest.mark.parametrize("role", list(Role))
def test_closing_a_peiling_by_role_and_location(
    client: FlaskClient, login_as: Callable[..., User], peilingen: dict, role: Role
) -> None:
    login_as(role, ("ZS",))
    token = csrf_token_from(client, "/leerlingen/")
    yes = {"csrf_token": token, "confirmed": "1"}
    other = client.post(f"/peiling/{peilingen['other'].id}/sluiten", data=yes)
    own = client.post(f"/peiling/{peilingen['own'].id}/sluiten", data=yes)
    db.session.expire_all()
    if role in OPENERS:
        assert other.status_code == 404
        assert own.status_code == 302
        assert peilingen["own"].status == PeilingStatus.GESLOTEN
    else:
        assert own.status_code == other.status_code == 403
        assert peilingen["own"].status == PeilingStatus.OPEN
    assert peilingen["other"].status == PeilingStatus.OPEN


def test_staff_pages_need_a_login_students_do_not(client: FlaskClient, peilingen: dict) -> None:
    own = peilingen["own"]
    for path in ("/peiling/", "/peiling/nieuw", f"/peiling/{own.id}", f"/peiling/{own.id}/qr.svg"):
        response = client.get(path)
        assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert client.get(f"/p/{own.code}").status_code == 200


def test_the_menu_shows_the_results_page_to_readers_only(
    client: FlaskClient, login_as: Callable[..., User], locations: dict
) -> None:
    login_as(Role.LOCATIELEIDER, ("ZS",))
    assert 'href="/peiling/"' in client.get("/").get_data(as_text=True)
    html = client.get("/peiling/").get_data(as_text=True)
    assert "Nieuwe peiling" not in html  # locatieleiding reads, does not open


def test_copa_and_medewerker_do_not_see_the_menu_item(
    client: FlaskClient, login_as: Callable[..., User], locations: dict
) -> None:
    login_as(Role.COPA, ("ZS",))
    assert 'href="/peiling/"' not in client.get("/").get_data(as_text=True)
