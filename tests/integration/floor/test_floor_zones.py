"""Zones on the floor: a zone for desk work only (``on_floor`` False) never reaches the phone."""

from __future__ import annotations

from collections.abc import Callable

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import Location, User, Zone
from tests.client_helpers import csrf_token_from, login, logout


def floor_zone_names(client: FlaskClient, code: str) -> list[str]:
    data = client.get("/api/floor/context").get_json()
    location = next(loc for loc in data["locations"] if loc["code"] == code)
    return [zone["name"] for zone in location["zones"]]


def test_demo_desk_zones_are_not_on_the_floor(
    client: FlaskClient, staff: User, locations: dict[str, Location]
) -> None:
    hk = {zone.name: zone for zone in locations["HK"].zones}
    assert hk["huisbezoek"].on_floor is False
    assert hk["telefonisch"].on_floor is False
    assert hk["aula"].on_floor is True
    names = floor_zone_names(client, "HK")
    assert "huisbezoek" not in names and "telefonisch" not in names
    assert names[:3] == ["aula", "gang", "kantine"]
    assert len(names) == 9


def test_a_zone_is_on_the_floor_unless_the_database_says_otherwise(
    app: Flask, locations: dict[str, Location]
) -> None:
    """The column's default is the database's own (server_default true): a row inserted without
    it, as by an older writer, lands on the floor."""
    location = locations["ZS"]
    db.session.execute(
        Zone.__table__.insert().values(location_id=location.id, name="mediatheek", position=50)
    )
    db.session.commit()
    zone = db.session.scalar(select(Zone).where(Zone.name == "mediatheek"))
    assert zone is not None and zone.on_floor is True


def test_beheer_adds_a_desk_only_zone(
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    locations: dict[str, Location],
) -> None:
    login_as(Role.BEHEER)
    token = csrf_token_from(client, "/beheer/locaties")
    for name, desk_only in (("mediatheek", False), ("videobellen", True)):
        data: dict[str, str] = {"csrf_token": token, "name": name}
        if desk_only:
            data["desk_only"] = "y"
        assert client.post("/beheer/locaties/ZS/zones", data=data).status_code == 302
        token = csrf_token_from(client, "/beheer/locaties")
    db.session.expire_all()
    zones = {
        z.name: z
        for z in db.session.scalars(select(Zone).where(Zone.location_id == locations["ZS"].id))
    }
    assert zones["mediatheek"].on_floor is True
    assert zones["videobellen"].on_floor is False
    assert "alleen bureau" in client.get("/beheer/locaties").get_data(as_text=True)

    staff = make_user(Role.MEDEWERKER, ("ZS",))
    logout(client)
    login(client, staff.email)
    names = floor_zone_names(client, "ZS")
    assert "mediatheek" in names
    assert "videobellen" not in names and "huisbezoek" not in names
