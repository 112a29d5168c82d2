"""The alerts tests' world: VAPID keys in the settings, a push service on loopback, a team
leader of ZS with a subscribed fake browser, and a medewerker who logs on the floor."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask

from app.alerts.keys import VapidKeys
from app.alerts.services import subscribe
from app.core.vocabulary import Role
from app.extensions import db
from app.models import Location, Student, User
from tests.alert_helpers import (
    AlertWorld,
    FakeBrowser,
    PushService,
    push_service,
    use_vapid_keys,
)
from tests.client_helpers import login


@pytest.fixture
def keys(app: Flask) -> VapidKeys:
    return use_vapid_keys(app)


@pytest.fixture
def push() -> Iterator[PushService]:
    with push_service() as service:
        yield service


@pytest.fixture
def world(
    app: Flask,
    keys: VapidKeys,
    push: PushService,
    locations: dict[str, Location],
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
) -> AlertWorld:
    leader = make_user(Role.TEAMLEIDER, ("ZS",), name="Peter de Vries")
    browser = FakeBrowser()
    subscribe(leader, browser.subscription(push.endpoint("leader")))
    db.session.commit()
    staff = make_user(Role.MEDEWERKER, ("ZS",), name="Samira Bakker")
    staff_client = app.test_client()
    assert login(staff_client, staff.email).status_code == 302
    student = make_student("ZS", first_name="Lotte", last_name="Visser", class_name="2B")
    return AlertWorld(keys, push, browser, leader, staff, staff_client, locations["ZS"], student)
