"""The quarantine is bounded (issue 20, item 5): identical entries without a valid UUID are one
row with a count, and per staff member there is a limit on unresolved rows and on new rows an
hour; beyond it an entry is answered "refused" with the reason, and nothing else in the batch
suffers. A phone keeps a refused entry (it has a UUID) and sends it again later."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.desk.inbox.services import resolve_quarantined
from app.extensions import db
from app.floor import quarantine
from app.floor.services import accept_entries
from app.models import FloorEntry, Location, QuarantinedEntry, User
from app.models.types import utcnow
from tests.db_helpers import count
from tests.floor_helpers import climate_check, entry, floor_csrf


def post(client: FlaskClient, token: str, entries: list, climate: list | None = None) -> list:
    response = client.post(
        "/api/floor/entries",
        json={"entries": entries, "climate": climate or []},
        headers={"X-CSRFToken": token},
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def bad(location: Location) -> dict:
    """An entry the server cannot accept (a flag without a kind), with a fresh UUID."""
    return entry(location, "vlag", students=["1"])


def test_identical_entries_without_a_uuid_are_one_row_with_a_count(
    client: FlaskClient, staff: User, locations: dict[str, Location]
) -> None:
    token = floor_csrf(client)
    garbage = {"kind": "contact", "uuid": "not-a-uuid", "note": "x"}
    first = post(client, token, [garbage, garbage, "garbage"])
    assert [r["status"] for r in first] == ["quarantined"] * 3
    assert [r["uuid"] for r in first] == ["not-a-uuid", "not-a-uuid", ""]
    for _ in range(5):  # a phone (or anyone) sending the same again and again
        post(client, token, [garbage])
    rows = db.session.scalars(select(QuarantinedEntry).order_by(QuarantinedEntry.id)).all()
    assert [(r.repeats, r.uuid) for r in rows] == [(7, None), (1, None)]
    assert rows[0].repeat_key == rows[0].fingerprint and rows[0].last_received_at is not None


def test_a_repeat_of_a_resolved_entry_opens_it_again(
    client: FlaskClient, staff: User, locations: dict[str, Location]
) -> None:
    token = floor_csrf(client)
    post(client, token, ["garbage"])
    kept = db.session.scalar(select(QuarantinedEntry))
    assert kept is not None
    resolve_quarantined(staff, kept, "telefoon nagekeken")
    db.session.commit()
    post(client, token, ["garbage"])
    db.session.refresh(kept)
    assert kept.resolved_at is None and kept.repeats == 2
    assert count(QuarantinedEntry) == 1


def test_new_rows_an_hour_are_limited_and_the_rest_of_the_batch_is_stored(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quarantine, "PER_HOUR", 3)
    zs = locations["ZS"]
    token = floor_csrf(client)
    batch = [
        bad(zs),
        bad(zs),
        entry(zs),
        bad(zs),
        bad(zs),
        "garbage",
        entry(zs, "groep", head_count=2),
    ]
    results = post(client, token, batch)
    assert [r["status"] for r in results] == [
        "quarantined",
        "quarantined",
        "stored",
        "quarantined",
        "refused",
        "refused",
        "stored",
    ]
    assert results[4]["reason"] == (
        "niet in quarantaine genomen: meer dan 3 niet-verwerkbare registraties in het afgelopen "
        "uur; de telefoon bewaart de registratie en verstuurt hem later opnieuw"
    )
    assert results[5]["reason"].endswith("deze registratie zonder geldige uuid is niet bewaard")
    assert count(QuarantinedEntry) == 3 and count(FloorEntry) == 2
    # Sent again (as the phone does) once the hour is over, the refused entry is kept.
    later = accept_entries(staff, [batch[4]], now=utcnow() + timedelta(minutes=61))
    db.session.commit()
    assert [r.status for r in later] == ["quarantined"]
    assert count(QuarantinedEntry) == 4


def test_unresolved_rows_are_limited_until_the_desk_resolves_some(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quarantine, "MAX_OPEN", 2)
    zs = locations["ZS"]
    token = floor_csrf(client)
    climate = [climate_check(zs) | {"rating": "stormachtig"}]
    results = post(client, token, [bad(zs), bad(zs), bad(zs)], climate)
    assert [r["status"] for r in results] == ["quarantined", "quarantined", "refused", "refused"]
    assert results[2]["reason"].startswith(
        "niet in quarantaine genomen: er staan al 2 niet-verwerkte registraties klaar voor het "
        "bureau"
    )
    first = db.session.scalars(select(QuarantinedEntry)).first()
    assert first is not None
    resolve_quarantined(staff, first, "met de hand verwerkt")
    db.session.commit()
    again = post(client, token, [bad(zs), bad(zs)])
    assert [r["status"] for r in again] == ["quarantined", "refused"]


def test_the_same_refused_uuid_twice_in_a_batch_gets_the_same_answer(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quarantine, "PER_HOUR", 0)
    item = bad(locations["ZS"])
    results = post(client, floor_csrf(client), [item, item])
    assert [r["status"] for r in results] == ["refused", "refused"]
    assert count(QuarantinedEntry) == 0


def test_the_limits_are_per_staff_member(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_user: object,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quarantine, "PER_HOUR", 1)
    zs = locations["ZS"]
    colleague = make_user()  # type: ignore[operator]
    accept_entries(colleague, [bad(zs)])
    db.session.commit()
    results = post(client, floor_csrf(client), [bad(zs)])
    assert [r["status"] for r in results] == ["quarantined"]
