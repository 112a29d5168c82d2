from collections.abc import Callable
from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.localtime import local_today
from app.core.vocabulary import Role
from app.extensions import db
from app.models import ClimateCheck, QuarantinedEntry, User
from tests.floor_helpers import climate_check, floor_csrf


def send(client: FlaskClient, items: list) -> list[dict]:
    token = floor_csrf(client)
    response = client.post(
        "/api/floor/entries", json={"climate": items}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


@pytest.fixture
def staff(login_as: Callable[..., User]) -> User:
    """Here a staff member of ZS only (the floor tests' own staff member works at HK too)."""
    return login_as(Role.MEDEWERKER, ("ZS",))


def checks() -> list[ClimateCheck]:
    db.session.expire_all()
    return list(db.session.scalars(select(ClimateCheck).order_by(ClimateCheck.id)))


def test_one_check_per_zone_and_day_a_second_tap_replaces(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    zs = locations["ZS"]
    first = send(
        client, [climate_check(zs, "aula", "onrustig", minutes_ago=5), climate_check(zs, "gang")]
    )
    assert [r["status"] for r in first] == ["stored", "stored"]
    send(
        client, [climate_check(zs, "aula", "wisselend", minutes_ago=1, note="na de pauze rustiger")]
    )
    stored = checks()
    assert [(c.zone.name, c.rating) for c in stored] == [("aula", "wisselend"), ("gang", "rustig")]
    assert stored[0].note == "na de pauze rustiger" and stored[0].staff_id == staff.id
    assert stored[0].day == local_today()


def test_an_older_tap_arriving_late_does_not_overwrite(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    zs = locations["ZS"]
    send(client, [climate_check(zs, "aula", "rustig", minutes_ago=1)])
    send(
        client, [climate_check(zs, "aula", "onrustig", minutes_ago=30)]
    )  # tapped earlier, sent later
    assert [c.rating for c in checks()] == ["rustig"]


def test_each_staff_member_has_their_own_check(
    client: FlaskClient, staff: User, locations: dict, make_user: Callable[..., User]
) -> None:
    from app.floor.services import accept_climate_checks

    colleague = make_user(Role.MEDEWERKER, ("ZS",))
    accept_climate_checks(colleague, [climate_check(locations["ZS"], "aula", "onrustig")])
    db.session.commit()
    send(client, [climate_check(locations["ZS"], "aula", "rustig")])
    assert sorted(c.rating for c in checks()) == ["onrustig", "rustig"]
    today = client.get("/api/floor/climate").get_json()["checks"]
    assert [(c["zone"], c["rating"]) for c in today] == [("aula", "rustig")]


@pytest.mark.parametrize(
    ("changes", "reason"),
    [
        ({"rating": "chaos"}, "onbekende klimaatscore"),
        ({"zone_id": 999_999}, "onbekende zone"),
        ({"day": "morgen"}, "ongeldige dag"),
        ({"day": (local_today() + timedelta(days=2)).isoformat()}, "buiten de afgelopen 21 dagen"),
        ({"note": "x" * 201}, "langer dan 200 tekens"),
        ({"checked_at": "nu"}, "ongeldig tijdstip"),
    ],
)
def test_bad_checks_are_kept_in_quarantine(
    client: FlaskClient, staff: User, locations: dict, changes: dict, reason: str
) -> None:
    result = send(client, [climate_check(locations["ZS"]) | changes])[0]
    assert result["status"] == "quarantined" and reason in result["reason"]
    assert checks() == []
    assert db.session.scalar(select(QuarantinedEntry)) is not None


def test_another_locations_zone_is_refused(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    result = send(client, [climate_check(locations["GL"])])[0]
    assert result["status"] == "quarantined"
    assert "locatie GL hoort niet" in result["reason"]
