"""The authorization matrix: every route × every role × own/other location → expected answer.

Generated from the app's URL map: a route without an explicit rule below makes
``test_every_route_has_a_rule`` fail, so no view can be added without deciding who may use it.

For each route the test signs in as each role (assigned to location ZS) and calls the route
with objects of ZS ("own") and of GL ("other"). Expected:
- ``PUBLIC``: anybody, signed in or not, gets an answer below 400.
- ``LOGIN``: signed out → the login page (302) or 401 JSON for the API; any role → below 400.
- ``roles(...)``: signed out → login/401; a role not listed → 403; a listed role → below 400
  for own-location objects and 404 for other-location objects (existence does not leak).
POST routes are sent an empty form with a valid CSRF token: for allowed roles anything but
403/404/500 (a 400 for missing fields is fine); for others 403/404.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from app.core.vocabulary import Role
from app.extensions import db
from app.models import User
from tests import absence_helpers
from tests.matrix_helpers import (
    DESK_RULES,
    ROUTE_RULES,
    Rule,
    World,
    app_routes,
    matrix_failures,
)

# URL arguments, by name: (own-location value, other-location value) from the world below.
ArgFactory = Callable[["World", bool], Any]
ARGUMENTS: dict[str, ArgFactory] = {
    "leerlingnummer": lambda w, own: (w.student if own else w.other_student).leerlingnummer,
    "code": lambda w, own: w.own.code if own else w.other.code,
    "zone_id": lambda w, own: (w.own if own else w.other).zones[0].id,
    "user_id": lambda w, own: w.colleague.id,
    "signal_id": absence_helpers.matrix_signal_id,
    "year_id": absence_helpers.matrix_year_id,
    "period_id": absence_helpers.matrix_period_id,
    "peiling_id": lambda w, own: _peiling_id(w, own),
    "alert_id": lambda w, own: _alert_id(w, own),
    "melding_id": absence_helpers.matrix_melding_id,
    "partner_id": lambda w, own: _partner_id(w),
}
# Arguments that mean another object on one route than on the others.
ENDPOINT_ARGUMENTS: dict[str, dict[str, ArgFactory]] = {
    "absence.new_duo_melding": {"signal_id": absence_helpers.matrix_sixteen_hour_signal_id},
}
# Routes whose arguments are not objects of a location (the same value either way).
FIXED_ARGUMENTS: dict[str, dict[str, Any]] = {
    "main.set_language": {"code": "nl"},
    "main.workplace": {"werkplek": "bureau"},
    "digest.page": {"day": "2026-11-30"},  # a Monday in the past
    "pulse.answer": {"code": "PEILING"},  # the peiling's short code, set by _peiling_id
    "pulse.thanks": {"code": "PEILING"},
    "reports.csv": {"table": "vloer-soort"},
}


def _peiling_id(world: World, own: bool) -> int:
    """A peiling of the own (or other) location, opened by a team leader of that location."""
    from app.core.localtime import local_today
    from app.pulse.services import open_peiling

    key = f"peiling_{own}"
    if key not in world.extra:
        location = world.own if own else world.other
        opener = User(
            email=f"opener-{location.code.lower()}@matrix.test",
            name="Opener",
            role=Role.TEAMLEIDER,
            password_hash="!",
        )
        opener.locations = [location]
        db.session.add(opener)
        db.session.flush()
        today = local_today()
        world.extra[key] = open_peiling(opener, location, today, today).id
        db.session.commit()
    return world.extra[key]


def _alert_id(world: World, own: bool) -> int:
    """A safety-flag alert of the own (or other) location."""
    from app.alerts.services import raise_alert
    from app.core.vocabulary import AlertKind

    key = f"alert_{own}"
    if key not in world.extra:
        location = world.own if own else world.other
        world.extra[key] = raise_alert(AlertKind.VEILIGHEID, location.id).id
        db.session.commit()
    return world.extra[key]


def _partner_id(world: World) -> int:
    from app.desk.referrals.services import ensure_default_partners
    from app.models import ChainPartner

    if "partner" not in world.extra:
        ensure_default_partners()
        db.session.commit()
        world.extra["partner"] = db.session.scalars(select(ChainPartner.id)).first()
    return world.extra["partner"]


def _all_rules() -> dict[str, Rule]:
    """These rules and desk mode's, which test_desk_authorization.py runs with its own objects
    (cases, calls, visits …) against the same semantics."""
    return {**ROUTE_RULES, **DESK_RULES}


def test_every_route_has_a_rule(app: Flask) -> None:
    all_rules = _all_rules()
    missing = sorted({endpoint for endpoint, _, _ in app_routes(app)} - set(all_rules))
    assert not missing, f"routes without an authorization rule: {missing}"
    stale = sorted(set(all_rules) - {endpoint for endpoint, _, _ in app_routes(app)})
    assert not stale, f"rules for routes that no longer exist: {stale}"


def _url(rule: str, endpoint: str, world: World, own: bool) -> str:
    fixed = FIXED_ARGUMENTS.get(endpoint, {})
    special = ENDPOINT_ARGUMENTS.get(endpoint, {})

    def fill(match: re.Match[str]) -> str:
        name = match.group(2)
        if name in fixed:
            return str(fixed[name])
        if name in special:
            return str(special[name](world, own))
        if name not in ARGUMENTS:
            raise AssertionError(f"no test value for URL argument {name!r} of {endpoint}")
        return str(ARGUMENTS[name](world, own))

    return re.sub(r"<(?:(\w+):)?(\w+)>", fill, rule)


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "route" in metafunc.fixturenames:
        from app import create_app

        app = create_app("testing")
        routes = [r for r in app_routes(app) if r[0] in ROUTE_RULES]
        metafunc.parametrize("route", routes, ids=[f"{m} {e}" for e, _, m in routes])


def test_route_answers_as_its_rule_says(
    app: Flask,
    client: FlaskClient,
    world: World,
    make_user: Callable[..., User],
    route: tuple[str, str, str],
) -> None:
    endpoint, rule_text, method = route
    rule = ROUTE_RULES[endpoint]
    failures = matrix_failures(
        client, make_user, rule, method, lambda own: _url(rule_text, endpoint, world, own)
    )
    db.session.rollback()
    assert not failures, f"{method} {rule_text}: " + "; ".join(failures)
