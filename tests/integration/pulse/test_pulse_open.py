"""Opening and closing a peiling: the period rules, the share page, QR codes, the audit trail."""

from collections.abc import Callable
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import func, select

from app.core.localtime import local_today
from app.core.vocabulary import PeilingStatus, Role
from app.extensions import db
from app.models import AuditEvent, Peiling, PeilingDevice, User
from app.models.types import utcnow
from app.pulse.services import CODE_ALPHABET, find_by_code
from tests.client_helpers import csrf_token_from
from tests.pulse_helpers import add_answers, make_peiling


@pytest.fixture
def teamleider(client: FlaskClient, login_as: Callable[..., User]) -> User:
    """Here a team leader of ZS and HK, signed in (the pulse tests' own one is neither)."""
    return login_as(Role.TEAMLEIDER, ("ZS", "HK"))


def post_new(client: FlaskClient, location: str, start: object, end: object) -> object:
    token = csrf_token_from(client, "/peiling/nieuw")
    return client.post(
        "/peiling/nieuw",
        data={
            "csrf_token": token,
            "location": location,
            "starts_on": str(start),
            "ends_on": str(end),
        },
    )


def test_open_a_peiling_and_get_link_and_qr(client: FlaskClient, teamleider: User) -> None:
    today = local_today()
    response = post_new(client, "ZS", today, today + timedelta(days=13))
    assert response.status_code == 302
    peiling = db.session.scalar(select(Peiling))
    assert peiling is not None
    assert len(peiling.code) == 8 and set(peiling.code) <= set(CODE_ALPHABET)
    assert peiling.status == PeilingStatus.OPEN and peiling.opened_by_id == teamleider.id
    assert find_by_code(peiling.code.lower()) == peiling

    page = client.get(response.headers["Location"])
    html = page.get_data(as_text=True)
    assert f"http://localhost/p/{peiling.code}" in html
    assert "Peiling geopend" in html
    assert f'src="/peiling/{peiling.id}/qr.svg"' in html

    svg = client.get(f"/peiling/{peiling.id}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    body = svg.get_data(as_text=True)
    assert "<title>" in body and f"/p/{peiling.code}" in body
    assert "Content-Disposition" not in svg.headers
    download = client.get(f"/peiling/{peiling.id}/qr.svg?download=1")
    assert download.headers["Content-Disposition"] == (
        f'attachment; filename="peiling-ZS-{peiling.code}.svg"'
    )
    png = client.get(f"/peiling/{peiling.id}/qr.png?download=1")
    assert png.mimetype == "image/png" and png.data.startswith(b"\x89PNG\r\n\x1a\n")
    assert png.headers["Content-Disposition"].endswith('.png"')

    poster = client.get(f"/peiling/{peiling.id}/poster").get_data(as_text=True)
    assert f"localhost/p/{peiling.code}" in poster and "Scan met de camera" in poster

    audit = db.session.scalar(select(AuditEvent).where(AuditEvent.object_type == "peiling"))
    assert audit is not None and audit.action == "create" and audit.user_id == teamleider.id


@pytest.mark.parametrize(
    ("start_days", "end_days", "message"),
    [
        (3, 1, "De einddatum ligt vóór de begindatum."),
        (-1, 5, "De begindatum ligt in het verleden."),
        (0, 42, "hoogstens 42 dagen"),
    ],
)
def test_period_rules(
    client: FlaskClient, teamleider: User, start_days: int, end_days: int, message: str
) -> None:
    today = local_today()
    response = post_new(
        client, "ZS", today + timedelta(days=start_days), today + timedelta(days=end_days)
    )
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Peiling)) == 0


def test_missing_or_bad_dates(client: FlaskClient, teamleider: User) -> None:
    response = post_new(client, "ZS", "", "morgen")
    assert response.status_code == 400
    assert "Kies de eerste dag." in response.get_data(as_text=True)
    assert db.session.scalar(select(func.count()).select_from(Peiling)) == 0


def test_overlapping_open_peilingen_are_refused_per_location(
    client: FlaskClient, teamleider: User
) -> None:
    today = local_today()
    assert post_new(client, "ZS", today, today + timedelta(days=10)).status_code == 302
    response = post_new(client, "ZS", today + timedelta(days=5), today + timedelta(days=20))
    assert response.status_code == 400
    assert "Voor ZS loopt al een peiling" in response.get_data(as_text=True)
    # Another location, or after the first one, is fine.
    assert post_new(client, "HK", today, today + timedelta(days=10)).status_code == 302
    later = today + timedelta(days=11)
    assert post_new(client, "ZS", later, later + timedelta(days=5)).status_code == 302


def test_closing_empties_the_device_register_and_keeps_the_answers(
    app: Flask, client: FlaskClient, teamleider: User, locations: dict
) -> None:
    peiling = make_peiling(app, teamleider, locations["ZS"])
    add_answers(app, peiling, 3)
    assert db.session.scalar(select(func.count()).select_from(PeilingDevice)) == 3
    token = csrf_token_from(client, f"/peiling/{peiling.id}")
    response = client.post(
        f"/peiling/{peiling.id}/sluiten", data={"csrf_token": token, "confirmed": "1"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert peiling.status == PeilingStatus.GESLOTEN and peiling.closed_by_id == teamleider.id
    assert db.session.scalar(select(func.count()).select_from(PeilingDevice)) == 0
    html = client.get(f"/peiling/{peiling.id}").get_data(as_text=True)
    assert "Peiling gesloten" in html and "Peiling nu sluiten" not in html
    assert "<dd>3" in html
    # Closing twice says so.
    response = client.post(
        f"/peiling/{peiling.id}/sluiten", data={"csrf_token": token, "confirmed": "1"}
    )
    assert "al gesloten" in client.get(response.headers["Location"]).get_data(as_text=True)
    # A student who still has the page open is told it is closed.
    student = app.test_client()
    student_page = student.get(f"/p/{peiling.code}").get_data(as_text=True)
    assert "gesloten" in student_page


def test_the_device_registers_of_ended_peilingen_can_be_purged(
    app: Flask, teamleider: User, locations: dict
) -> None:
    from app.models import PeilingAnswer
    from app.pulse.services import purge_devices_of_ended_peilingen

    ended = make_peiling(
        app, teamleider, locations["ZS"], starts_on=local_today() - timedelta(days=20), days=5
    )
    add_answers(app, ended, 2)
    running = make_peiling(app, teamleider, locations["HK"])
    add_answers(app, running, 3)
    now = utcnow()
    assert purge_devices_of_ended_peilingen(now, dry_run=True) == 2
    assert purge_devices_of_ended_peilingen(now, dry_run=False) == 2
    db.session.commit()
    devices = db.session.scalars(select(PeilingDevice.peiling_id)).all()
    assert devices == [running.id] * 3
    assert db.session.scalar(select(func.count()).select_from(PeilingAnswer)) == 5 * 5
    assert purge_devices_of_ended_peilingen(now, dry_run=False) == 0


@pytest.mark.parametrize("confirmed", ["", "0", "ja"])
def test_closing_without_a_yes_asks_first_and_keeps_the_peiling_open(
    app: Flask, client: FlaskClient, teamleider: User, locations: dict, confirmed: str
) -> None:
    """A tap before the page's script ran (no dialog) gets the server's own question."""
    peiling = make_peiling(app, teamleider, locations["ZS"])
    token = csrf_token_from(client, f"/peiling/{peiling.id}")
    data = {"csrf_token": token} | ({"confirmed": confirmed} if confirmed else {})
    response = client.post(f"/peiling/{peiling.id}/sluiten", data=data)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "Peiling sluiten?" in html and "niet ongedaan" in html
    assert 'name="confirmed" value="1"' in html
    assert f'href="/peiling/{peiling.id}"' in html
    # Its language switch goes back to the peiling (the page the POST came from), not to the
    # address only the form posts to.
    assert f'name="next" value="/peiling/{peiling.id}"' not in html  # no Referer sent
    asked = client.post(
        f"/peiling/{peiling.id}/sluiten",
        data=data,
        headers={"Referer": f"http://localhost/peiling/{peiling.id}"},
    ).get_data(as_text=True)
    assert f'name="next" value="/peiling/{peiling.id}"' in asked
    db.session.expire_all()
    assert peiling.status == PeilingStatus.OPEN
    # The confirmation page's own form closes it.
    assert 'name="csrf_token"' in html
    yes = {"csrf_token": token, "confirmed": "1"}
    assert client.post(f"/peiling/{peiling.id}/sluiten", data=yes).status_code == 302
    db.session.expire_all()
    assert peiling.status == PeilingStatus.GESLOTEN
