"""The results page: shares per statement, the minimum group size, the trend over peilingen,
and the climate check as a zone × week trend (``climate_trend``)."""

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.localtime import local_today
from app.core.vocabulary import ClimateRating, Role
from app.exceptions import DomainError
from app.extensions import db
from app.models import ClimateCheck, Location, Peiling, User
from app.pulse.rules import monday_of
from app.pulse.services import (
    ClimateCounts,
    climate_trend,
    pulse_results,
    pulse_trend,
)
from tests.client_helpers import login
from tests.pulse_helpers import KEYS, add_answers, close, full_answers, make_peiling


@pytest.fixture
def signed_in(client: FlaskClient, teamleider: User) -> User:
    assert login(client, teamleider.email).status_code == 302
    return teamleider


def ended_peiling(app: Flask, user: User, location: Location, weeks_ago: int) -> Peiling:
    start = local_today() - timedelta(weeks=weeks_ago)
    return make_peiling(app, user, location, starts_on=start, days=5)


def page(client: FlaskClient, **params: object) -> str:
    response = client.get("/peiling/", query_string=params)
    assert response.status_code == 200, response.status_code
    return response.get_data(as_text=True)


# -- minimum group size ------------------------------------------------------------------------


def test_nine_answers_show_no_results_ten_do(
    app: Flask, client: FlaskClient, signed_in: User, locations: dict
) -> None:
    peiling = ended_peiling(app, signed_in, locations["ZS"], weeks_ago=3)
    add_answers(app, peiling, 9, full_answers(5))
    html = page(client, locatie="ZS", peiling=peiling.id)
    assert "Te weinig antwoorden om resultaten te tonen: 9 van de minimaal 10" in html
    assert 'id="pulse-agree-title"' not in html and "100%" not in html

    add_answers(app, peiling, 1, full_answers(5))
    html = page(client, locatie="ZS", peiling=peiling.id)
    assert "Te weinig antwoorden" not in html
    assert 'id="pulse-agree-title"' in html and "<desc" in html
    assert "10 leerlingen deden mee" in html
    assert "100%" in html


def test_an_open_peiling_shows_only_its_count(
    app: Flask, client: FlaskClient, signed_in: User, locations: dict
) -> None:
    """No results while answers come in: comparing before and after one student answered
    would reveal that student's answers."""
    peiling = make_peiling(app, signed_in, locations["ZS"])
    add_answers(app, peiling, 12)
    html = page(client, locatie="ZS", peiling=peiling.id)
    assert "verschijnen als de peiling is afgelopen of gesloten" in html
    assert "(tot nu toe 12 antwoorden)" in html
    assert 'id="pulse-agree-title"' not in html
    close(app, signed_in, peiling)
    html = page(client, locatie="ZS", peiling=peiling.id)
    assert 'id="pulse-agree-title"' in html


def test_shares_agreeing_and_the_counts_per_answer(
    app: Flask, client: FlaskClient, signed_in: User, locations: dict
) -> None:
    peiling = ended_peiling(app, signed_in, locations["ZS"], weeks_ago=2)
    add_answers(app, peiling, 6, full_answers(4))
    add_answers(app, peiling, 4, full_answers(5, veilig_pauze=1, volwassene=3))
    add_answers(app, peiling, 1, full_answers(2, veilig_pauze=3))
    [result] = pulse_results(locations["ZS"], peiling.starts_on, peiling.ends_on)
    assert result.respondents == 11 and result.shown
    shares = {key: t.percent_agreeing for key, t in result.tallies.items()}
    assert shares["veilig_school"] == 91  # 10 of 11 = 90.9
    assert shares["veilig_pauze"] == 55  # 6 of 11 = 54.5
    assert shares["volwassene"] == 55
    assert result.tallies["veilig_pauze"].counts == (4, 0, 1, 6, 0)
    html = page(client, locatie="ZS")
    assert "91%" in html and "55%" in html
    assert "In de pauzes voel ik me veilig" in html  # the exact wording, under the table
    row = re.search(r'<th scope="row">Veilig in de pauze</th>.*?</tr>', html, re.S)
    assert row and [int(n) for n in re.findall(r'class="num">(\d+)<', row.group(0))] == [
        4,
        0,
        1,
        6,
        0,
    ]


# -- trend --------------------------------------------------------------------------------------


def test_trend_over_earlier_peilingen(
    app: Flask, client: FlaskClient, signed_in: User, locations: dict
) -> None:
    first = ended_peiling(app, signed_in, locations["ZS"], weeks_ago=20)
    add_answers(app, first, 10, full_answers(2))  # 0% agree
    second = ended_peiling(app, signed_in, locations["ZS"], weeks_ago=12)
    add_answers(app, second, 4, full_answers(4))  # too few
    third = ended_peiling(app, signed_in, locations["ZS"], weeks_ago=4)
    add_answers(app, third, 5, full_answers(4))
    add_answers(app, third, 5, full_answers(2))  # 50% agree
    trend = pulse_trend(locations["ZS"])
    assert [r.peiling.id for r in trend] == [first.id, second.id, third.id]
    assert [r.shown for r in trend] == [True, False, True]
    assert [r.tallies["veilig_school"].percent_agreeing for r in trend if r.shown] == [0, 50]
    assert second.id not in {r.peiling.id for r in trend if r.tallies}

    html = page(client, locatie="ZS", peiling=third.id)
    assert html.count('class="pulse-trend-figure"') == len(KEYS)
    # Two points per statement; the peiling without results is a gap, not a point.
    assert html.count('class="chart-point"') == 2 * len(KEYS)
    assert html.count('class="chart-gap"') == len(KEYS)
    assert "4 van de minimaal 10" in html  # the second peiling in the trend table
    # The trend up to the first peiling has one point only: no chart yet.
    html = page(client, locatie="ZS", peiling=first.id)
    assert 'class="pulse-trend-figure"' not in html
    assert "Een trend verschijnt zodra" in html


def test_each_location_sees_only_its_own_peilingen(
    app: Flask, client: FlaskClient, make_user: Callable[..., User], locations: dict
) -> None:
    beheer = make_user(Role.BEHEER, ("ZS", "HK"))
    zs = ended_peiling(app, beheer, locations["ZS"], weeks_ago=3)
    add_answers(app, zs, 10, full_answers(5))
    hk = ended_peiling(app, beheer, locations["HK"], weeks_ago=3)
    add_answers(app, hk, 10, full_answers(1))
    assert login(client, beheer.email).status_code == 302
    html = page(client, locatie="HK")
    assert f"/peiling/{hk.id}" in html and f"/peiling/{zs.id}" not in html
    assert "<strong>0%</strong>" in html and "<strong>100%</strong>" not in html
    assert (
        client.get("/peiling/", query_string={"locatie": "HK", "peiling": zs.id}).status_code == 404
    )


# -- climate check trend ----------------------------------------------------------------------


def add_check(staff: User, location: Location, zone: str, day: date, rating: ClimateRating) -> None:
    zone_obj = next(z for z in location.zones if z.name == zone)
    moment = datetime.combine(day, datetime.min.time(), tzinfo=UTC) + timedelta(hours=9)
    db.session.add(
        ClimateCheck(
            staff_id=staff.id,
            location_id=location.id,
            zone_id=zone_obj.id,
            day=day,
            rating=rating,
            note="leerling X had ruzie",  # notes never reach the trend
            checked_at=moment,
            received_at=moment,
        )
    )


@pytest.fixture
def climate_checks(make_user: Callable[..., User], locations: dict) -> dict:
    """Two weeks of checks at ZS from two staff members, and some that must not count."""
    zs, hk = locations["ZS"], locations["HK"]
    one = make_user(Role.MEDEWERKER, ("ZS", "HK"))
    two = make_user(Role.MEDEWERKER, ("ZS",))
    week1 = monday_of(local_today()) - timedelta(weeks=2)
    week2 = week1 + timedelta(weeks=1)
    R, W, O = ClimateRating.RUSTIG, ClimateRating.WISSELEND, ClimateRating.ONRUSTIG  # noqa: E741
    add_check(one, zs, "aula", week1, R)
    add_check(two, zs, "aula", week1, O)
    add_check(one, zs, "aula", week1 + timedelta(days=2), R)
    add_check(one, zs, "kantine", week1 + timedelta(days=4), W)
    add_check(one, zs, "aula", week2 + timedelta(days=1), O)
    add_check(two, zs, "gang", week2 + timedelta(days=3), R)
    add_check(one, hk, "aula", week1, O)  # another location
    add_check(one, zs, "aula", week1 - timedelta(days=1), O)  # before the period (Sunday)
    db.session.commit()
    return {"week1": week1, "week2": week2, "start": week1, "end": week2 + timedelta(days=6)}


def test_climate_trend_counts_per_zone_and_week(locations: dict, climate_checks: dict) -> None:
    zs = locations["ZS"]
    week1, week2 = climate_checks["week1"], climate_checks["week2"]
    trend = climate_trend(zs, climate_checks["start"], climate_checks["end"])
    assert trend.weeks == [week1, week2]
    assert [z.name for z in trend.zones] == ["aula", "gang", "kantine"]  # zone order
    aula = next(z.id for z in trend.zones if z.name == "aula")
    kantine = next(z.id for z in trend.zones if z.name == "kantine")
    assert trend.cell(aula, week1) == ClimateCounts(rustig=2, wisselend=0, onrustig=1)
    assert trend.cell(aula, week2) == ClimateCounts(0, 0, 1)
    assert trend.cell(kantine, week2) == ClimateCounts()
    assert trend.week_total(week1) == ClimateCounts(2, 1, 1)
    assert trend.week_total(week2) == ClimateCounts(1, 0, 1)
    assert trend.total.total == 6
    assert "schoolplein" in trend.zones_without_checks
    # Also by location id, and with only the school weeks the calendar gives.
    only_week2 = climate_trend(
        zs.id,
        climate_checks["start"],
        climate_checks["end"],
        school_weeks=[week2 + timedelta(days=2)],
    )
    assert only_week2.weeks == [week2]
    assert only_week2.total == ClimateCounts(1, 0, 1)


def test_climate_trend_refuses_a_period_that_is_too_long(app: Flask, locations: dict) -> None:
    with app.test_request_context(), pytest.raises(DomainError, match="hoogstens 53 weken"):
        climate_trend(locations["ZS"], date(2025, 1, 1), date(2026, 6, 1))


def test_climate_trend_on_the_page(
    client: FlaskClient, signed_in: User, climate_checks: dict
) -> None:
    html = page(
        client,
        locatie="ZS",
        van=climate_checks["start"].isoformat(),
        tot=climate_checks["end"].isoformat(),
    )
    assert 'id="pulse-climate-title"' in html and "<desc" in html
    week1 = f"wk {climate_checks['week1'].isocalendar().week}"
    assert week1 in html
    assert "2 / 0 / 1" in html  # aula, first week
    assert "2 / 1 / 1" in html  # all zones, first week
    assert 'class="climate-onrustig"' in html
    assert "leerling X" not in html  # notes are not shown


def test_a_bad_climate_period_falls_back_with_a_message(
    client: FlaskClient, signed_in: User, locations: dict
) -> None:
    html = page(client, locatie="ZS", van="31-12-2026", tot="morgen")
    assert "Een datum is ongeldig" in html
    html = page(client, locatie="ZS", van="2026-06-01", tot="2026-01-01")
    assert "ligt vóór" in html
    html = page(client, locatie="ZS", van="2020-01-01", tot="2026-06-01")
    assert "hoogstens 53 weken" in html
    assert "Geen klimaatchecks in deze periode." in html
