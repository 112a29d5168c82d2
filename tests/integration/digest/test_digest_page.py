"""The digest page: access per role and location, content, navigation, audit."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.calendar_store import load_calendar
from app.core.localtime import local_today
from app.core.vocabulary import Role
from app.extensions import db
from app.models import AuditEvent, User
from tests.client_helpers import login
from tests.digest_helpers import DAY, Scenario, at, log

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


def _student_links(html: str) -> set[str]:
    return set(re.findall(r'href="/leerlingen/([^"]+)"', html))


@pytest.mark.parametrize("role", READERS)
def test_students_link_to_their_student_page_for_every_reader(
    client: FlaskClient, login_as: Callable[..., User], scenario: Scenario, role: Role
) -> None:
    """Each student on the page opens their student page, which every reader of the location
    may open (``app.access.find_visible_student``): also students without a case, and for
    readers who see no cases. Case links only for those who may open cases."""
    login_as(role, ("ZS",))
    html = client.get(PAGE).get_data(as_text=True)
    s = scenario.students
    shown = {s[key].leerlingnummer for key in ("A", "B", "C", "D1", "D3")}
    assert shown <= _student_links(html)
    # F.B. (a new absence signal) has no case: a link to the student page, none to a case.
    assert f'href="/leerlingen/{s["D3"].leerlingnummer}"' in html
    assert (f'href="/bureau/casussen/{scenario.case_new.id}"' in html) == (role == Role.TEAMLEIDER)
    for number in _student_links(html):
        assert client.get(f"/leerlingen/{number}").status_code == 200


def test_a_student_of_another_location_is_not_linked(
    app: Flask,
    client: FlaskClient,
    login_as: Callable[..., User],
    make_user: Callable[..., User],
    scenario: Scenario,
) -> None:
    """Staff of two locations referred a de-escalation at ZS with a student of HK: the ZS team
    leader sees initials and class, without a link they could not open; a team leader of both
    locations gets the link."""
    hk_student = scenario.students["HK"]
    stored = log(
        scenario.staff,
        scenario.location,
        "deescalatie",
        at(DAY, 11, 0),
        zone="kantine",
        outcome="doorverwezen",
        students=(hk_student,),
    )
    assert stored is not None
    db.session.commit()
    login_as(Role.TEAMLEIDER, ("ZS",))
    html = client.get(PAGE).get_data(as_text=True)
    assert "K.H. · 2B" in html
    assert hk_student.leerlingnummer not in _student_links(html)
    assert client.get(f"/leerlingen/{hk_student.leerlingnummer}").status_code == 404
    both = make_user(Role.TEAMLEIDER, ("ZS", "HK"), email="tl-beide@school.example.nl")
    other_client = app.test_client()
    login(other_client, both.email)
    html = other_client.get(PAGE).get_data(as_text=True)
    assert hk_student.leerlingnummer in _student_links(html)


def test_the_first_screen_lists_each_student_once(
    client: FlaskClient, login_as: Callable[..., User], scenario: Scenario
) -> None:
    """Seven action items of five students: five tasks; D.S. (DUO deadline, new signal,
    handover) once, and everything after "voor jou" collapsed."""
    login_as(Role.TEAMLEIDER, ("ZS",))
    html = client.get(PAGE).get_data(as_text=True)
    first = html[html.index('id="actie"') : html.index('id="cijfers"')]
    assert first.count('<li class="task ') == 5
    assert first.count(">D.S. · 4D</a>") == 1
    daan = first[first.index(">D.S. · 4D</a>") :].split('<li class="task ')[0]
    assert daan.index("Melden bij DUO") < daan.index("Nieuw verzuimsignaal")
    assert daan.index("Nieuw verzuimsignaal") < daan.index("Overdracht naar COPA")
    assert '<span class="pill pill-alert">5</span>' in first
    for section in ("cijfers", "inzet", "lijsten", "klimaat", "hotspots"):
        assert f'<details class="card digest-more" id="{section}">' in html


@pytest.mark.parametrize(("day", "quiet"), [("2026-11-14", True), ("2026-10-21", False)])
def test_a_day_without_school_lists_no_zeros(
    client: FlaskClient, login_as: Callable[..., User], scenario: Scenario, day: str, quiet: bool
) -> None:
    """A Saturday with nothing at all says so; in the autumn holiday one absence signal was
    found (the absence import ran): that figure, no zeros around it."""
    login_as(Role.TEAMLEIDER, ("ZS",))
    html = client.get(f"/digest/ZS/{day}").get_data(as_text=True)
    assert "Geen schooldag" in html
    assert ("Er was geen school en er is niets geregistreerd." in html) == quiet
    figures = html[html.index('id="cijfers"') : html.index('id="inzet"')]
    values = re.findall(r'<span class="figure-value">(\d+)</span>', figures)
    assert "0" not in values
    assert bool(values) or quiet
    assert ('id="lijsten"' in html) == (not quiet)  # no lists of an empty day
    # What is still open is listed: on the Saturday, the DUO deadline of a signal found on
    # Tuesday.
    assert ("Melden bij DUO" in html) == quiet
