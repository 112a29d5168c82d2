"""What one sync request costs in SQL statements, so an N+1 query creeping back in fails a test,
and the batch behaviour that the per-batch (not per-entry) statements must keep."""

from collections.abc import Callable

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.models import Flag, FloorEntry, QuarantinedEntry, Student, User
from tests.db_helpers import count
from tests.floor_helpers import entry, floor_csrf
from tests.statement_count import counted_statements

# A batch costs: the user with their locations (one join), the zones with their location (one
# join), the students, the quarantine check of the UUIDs, and one INSERT each for the entries,
# their students and their flags — however many entries the batch holds.
STATEMENTS_ONE_ENTRY = 6
STATEMENTS_TEN_FLAGS = 7


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
