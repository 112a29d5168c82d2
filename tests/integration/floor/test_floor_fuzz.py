"""Property-based tests: whatever a phone (or an attacker) sends, the floor API answers
clearly, never with a 500, and never loses or invents an entry."""

from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core.request_input import JSON_MAX_DEPTH
from app.core.vocabulary import Role
from app.extensions import db
from app.models import FloorEntry, QuarantinedEntry, Student, User
from tests.floor_helpers import floor_csrf

EVERY_LOCATION = ("HK", "ZS", "GL", "CS", "VM", "Wind")


# Values at the edges of what JSON and Python hold: the first and last representable moments
# with a UTC offset that pushes them over (year 1 at +05:00, 9999-12-31 at -05:00), numbers too
# big for a database integer, infinities, lone surrogates and NUL, long and empty text.
def _moment(day: str, hour: int, minute: int, sign: str, offset: int) -> str:
    return f"{day}T{hour:02d}:{minute:02d}:00{sign}{offset // 60:02d}:{offset % 60:02d}"


# Moments whose UTC offset pushes them out of the calendar: early on its first day with a
# positive offset, late on its last day with a negative one.
EDGE_MOMENTS = st.builds(
    _moment,
    st.just("0001-01-01"),
    st.integers(0, 3),
    st.integers(0, 59),
    st.just("+"),
    st.integers(4 * 60, 23 * 60 + 59),
) | st.builds(
    _moment,
    st.just("9999-12-31"),
    st.integers(20, 23),
    st.integers(0, 59),
    st.just("-"),
    st.integers(4 * 60, 23 * 60 + 59),
)
edge_values = (
    EDGE_MOMENTS
    | st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
    | st.sampled_from(
        [
            2**31,
            2**63,
            -(2**63),
            10**30,
            float("inf"),
            float("-inf"),
            "",
            " ",
            "\x00",
            "\ud800",
            "x" * 5000,
            "9999-12-31T23:59:59.999999-23:59",
            "0001-01-01T00:00:00+23:59",
        ]
    )
    | st.text(max_size=40)
    | st.characters(categories=["Cs"])  # lone surrogates
)
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=40)
    | edge_values,
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
# Anything at all in any field: the entry is built from random fields.
entry_like = st.dictionaries(
    st.sampled_from(
        [
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
    )
    | st.text(max_size=12),
    json_values,
    max_size=8,
)
# What a phone sends (each kind with its required fields), for one of the user's zones and a
# time within the last three weeks: the starting point that the fuzzing then spoils.
SPOILERS = st.one_of(EDGE_MOMENTS, edge_values, json_values)
ENTRY_FIELDS = [
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
CLIMATE_FIELDS = ["uuid", "zone_id", "day", "rating", "note", "checked_at"]


def recent() -> st.SearchStrategy[str]:
    return st.integers(min_value=0, max_value=20 * 24 * 60).map(
        lambda minutes: (datetime.now(UTC) - timedelta(minutes=minutes)).isoformat()
    )


def phone_entries(zone_ids: list[int], numbers: list[str]) -> st.SearchStrategy[dict]:
    kinds = st.sampled_from(
        [
            {"kind": "contact"},
            {"kind": "gesprek", "topic": "gedrag"},
            {"kind": "groep", "head_count": 12},
            {"kind": "spanning", "severity": "hoog"},
            {"kind": "deescalatie", "outcome": "deels"},
            {"kind": "vlag", "flag_type": "zorg"},
        ]
    )
    return st.builds(
        lambda uuid, kind, zone, moment, students, note: {
            "uuid": str(uuid),
            **kind,
            "zone_id": zone,
            "occurred_at": moment,
            "students": students,
            "note": note,
            "made_offline": False,
        },
        st.uuids(),
        kinds,
        st.sampled_from(zone_ids),
        recent(),
        st.lists(st.sampled_from(numbers), min_size=1, max_size=2),
        st.text(max_size=40),
    )


def phone_climate(zone_ids: list[int]) -> st.SearchStrategy[dict]:
    return st.builds(
        lambda uuid, zone, moment, rating: {
            "uuid": str(uuid),
            "zone_id": zone,
            "day": date.today().isoformat(),
            "rating": rating,
            "note": "",
            "checked_at": moment,
        },
        st.uuids(),
        st.sampled_from(zone_ids),
        recent(),
        st.sampled_from(["rustig", "wisselend", "onrustig"]),
    )


def spoilt(items: st.SearchStrategy[dict], fields: list[str]) -> st.SearchStrategy[dict]:
    """``items`` with up to three of their ``fields`` replaced by edge values or any JSON, or
    with one field holding a moment outside the calendar."""
    return st.builds(
        lambda item, changes: {**item, **changes},
        items,
        st.dictionaries(st.sampled_from(fields), SPOILERS, max_size=3)
        | st.dictionaries(st.sampled_from(fields), EDGE_MOMENTS, min_size=1, max_size=1),
    )


SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _counts() -> tuple[int, int]:
    db.session.expire_all()
    entries = db.session.scalar(select(func.count(FloorEntry.id))) or 0
    kept = db.session.scalar(select(func.count(QuarantinedEntry.id))) or 0
    return entries, kept


@SETTINGS
@given(body=json_values)
def test_any_json_body_gets_a_clear_answer(
    client: FlaskClient, login_as: Callable[..., User], locations: dict, body: object
) -> None:
    if not hasattr(client, "_fuzz_token"):
        login_as(Role.MEDEWERKER, EVERY_LOCATION)
        client._fuzz_token = floor_csrf(client)  # type: ignore[attr-defined]
    response = client.post(
        "/api/floor/entries", json=body, headers={"X-CSRFToken": client._fuzz_token}
    )  # type: ignore[attr-defined]
    assert response.status_code in (200, 400, 415), response.get_data(as_text=True)
    assert response.is_json and "error" in response.get_json() or response.status_code == 200


@pytest.fixture
def fuzz_staff(
    client: FlaskClient, login_as: Callable[..., User], make_student: Callable[..., Student]
) -> tuple[list[int], list[str]]:
    """A staff member at every location, signed in; their zones and some students' numbers."""
    user = login_as(Role.MEDEWERKER, EVERY_LOCATION)
    client._fuzz_token = floor_csrf(client)  # type: ignore[attr-defined]
    numbers = [make_student("ZS").leerlingnummer, make_student("HK").leerlingnummer]
    zones = [zone.id for location in user.locations for zone in location.zones]
    return zones, numbers


@SETTINGS
@given(data=st.data())
def test_every_item_is_stored_or_kept_with_a_reason(
    client: FlaskClient, fuzz_staff: tuple[list[int], list[str]], data: st.DataObject
) -> None:
    zone_ids, numbers = fuzz_staff
    entries = spoilt(phone_entries(zone_ids, numbers), ENTRY_FIELDS) | entry_like
    checks = spoilt(phone_climate(zone_ids), CLIMATE_FIELDS) | entry_like
    batch = data.draw(st.lists(entries, max_size=5), label="entries")
    climate = data.draw(st.lists(checks, max_size=3), label="climate")
    entries_before, kept_before = _counts()
    response = client.post(
        "/api/floor/entries",
        json={"entries": batch, "climate": climate},
        headers={"X-CSRFToken": client._fuzz_token},  # type: ignore[attr-defined]
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert len(results) == len(batch) + len(climate)
    assert all(r["status"] in {"stored", "duplicate", "quarantined", "refused"} for r in results)
    # Kept or refused (the quarantine's limits), each says why.
    assert all(r.get("reason") for r in results if r["status"] in {"quarantined", "refused"})
    entries_after, kept_after = _counts()
    stored = sum(r["status"] == "stored" for r in results[: len(batch)])
    assert entries_after - entries_before == stored
    # Every quarantined answer is backed by a kept row (a retry of one is not kept twice, and
    # an identical entry without a UUID only counts up its row's repeats).
    quarantined = sum(r["status"] == "quarantined" for r in results)
    assert kept_after - kept_before <= quarantined


def nested(shape: str, depth: int) -> str:
    """JSON nested ``depth`` levels deep, the levels drawn from ``shape`` ("[" or "{")."""
    opening = "".join("[" if shape[i % len(shape)] == "[" else '{"a":' for i in range(depth))
    closing = "".join("]" if shape[i % len(shape)] == "[" else "}" for i in reversed(range(depth)))
    return opening + "1" + closing


@SETTINGS
@given(
    shape=st.text(alphabet="[{", min_size=1, max_size=4),
    depth=st.integers(min_value=1, max_value=1_000) | st.integers(min_value=1, max_value=50_000),
    where=st.sampled_from(["body", "entries", "entry", "note", "students"]),
)
def test_json_of_any_depth_gets_a_clear_answer(
    client: FlaskClient, login_as: Callable[..., User], shape: str, depth: int, where: str
) -> None:
    """Deep JSON, at the top or inside an entry, is refused with a message (never a 500)."""
    if not hasattr(client, "_fuzz_token"):
        login_as(Role.MEDEWERKER, EVERY_LOCATION)
        client._fuzz_token = floor_csrf(client)  # type: ignore[attr-defined]
    value = nested(shape, depth)
    body, levels = {
        "body": (value, depth),
        "entries": (f'{{"entries": {value}}}', depth + 1),
        "entry": (f'{{"entries": [{value}]}}', depth + 2),
        "note": (f'{{"entries": [{{"note": {value}}}]}}', depth + 3),
        "students": (f'{{"entries": [{{"students": [{value}]}}]}}', depth + 4),
    }[where]
    response = client.post(
        "/api/floor/entries",
        data=body,
        content_type="application/json",
        headers={"X-CSRFToken": client._fuzz_token},  # type: ignore[attr-defined]
    )
    assert response.status_code in (200, 400), response.get_data(as_text=True)[:300]
    if levels > JSON_MAX_DEPTH:
        assert response.status_code == 400
        assert "te diep genest" in response.get_json()["message"]
    elif response.status_code == 400:
        assert response.get_json()["message"]
