"""The floor sync's lean path (issue 24): one tap, and a batch of ten of every kind, each cost a
fixed handful of statements (one per lookup and one INSERT per table, never one per entry), and
the sync loads no models but the signed-in user with their locations: zones, students and
quarantined UUIDs are read as plain rows."""

from collections.abc import Callable

from flask.testing import FlaskClient

from app.models import Flag, FloorEntry, Student, User
from tests.db_helpers import count
from tests.floor_helpers import entry, floor_csrf
from tests.statement_count import counted_statements, loaded_models

# The user with their locations, the zones, the quarantine check, the entries' INSERT.
ONE_TAP = 4
# ... and the students, their links to the entries and the flags.
TEN_OF_EVERY_KIND = 7


def post(client: FlaskClient, entries: list, token: str) -> list[str]:
    response = client.post(
        "/api/floor/entries", json={"entries": entries}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return [r["status"] for r in response.get_json()["results"]]


def _kinds(statements: list[str]) -> list[str]:
    """Each statement as its first words and table, to show what a regression repeats."""
    return [" ".join(s.split()[:4]) for s in statements]


def test_one_tap_costs_four_statements_and_loads_only_the_user(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    token = floor_csrf(client)
    tap = entry(locations["ZS"], "contact")
    with counted_statements() as statements, loaded_models() as loaded:
        assert post(client, [tap], token) == ["stored"]
    assert len(statements) <= ONE_TAP, "\n".join(statements)
    assert set(loaded) <= {"User", "Location"}, loaded
    assert count(FloorEntry) == 1


def test_ten_entries_of_every_kind_cost_no_statement_per_entry(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    zs, hk = locations["ZS"], locations["HK"]
    pupils = [make_student("ZS" if n % 2 else "HK").leerlingnummer for n in range(6)]
    batch = [
        entry(zs, "contact"),
        entry(hk, "contact", zone="gang"),
        entry(zs, "gesprek", topic="motivatie", students=[pupils[0]]),
        entry(hk, "gesprek", topic="gedrag", students=[pupils[1], pupils[2]]),
        entry(zs, "spanning", severity="middel"),
        entry(hk, "groep", head_count=12),
        entry(zs, "vlag", flag_type="opvolgen", students=[pupils[3]]),
        entry(hk, "vlag", flag_type="zorg", students=[pupils[4]]),
        entry(zs, "deescalatie", outcome="opgelost", students=[pupils[5]]),
        entry(zs, "contact", zone="gang", note="bij de trap"),
    ]
    token = floor_csrf(client)
    with counted_statements() as statements, loaded_models() as loaded:
        assert post(client, batch, token) == ["stored"] * 10
    assert len(statements) <= TEN_OF_EVERY_KIND, "\n".join(_kinds(statements))
    inserts = [s for s in _kinds(statements) if s.upper().startswith("INSERT")]
    assert len(inserts) == len(set(inserts)), inserts  # one INSERT per table, not per entry
    assert set(loaded) <= {"User", "Location"}, loaded
    assert count(FloorEntry) == 10 and count(Flag) == 2

    # A retry stores nothing, so it inserts no student links and no flags.
    with counted_statements() as statements:
        assert post(client, batch, token) == ["duplicate"] * 10
    assert len(statements) <= TEN_OF_EVERY_KIND - 2, "\n".join(_kinds(statements))
