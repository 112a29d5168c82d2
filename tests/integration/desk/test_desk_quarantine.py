"""The inbox's quarantine section groups identical entries (the same reason and content,
whatever their UUID) with how often they arrived, and resolving a group resolves all of it
(issue 20, item 5)."""

from __future__ import annotations

import re

from flask.testing import FlaskClient
from sqlalchemy import select

from app.extensions import db
from app.floor.services import accept_entries
from app.models import Location, QuarantinedEntry, User
from tests.floor_helpers import entry
from tests.statement_count import counted_statements


def quarantine_section(client: FlaskClient) -> str:
    html = client.get("/bureau/").get_data(as_text=True)
    match = re.search(r'<section class="inbox-group quarantine".*?</section>', html, re.S)
    return match.group(0) if match else ""


def keep(user: User, *items: object) -> None:
    results = accept_entries(user, list(items))
    db.session.commit()
    assert {r.status for r in results} == {"quarantined"}


def test_identical_entries_are_one_group_with_a_count(
    client: FlaskClient, staff: User, token: str, locations: dict[str, Location]
) -> None:
    zs = locations["ZS"]
    same = {"occurred_at": "2020-01-01T08:00:00+01:00", "note": "ruzie"}  # too old: kept
    keep(staff, entry(zs, **same), entry(zs, **same), entry(zs, **same))  # three UUIDs, one content
    for _ in range(4):  # the same thing without a valid UUID, four times: one row
        keep(staff, {"kind": "contact", "uuid": "stuk"})
    keep(staff, entry(zs, "groep", head_count=0))
    assert len(db.session.scalars(select(QuarantinedEntry)).all()) == 5

    section = quarantine_section(client)
    items = re.findall(r'<li class="inbox-item" id="q(\d+)"[^>]*data-count="(\d+)"', section)
    assert sorted(int(count) for _, count in items) == [1, 3, 4]
    assert "3×" in section and "4×" in section
    assert section.count("registratie is ouder dan 21 dagen") == 1

    three = next(item_id for item_id, count in items if count == "3")
    response = client.post(
        f"/bureau/quarantaine/{three}",
        data={"csrf_token": token, "resolution": "met de hand verwerkt"},
        follow_redirects=True,
    )
    assert "3 registraties afgehandeld." in response.get_data(as_text=True)
    unresolved = db.session.scalars(
        select(QuarantinedEntry).where(QuarantinedEntry.resolved_at.is_(None))
    ).all()
    assert sorted(q.repeats for q in unresolved) == [1, 4]
    assert len(re.findall(r'class="inbox-item" id="q', quarantine_section(client))) == 2


def test_the_quarantine_section_costs_the_same_statements_for_many_rows(
    client: FlaskClient, staff: User, locations: dict[str, Location]
) -> None:
    zs = locations["ZS"]
    keep(staff, entry(zs, "groep", head_count=0))
    with counted_statements() as few:
        client.get("/bureau/")
    keep(staff, *[entry(zs, "groep", head_count=-n) for n in range(1, 30)])
    with counted_statements() as many:
        html = client.get("/bureau/").get_data(as_text=True)
    assert len(many) == len(few), "\n".join(many)
    assert html.count('class="inbox-item" id="q') == 30
