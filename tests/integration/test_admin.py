from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.admin.services import add_zone
from app.core.vocabulary import Role
from app.extensions import db
from app.models import User
from tests.client_helpers import csrf_token_from, login


@pytest.mark.parametrize("role", [r for r in Role if r != Role.BEHEER])
@pytest.mark.parametrize(
    "path",
    [
        "/beheer/",
        "/beheer/gebruikers",
        "/beheer/gebruikers/nieuw",
        "/beheer/leerlingen/import",
        "/beheer/locaties",
    ],
)
def test_only_beheer_manages(
    client: FlaskClient, login_as: Callable[..., User], role: Role, path: str
) -> None:
    login_as(role)
    assert client.get(path).status_code == 403


def test_beheer_creates_a_user(client: FlaskClient, login_as: Callable[..., User]) -> None:
    login_as(Role.BEHEER, ("ZS", "HK"))
    token = csrf_token_from(client, "/beheer/gebruikers/nieuw")
    response = client.post(
        "/beheer/gebruikers/nieuw",
        data={
            "csrf_token": token,
            "name": "Nieuwe Collega",
            "email": "Nieuw@School.example.nl",
            "role": "medewerker",
            "locations": ["HK", "GL"],
            "password": "een-lang-wachtwoord",
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "nieuw@school.example.nl"))
    assert user is not None
    assert [loc.code for loc in user.locations] == ["GL", "HK"]
    with client.session_transaction() as session:
        session.clear()
    assert login(client, "nieuw@school.example.nl", "een-lang-wachtwoord").status_code == 302


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"password": "kort"}, "minstens 12 tekens"),
        ({"email": "geen-adres"}, "geen geldig e-mailadres"),
        ({"locations": []}, "Kies minstens één locatie"),
        ({"name": ""}, "Vul een naam in"),
    ],
)
def test_bad_user_input_is_explained_and_nothing_stored(
    client: FlaskClient, login_as: Callable[..., User], changes: dict, message: str
) -> None:
    login_as(Role.BEHEER)
    before = db.session.scalar(select(db.func.count(User.id)))
    data = {
        "csrf_token": csrf_token_from(client, "/beheer/gebruikers/nieuw"),
        "name": "X Y",
        "email": "xy@school.example.nl",
        "role": "teamleider",
        "locations": ["ZS"],
        "password": "een-lang-wachtwoord",
    } | changes
    response = client.post("/beheer/gebruikers/nieuw", data=data)
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(db.func.count(User.id))) == before


def test_duplicate_email_is_refused_case_blind(
    client: FlaskClient, login_as: Callable[..., User], make_user: Callable[..., User]
) -> None:
    existing = make_user(email="dubbel@school.example.nl")
    login_as(Role.BEHEER)
    response = client.post(
        "/beheer/gebruikers/nieuw",
        data={
            "csrf_token": csrf_token_from(client, "/beheer/gebruikers/nieuw"),
            "name": "Dubbel",
            "email": "DUBBEL@school.example.nl",
            "role": "medewerker",
            "locations": ["ZS"],
            "password": "een-lang-wachtwoord",
        },
    )
    assert response.status_code == 400
    assert "bestaat al" in response.get_data(as_text=True)
    assert existing.name != "Dubbel"


def test_beheer_deactivates_and_reassigns(
    client: FlaskClient, login_as: Callable[..., User], make_user: Callable[..., User]
) -> None:
    target = make_user(Role.MEDEWERKER, ("ZS",))
    login_as(Role.BEHEER)
    path = f"/beheer/gebruikers/{target.id}"
    response = client.post(
        path,
        data={
            "csrf_token": csrf_token_from(client, path),
            "name": target.name,
            "role": "medewerker",
            "locations": ["HK", "VM"],
        },  # 'active' unchecked
    )
    assert response.status_code == 302
    db.session.refresh(target)
    assert target.active is False
    assert [loc.code for loc in target.locations] == ["HK", "VM"]


def test_beheer_resets_a_password(
    client: FlaskClient, login_as: Callable[..., User], make_user: Callable[..., User]
) -> None:
    target = make_user(Role.MEDEWERKER, ("ZS",))
    login_as(Role.BEHEER)
    path = f"/beheer/gebruikers/{target.id}"
    token = csrf_token_from(client, path)
    short = client.post(f"{path}/wachtwoord", data={"csrf_token": token, "pw-password": "kort"})
    assert short.status_code == 400
    response = client.post(
        f"{path}/wachtwoord", data={"csrf_token": token, "pw-password": "nieuw-wachtwoord-99"}
    )
    assert response.status_code == 302
    client.post("/logout", data={"csrf_token": token})
    with client.session_transaction() as session:
        session.clear()
    assert login(client, target.email, "nieuw-wachtwoord-99").status_code == 302


def test_beheer_adds_and_deactivates_a_zone(
    client: FlaskClient, login_as: Callable[..., User], locations: dict
) -> None:
    login_as(Role.BEHEER)
    token = csrf_token_from(client, "/beheer/locaties")
    response = client.post(
        "/beheer/locaties/ZS/zones", data={"csrf_token": token, "name": "mediatheek"}
    )
    assert response.status_code == 302
    zs = locations["ZS"]
    db.session.refresh(zs)
    zone = next(z for z in zs.zones if z.name == "mediatheek")
    client.post(f"/beheer/zones/{zone.id}/actief", data={"csrf_token": token})
    db.session.refresh(zone)
    assert zone.active is False
    again = client.post(
        "/beheer/locaties/ZS/zones",
        data={"csrf_token": token, "name": "Mediatheek"},
        follow_redirects=True,
    )
    assert "bestaat al" in again.get_data(as_text=True)


def test_beheer_moves_an_existing_zone_between_the_floor_and_the_desk(
    client: FlaskClient, login_as: Callable[..., User], locations: dict
) -> None:
    """A zone made before the floor/desk distinction (or a place that changed use) can be moved
    either way; the floor's zone list follows and entries logged there keep their zone."""
    login_as(Role.BEHEER)
    zone = add_zone(locations["ZS"], "telefonisch contact", None, on_floor=True)
    db.session.commit()
    token = csrf_token_from(client, "/beheer/locaties")
    response = client.post(
        f"/beheer/zones/{zone.id}/vloer",
        data={"csrf_token": token, "aan": "0"},
        follow_redirects=True,
    )
    db.session.refresh(zone)
    assert zone.on_floor is False
    assert "telefonisch contact is nu alleen voor het bureau." in response.get_data(as_text=True)
    again = client.post(f"/beheer/zones/{zone.id}/vloer", data={"csrf_token": token, "aan": "0"})
    assert again.status_code == 302  # asked twice: the same state, harmless
    db.session.refresh(zone)
    assert zone.on_floor is False
    client.post(f"/beheer/zones/{zone.id}/vloer", data={"csrf_token": token, "aan": "1"})
    db.session.refresh(zone)
    assert zone.on_floor is True
    assert client.post("/beheer/zones/999999/vloer", data={"csrf_token": token}).status_code == 404
