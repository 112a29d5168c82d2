"""One bad entry never sinks a batch: whatever one field of one entry holds, the batch answers
200, that entry is stored or kept in quarantine with a reason, and the other entries of the
batch are stored (issue 20, item 3)."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.floor import quarantine
from app.models import FloorEntry, Location, QuarantinedEntry, Student, User
from tests.db_helpers import count
from tests.floor_helpers import climate_check, entry, floor_csrf

# A UTC offset pushes these past the first or the last day Python's calendar holds.
OUT_OF_RANGE = ["0001-01-01T01:00:00+05:00", "9999-12-31T23:00:00-05:00"]
HOSTILE: list[object] = [
    None,
    True,
    0,
    -1,
    2**31,
    2**63,
    10**30,
    1.5,
    float("inf"),
    "",
    " ",
    "x" * 5000,
    "\ud800",  # half a surrogate pair: valid JSON, no text
    "a\x00b",
    *OUT_OF_RANGE,
    "2026-02-30T08:00:00+01:00",
    [],
    [None],
    [[[]]],
    {},
    {"a": {"b": [1]}},
]
FIELDS = [
    "uuid",
    "kind",
    "zone_id",
    "occurred_at",
    "students",
    "note",
    "topic",
    "severity",
    "outcome",
    "flag_type",
    "head_count",
    "made_offline",
]


def post(client: FlaskClient, token: str, **body: object) -> dict:
    response = client.post("/api/floor/entries", json=body, headers={"X-CSRFToken": token})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def entry_using(field: str, location: Location, student: Student) -> dict:
    """A complete entry of the kind for which ``field`` matters."""
    number = [student.leerlingnummer]
    return {
        "topic": entry(location, "gesprek", topic="gedrag"),
        "severity": entry(location, "spanning", severity="laag"),
        "outcome": entry(location, "deescalatie", outcome="opgelost"),
        "flag_type": entry(location, "vlag", flag_type="zorg", students=number),
        "students": entry(location, "vlag", flag_type="zorg", students=number),
        "head_count": entry(location, "groep", head_count=4),
    }.get(field) or entry(location, "spanning", severity="middel", students=number, note="n")


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_a_time_outside_the_calendar_is_kept_and_the_rest_stored(
    client: FlaskClient, staff: User, locations: dict[str, Location], moment: str
) -> None:
    zs = locations["ZS"]
    batch = [entry(zs), entry(zs, occurred_at=moment), entry(zs, "groep", head_count=3)]
    results = post(client, floor_csrf(client), entries=batch)["results"]
    assert [r["status"] for r in results] == ["stored", "quarantined", "stored"]
    assert results[1]["reason"] == f"tijdstip '{moment}' ligt buiten het bereik van de kalender"
    assert count(FloorEntry) == 2 and count(QuarantinedEntry) == 1


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_a_climate_check_at_such_a_time_is_kept_and_the_rest_stored(
    client: FlaskClient, staff: User, locations: dict[str, Location], moment: str
) -> None:
    zs = locations["ZS"]
    bad = climate_check(zs) | {"checked_at": moment}
    body = post(client, floor_csrf(client), entries=[entry(zs)], climate=[bad])
    assert [r["status"] for r in body["results"]] == ["stored", "quarantined"]
    assert "buiten het bereik van de kalender" in body["results"][1]["reason"]
    assert count(FloorEntry) == 1


def test_any_value_in_any_field_never_sinks_the_batch(
    client: FlaskClient,
    staff: User,
    locations: dict[str, Location],
    make_student: Callable[..., Student],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(quarantine, "PER_HOUR", 10_000)  # this test keeps hundreds
    zs = locations["ZS"]
    student = make_student("ZS")
    token = floor_csrf(client)
    stored = 0
    for field in FIELDS:
        for value in HOSTILE:
            bad = entry_using(field, zs, student) | {field: value}
            results = post(client, token, entries=[entry(zs), bad, entry(zs)])["results"]
            statuses = [r["status"] for r in results]
            assert statuses[0] == statuses[2] == "stored", (field, value, results)
            assert statuses[1] in {"stored", "quarantined"}, (field, value, results)
            if statuses[1] == "quarantined":
                assert results[1]["reason"], (field, value)
            stored += statuses.count("stored")
    assert count(FloorEntry) == stored


@pytest.mark.parametrize(
    ("students", "reason"),
    [
        ([{"n": 1}], "ongeldig leerlingnummer"),
        ([True], "ongeldig leerlingnummer"),
        ([10**25], "ongeldig leerlingnummer"),
        (["1" * 50], "leerling 11111111111111111111 hoort niet"),
    ],
)
def test_student_numbers_of_any_shape_are_refused_by_name(
    client: FlaskClient, staff: User, locations: dict[str, Location], students: list, reason: str
) -> None:
    item = entry(locations["ZS"], "gesprek", topic="gedrag", students=students)
    result = post(client, floor_csrf(client), entries=[item])["results"][0]
    assert result["status"] == "quarantined" and reason in result["reason"]


def test_text_that_is_no_text_is_kept_with_its_payload(
    client: FlaskClient, staff: User, locations: dict[str, Location]
) -> None:
    """A lone surrogate cannot be stored by either database: the entry is kept (its payload with
    a replacement character), the reason says why; nothing fails."""
    item = entry(locations["ZS"], "spanning", severity="laag", note="ruzie \ud83d bij kassa")
    result = post(client, floor_csrf(client), entries=[item])["results"][0]
    assert result == {
        "uuid": item["uuid"],
        "status": "quarantined",
        "reason": "bevat tekens die geen tekst zijn (ongeldige unicode)",
    }
    kept = db.session.scalar(select(QuarantinedEntry.payload))
    assert kept is not None and "ruzie \ufffd bij kassa" in kept
