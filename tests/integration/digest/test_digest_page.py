"""The digest page: access per role and location, content, navigation, audit."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.calendar_store import load_calendar
from app.core.localtime import local_today
from app.core.vocabulary import Role
from app.extensions import db
from app.models import AuditEvent, User
from tests.client_helpers import login
from tests.digest_helpers import DAY, Scenario

PAGE = f"/digest/ZS/{DAY.isoformat()}"
OTHER = f"/digest/GL/{DAY.isoformat()}"
READERS = (Role.TEAMLEIDER, Role.LOCATIELEIDER, Role.BEHEER)


@pytest.mark.parametrize("role", list(Role))
def test_access_per_role_and_location(
    client: FlaskClient, login_as: Callable[..., User], locations: dict, role: Role
) -> None:
    login_as(role, ("ZS",))
    own, other = client.get(PAGE), client.get(OTHER)
    if role in READERS:
        assert own.status_code == 200
        assert other.status_code == 404
        assert client.get("/digest/XX/2026-11-10").status_code == 404  # unknown location
        index = client.get("/digest/")
        assert index.status_code == 302 and "/digest/ZS/" in index.headers["Location"]
        assert client.get("/digest/ZS/").status_code == 302
        assert client.get("/digest/GL/").status_code == 404
    else:
        assert own.status_code == 403
        assert other.status_code == 403
        assert client.get("/digest/").status_code == 403


def test_signed_out_goes_to_login(client: FlaskClient, locations: dict) -> None:
    for url in ("/digest/", PAGE, "/digest/ZS/"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_teamleader_reads_the_digest_with_case_links(
    client: FlaskClient, login_as: Callable[..., User], scenario: Scenario
) -> None:
    reader = login_as(Role.TEAMLEIDER, ("ZS",))
    response = client.get(PAGE)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "no-store"
    # Action items first, before the counts.
    assert html.index('id="actie"') < html.index('id="cijfers"') < html.index('id="hotspots"')
    assert "Doorverwezen naar jou" in html and "Ruzie bij de kassa, morgen gesprek" in html
    assert "Melden bij DUO" in html and "Overdracht naar COPA" in html
    # Initials and class; never a name.
    assert "A.V. · 2B" in html and "D.S. · 4D" in html
    for student in scenario.students.values():
        assert student.last_name not in html and student.first_name not in html
    # Links into the cases of students with an open case, for a team leader.
    assert f'href="/bureau/casussen/{scenario.case_new.id}"' in html
    assert f'href="/bureau/casussen/{scenario.case_changed.id}"' in html
    # Navigation to the neighbouring school days.
    assert 'href="/digest/ZS/2026-11-09"' in html and 'href="/digest/ZS/2026-11-11"' in html
    # The climate figure in Dutch notation: kantine 3 positive against 4 tensions.
    assert "0,8 : 1" in html
    # No inline style or script (CSP).
    assert "style=" not in html and not re.search(r"<script(?![^>]*\bsrc=)", html)
    # The view is audited: once for the digest, once per student shown.
    events = db.session.scalars(
        select(AuditEvent).where(
            AuditEvent.user_id == reader.id, AuditEvent.object_type == "digest"
        )
    ).all()
    assert {e.object_id for e in events} == {"ZS/2026-11-10"}
    shown = {e.student_id for e in events if e.student_id is not None}
    assert scenario.students["A"].id in shown and scenario.students["D2"].id in shown
    assert scenario.students["GL"].id not in shown and None in {e.student_id for e in events}


@pytest.mark.parametrize("role", [Role.LOCATIELEIDER, Role.BEHEER])
def test_roles_without_case_access_get_no_case_links(
    client: FlaskClient, login_as: Callable[..., User], scenario: Scenario, role: Role
) -> None:
    login_as(role, ("ZS",))
    html = client.get(PAGE).get_data(as_text=True)
    assert "/bureau/casussen/" not in html
    assert "A.V. · 2B" in html


def test_days_dates_and_the_jump_form(
    client: FlaskClient, login_as: Callable[..., User], scenario: Scenario
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS", "HK"))
    assert client.get("/digest/ZS/10-11-2026").status_code == 404
    assert client.get("/digest/ZS/2026-13-40").status_code == 404
    assert client.get("/digest/ZS/0001-01-01").status_code == 404  # not a 500
    assert client.get("/digest/?datum=0001-01-01").status_code in (302, 404)
    future = client.get(f"/digest/ZS/{(local_today() + timedelta(days=3)).isoformat()}")
    assert future.status_code == 302 and "/digest/ZS/" in future.headers["Location"]
    jump = client.get("/digest/?locatie=hk&datum=2026-11-09")
    assert jump.headers["Location"].endswith("/digest/HK/2026-11-09")
    assert client.get("/digest/zs/2026-11-10").status_code == 200  # codes are case-blind
    holiday = client.get("/digest/ZS/2026-10-21").get_data(as_text=True)
    assert "Geen schooldag: Herfstvakantie." in holiday
    assert 'href="/digest/ZS/2026-10-16"' in holiday
    page = client.get(PAGE).get_data(as_text=True)
    assert '<select id="digest-locatie" name="locatie">' in page


def test_the_index_picks_the_last_school_day(
    client: FlaskClient, login_as: Callable[..., User], scenario: Scenario
) -> None:
    login_as(Role.LOCATIELEIDER, ("ZS",))
    location = client.get("/digest/").headers["Location"]
    shown = date.fromisoformat(location.rstrip("/").rsplit("/", 1)[1])
    # Whenever the suite runs (a weekend, the Christmas holiday): the last school day up to
    # today in the school's calendar.
    calendar = load_calendar()
    assert calendar.is_school_day(shown)
    assert calendar.recent_school_days(local_today(), 1) == [shown]


def test_a_team_leader_without_locations(
    client: FlaskClient, login_as: Callable[..., User], make_user: Callable[..., User]
) -> None:
    user = make_user(Role.TEAMLEIDER, ("ZS",))
    user.locations = []  # every location taken away later by beheer
    db.session.commit()
    login(client, user.email)
    response = client.get("/digest/")
    assert response.status_code == 200
    assert "geen enkele locatie" in response.get_data(as_text=True)


def test_nav_shows_the_digest_to_its_readers(
    client: FlaskClient, login_as: Callable[..., User], locations: dict
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    assert 'href="/digest/"' in client.get("/").get_data(as_text=True)


def test_nav_hides_the_digest_from_staff(
    client: FlaskClient, login_as: Callable[..., User], locations: dict
) -> None:
    login_as(Role.COPA, ("ZS",))
    assert 'href="/digest/"' not in client.get("/").get_data(as_text=True)


def test_the_page_in_english(
    client: FlaskClient, login_as: Callable[..., User], scenario: Scenario
) -> None:
    login_as(Role.TEAMLEIDER, ("ZS",))
    with client.session_transaction() as session:
        session["lang"] = "en"
    html = client.get(PAGE).get_data(as_text=True)
    assert '<html lang="en">' in html
    assert "0.8 : 1" in html  # numbers in the reader's language
    assert "Tuesday 10 November 2026" in html
