"""Property-based tests: whatever a phone (or an attacker) sends, the floor API answers
clearly, never with a 500, and never loses or invents an entry."""

from collections.abc import Callable

from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import func, select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import FloorEntry, QuarantinedEntry, User
from tests.floor_helpers import floor_csrf

json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=40),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=12,
)
entry_like = st.fixed_dictionaries(
    {},
    optional={
        "uuid": st.uuids().map(str) | st.text(max_size=40),
        "kind": st.sampled_from(
            ["contact", "gesprek", "groep", "spanning", "deescalatie", "vlag", "x"]
        )
        | json_values,
        "zone_id": st.integers(min_value=-5, max_value=10_000) | json_values,
        "occurred_at": st.datetimes(timezones=st.timezones()).map(lambda d: d.isoformat())
        | json_values,
        "students": st.lists(st.text(max_size=10), max_size=3) | json_values,
        "note": st.text(max_size=600) | json_values,
        "topic": json_values,
        "severity": json_values,
        "outcome": json_values,
        "flag_type": json_values,
        "head_count": st.integers() | json_values,
        "made_offline": json_values,
    },
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
        login_as(Role.MEDEWERKER)
        client._fuzz_token = floor_csrf(client)  # type: ignore[attr-defined]
    response = client.post(
        "/api/floor/entries", json=body, headers={"X-CSRFToken": client._fuzz_token}
    )  # type: ignore[attr-defined]
    assert response.status_code in (200, 400, 415), response.get_data(as_text=True)
    assert response.is_json and "error" in response.get_json() or response.status_code == 200


@SETTINGS
@given(batch=st.lists(entry_like, max_size=5))
def test_every_item_is_stored_or_kept_with_a_reason(
    client: FlaskClient, login_as: Callable[..., User], locations: dict, batch: list
) -> None:
    if not hasattr(client, "_fuzz_token"):
        login_as(Role.MEDEWERKER)
        client._fuzz_token = floor_csrf(client)  # type: ignore[attr-defined]
    entries_before, kept_before = _counts()
    response = client.post(
        "/api/floor/entries", json={"entries": batch}, headers={"X-CSRFToken": client._fuzz_token}
    )  # type: ignore[attr-defined]
    assert response.status_code == 200, response.get_data(as_text=True)
    results = response.get_json()["results"]
    assert len(results) == len(batch)
    assert all(r["status"] in {"stored", "duplicate", "quarantined"} for r in results)
    assert all(r.get("reason") for r in results if r["status"] == "quarantined")
    entries_after, kept_after = _counts()
    stored = sum(r["status"] == "stored" for r in results)
    assert entries_after - entries_before == stored
    # Every quarantined answer is backed by a kept row (a retry of one is not kept twice).
    quarantined = sum(r["status"] == "quarantined" for r in results)
    assert kept_after - kept_before <= quarantined
    assert (kept_after - kept_before) + stored + sum(
        r["status"] in {"duplicate", "quarantined"} for r in results
    ) >= len(batch)
