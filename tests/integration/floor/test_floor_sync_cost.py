"""What one sync request costs in SQL statements, so an N+1 query creeping back in fails a test,
and the batch behaviour that the per-batch (not per-entry) statements must keep. The lean path
(issue 24): one tap, and a batch of ten of every kind, each cost a fixed handful of statements,
and the sync loads no models (zones, students and quarantined UUIDs are read as plain rows, and
since 05-12 the signed-in user too: test_floor_sync_plain_user.py)."""

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Flag, FloorEntry, QuarantinedEntry, Student, User
from tests.db_helpers import count
from tests.floor_helpers import entry, floor_csrf
from tests.statement_count import counted_statements, loaded_models

# A batch costs: the user with their locations (one join); the zones with their location, the
# students and the quarantine check of the UUIDs (one UNION ALL since 05-12); and one INSERT each
# for the entries, their students and their flags — however many entries the batch holds.
STATEMENTS_ONE_ENTRY = 4
STATEMENTS_TEN_FLAGS = 5
# The user with their locations, the batch's lookups, the entries' INSERT.
LEAN_ONE_TAP = 3
# ... and the students' links to the entries and the flags.
LEAN_TEN_OF_EVERY_KIND = 5


def post(client: FlaskClient, entries: list, token: str) -> list[dict]:
    response = client.post(
        "/api/floor/entries", json={"entries": entries}, headers={"X-CSRFToken": token}
    )
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.get_json()["results"]


def test_one_entry_costs_a_fixed_number_of_statements(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    lotte = make_student("ZS")
    token = floor_csrf(client)
    item = entry(locations["ZS"], "gesprek", topic="motivatie", students=[lotte.leerlingnummer])
    with counted_statements() as statements:
        results = post(client, [item], token)
    assert [r["status"] for r in results] == ["stored"]
    assert len(statements) == STATEMENTS_ONE_ENTRY, "\n".join(statements)


def test_ten_entries_cost_no_more_statements_than_one(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    students = [make_student("ZS" if n % 2 else "HK") for n in range(10)]
    token = floor_csrf(client)
    batch = [
        entry(
            locations["ZS"],
            "vlag",
            zone="aula" if n % 2 else "gang",
            flag_type="zorg",
            students=[s.leerlingnummer],
        )
        for n, s in enumerate(students)
    ]
    with counted_statements() as statements:
        results = post(client, batch, token)
    assert [r["status"] for r in results] == ["stored"] * 10
    assert len(statements) == STATEMENTS_TEN_FLAGS, "\n".join(statements)
    assert count(FloorEntry) == 10 and count(Flag) == 10

    # A retry stores nothing (so inserts no students or flags) and still costs no more.
    with counted_statements() as statements:
        results = post(client, batch, token)
    assert [r["status"] for r in results] == ["duplicate"] * 10
    assert len(statements) <= STATEMENTS_TEN_FLAGS - 2, "\n".join(statements)
    assert count(FloorEntry) == 10 and count(Flag) == 10


def test_answers_follow_the_input_order_in_a_mixed_batch(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    zs = locations["ZS"]
    amir = make_student("ZS")
    first = entry(zs, "vlag", flag_type="opvolgen", students=[amir.leerlingnummer])
    bad = entry(zs, "groep", head_count=0)
    second = entry(zs, "contact")
    token = floor_csrf(client)
    results = post(client, [first, bad, "garbage", first, second, bad], token)
    assert [(r["uuid"], r["status"]) for r in results] == [
        (first["uuid"], "stored"),
        (bad["uuid"], "quarantined"),
        ("", "quarantined"),
        (first["uuid"], "duplicate"),  # the same UUID twice in one batch is stored once
        (second["uuid"], "stored"),
        (bad["uuid"], "quarantined"),
    ]
    assert results[5]["reason"] == results[1]["reason"]
    assert count(FloorEntry) == 2 and count(Flag) == 1 and count(QuarantinedEntry) == 2
    stored = db.session.scalars(select(FloorEntry).order_by(FloorEntry.id)).all()
    assert [e.uuid for e in stored] == [first["uuid"], second["uuid"]]
    assert [s.id for s in stored[0].students] == [amir.id] and stored[1].students == []


def test_a_quarantined_uuid_stays_quarantined_when_it_would_pass_now(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    lotte = make_student("ZS")
    lotte.active = False
    db.session.commit()
    item = entry(locations["ZS"], "gesprek", topic="gedrag", students=[lotte.leerlingnummer])
    token = floor_csrf(client)
    first = post(client, [item], token)[0]
    assert first["status"] == "quarantined"

    db.session.get(Student, lotte.id).active = True  # type: ignore[union-attr]
    db.session.commit()
    again = post(client, [item], token)[0]
    assert again == first  # the desk decides about it, not a retry
    assert count(FloorEntry) == 0 and count(QuarantinedEntry) == 1


def _kinds(statements: list[str]) -> list[str]:
    """Each statement as its first words and table, to show what a regression repeats."""
    return [" ".join(s.split()[:4]) for s in statements]


def test_one_tap_costs_three_statements_and_loads_only_the_user(
    client: FlaskClient, staff: User, locations: dict
) -> None:
    token = floor_csrf(client)
    tap = entry(locations["ZS"], "contact")
    with counted_statements() as statements, loaded_models() as loaded:
        assert [r["status"] for r in post(client, [tap], token)] == ["stored"]
    assert len(statements) <= LEAN_ONE_TAP, "\n".join(statements)
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
        assert [r["status"] for r in post(client, batch, token)] == ["stored"] * 10
    assert len(statements) <= LEAN_TEN_OF_EVERY_KIND, "\n".join(_kinds(statements))
    inserts = [s for s in _kinds(statements) if s.upper().startswith("INSERT")]
    assert len(inserts) == len(set(inserts)), inserts  # one INSERT per table, not per entry
    assert set(loaded) <= {"User", "Location"}, loaded
    assert count(FloorEntry) == 10 and count(Flag) == 2

    # A retry stores nothing, so it inserts no student links and no flags.
    with counted_statements() as statements:
        assert [r["status"] for r in post(client, batch, token)] == ["duplicate"] * 10
    assert len(statements) <= LEAN_TEN_OF_EVERY_KIND - 2, "\n".join(_kinds(statements))


def test_the_lookups_are_the_same_sql_text_whatever_the_batch_holds(
    client: FlaskClient, staff: User, locations: dict, make_student: Callable[..., Student]
) -> None:
    """The zones, students and UUIDs go in as one parameter each (issue 24): an ``IN`` list would
    be a new SQL text for every number of them, compiled again by SQLAlchemy and never reused as
    a prepared statement by PostgreSQL. The answers still see every one of them."""
    zs, hk = locations["ZS"], locations["HK"]
    pupils = [make_student("ZS" if n % 2 else "HK").leerlingnummer for n in range(5)]
    token = floor_csrf(client)
    texts = []
    for batch in (
        [entry(zs, "contact")],
        [entry(zs, "gesprek", topic="gedrag", students=[pupils[1]])],
        [
            entry(hk, "gesprek", topic="motivatie", students=[pupils[0], pupils[2]]),
            entry(zs, "vlag", flag_type="zorg", zone="gang", students=[pupils[3]]),
            entry(hk, "contact", zone="gang", students=[pupils[4], pupils[0]]),
        ],
    ):
        with counted_statements() as statements:
            assert [r["status"] for r in post(client, batch, token)] == ["stored"] * len(batch)
        texts.append(next(s for s in statements if "UNION ALL" in s.upper()))
    assert texts[0] == texts[1] == texts[2], texts
    stored = db.session.scalars(select(FloorEntry).order_by(FloorEntry.id)).all()
    assert [sorted(s.leerlingnummer for s in e.students) for e in stored] == [
        [],
        [pupils[1]],
        sorted([pupils[0], pupils[2]]),
        [pupils[3]],
        sorted([pupils[4], pupils[0]]),
    ]
