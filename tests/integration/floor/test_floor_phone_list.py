"""The floor page hands the phone the server's own definition of each kind's required fields,
and the phone's "Vandaag" list keeps every own entry the server quarantined as "niet verwerkt —
zie bureau" until the desk has resolved it (issue 20, item 2)."""

from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.vocabulary import Role
from app.desk.inbox.services import resolve_quarantined
from app.extensions import db
from app.floor.rules import KIND_FIELDS, kinds_for_phone
from app.floor.services import accept_entries
from app.models import Location, QuarantinedEntry, Student, User
from tests.floor_helpers import climate_check, entry, floor_csrf


def page_data(client: FlaskClient, name: str) -> object:
    page = client.get("/vloer/").get_data(as_text=True)
    match = re.search(rf"data-{name}='([^']*)'", page)
    assert match, name
    return json.loads(html.unescape(match.group(1)))


def test_the_floor_page_carries_the_servers_definition_of_each_kind(client: FlaskClient) -> None:
    assert page_data(client, "kind-fields") == kinds_for_phone()
    messages = page_data(client, "missing")
    required = {name for fields in KIND_FIELDS.values() for name in fields.required}
    assert isinstance(messages, dict) and required <= set(messages)
    assert messages["flag_type"] == "Kies de soort vlag."


def post(client: FlaskClient, entries: list, climate: list | None = None) -> list:
    response = client.post(
        "/api/floor/entries",
        json={"entries": entries, "climate": climate or []},
        headers={"X-CSRFToken": floor_csrf(client)},
    )
    assert response.status_code == 200
    return response.get_json()["results"]


def test_quarantined_entries_stay_on_the_phones_list_until_the_desk_resolved_them(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
    make_user: Callable[..., User],
) -> None:
    zs = locations["ZS"]
    student = make_student("ZS", first_name="Lotte", last_name="de Groot")
    flag_without_kind = entry(zs, "vlag", students=[student.leerlingnummer], note="geheim")
    last_week = (datetime.now(UTC) - timedelta(days=6)).isoformat()
    old_one = entry(zs, "gesprek", topic="gedrag", occurred_at=last_week, students=["999"])
    stormy = climate_check(zs, "kantine") | {"rating": "stormachtig"}
    results = post(client, [flag_without_kind, entry(zs), old_one], [stormy])
    assert [r["status"] for r in results] == ["quarantined", "stored", "quarantined", "quarantined"]
    colleague = make_user(Role.MEDEWERKER, ("ZS",))
    accept_entries(colleague, [entry(zs, "vlag")])  # someone else's: never on this phone
    db.session.commit()

    today = client.get("/api/floor/today").get_json()
    assert [e["kind"] for e in today["entries"]] == ["contact"]
    listed = {item["uuid"]: item for item in today["quarantined"]}
    assert set(listed) == {flag_without_kind["uuid"], old_one["uuid"], stormy["uuid"]}
    flag = listed[flag_without_kind["uuid"]]
    assert flag == {
        "uuid": flag_without_kind["uuid"],
        "kind": "vlag",
        "zone": "aula",
        "occurred_at": datetime.fromisoformat(flag_without_kind["occurred_at"]).isoformat(),
        "detail": "",
        "students": [{"n": student.leerlingnummer, "i": "L.D.", "c": "2B", "l": "ZS"}],
        "reason": "onvolledig: soort vlag ontbreekt",
        "repeats": 1,
    }
    assert listed[old_one["uuid"]]["detail"] == "gedrag"
    assert listed[old_one["uuid"]]["students"] == [{"n": "999", "i": "", "c": "", "l": ""}]
    assert listed[stormy["uuid"]]["kind"] == "klimaatcheck"
    assert listed[stormy["uuid"]]["zone"] == "kantine"
    raw = client.get("/api/floor/today").get_data(as_text=True)
    assert "geheim" not in raw and "Lotte" not in raw and "Groot" not in raw

    kept = db.session.scalar(
        select(QuarantinedEntry).where(QuarantinedEntry.uuid == flag_without_kind["uuid"])
    )
    assert kept is not None
    resolve_quarantined(staff, kept, "vlag met de hand aangemaakt")
    db.session.commit()
    after = client.get("/api/floor/today").get_json()["quarantined"]
    assert {item["uuid"] for item in after} == {old_one["uuid"], stormy["uuid"]}


def test_an_entry_kept_without_a_uuid_is_listed_under_one_of_its_own(
    client: FlaskClient, staff: User, locations: dict[str, Location]
) -> None:
    post(client, [{"kind": "contact", "uuid": "kapot"}, {"kind": "contact", "uuid": "kapot"}])
    (item,) = client.get("/api/floor/today").get_json()["quarantined"]
    kept = db.session.scalar(select(QuarantinedEntry))
    assert kept is not None and item["uuid"] == f"q{kept.id}"
    assert item["kind"] == "contact" and item["repeats"] == 2
