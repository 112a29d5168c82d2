"""Every page a role may use is reachable by links from where that role lands.

For each role (and, for floor staff, on a phone and on a laptop) the test signs in, opens ``/``
as a browser would, and follows every same-site link (``<a href>``, a redirect, the action of a
GET form) breadth-first. Pages with an id in their URL are followed when a link leads to them
(a few per kind) but are not required: which ones exist depends on the data. Every GET page
without arguments that the authorization matrix lets the role open must be among those reached.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
from flask import Flask
from flask.testing import FlaskClient

from app.core.vocabulary import Role
from app.models import Location, Student, User
from tests.crawl_helpers import LAPTOP_AGENT, PHONE_AGENT, crawl, is_page
from tests.matrix_helpers import DESK_RULES, ROUTE_RULES, app_routes, sign_in

# GET routes without arguments that are not pages one navigates to, with why.
NOT_PAGES = {
    "main.index": "the landing itself",
    "desk.home": "a redirect to the role's first desk page",
    "desk.screened": "asked by desk mode when it is needed",
    "auth.login": "for signed-out users",
    "auth.login_code": "the second login step",
    "auth.reauthenticate": "asked when an export needs it",
    "sso.reauthenticate": "the provider's confirmation, sent there by auth.reauthenticate",
    "sso.login": "the login page's single sign-on button (for signed-out users)",
    "sso.callback": "where the provider sends the browser back",
    "sso.logout": "offered on the login page after an SSO session",
    "admin.student_import_preview": "shown after an upload",
    "absence.signals_csv": "a download",
    "reports.pdf": "a download",
}


def required_pages(app: Flask, role: Role) -> set[str]:
    """GET pages without arguments that the matrix lets ``role`` open."""
    rules = {**ROUTE_RULES, **DESK_RULES}
    required = set()
    for endpoint, rule_text, method in app_routes(app):
        rule = rules[endpoint]
        if method != "GET" or "<" in rule_text or endpoint in NOT_PAGES:
            continue
        if rule.public or rule.token_only or role not in rule.roles:
            continue
        if is_page(endpoint, rule_text):
            required.add(endpoint)
    return required


DEVICES = [
    (role, device)
    for role in Role
    for device in (("telefoon", "laptop") if role == Role.MEDEWERKER else ("laptop",))
]


@pytest.mark.parametrize(
    ("role", "device"), DEVICES, ids=[f"{role.value}-{device}" for role, device in DEVICES]
)
def test_every_page_of_a_role_is_reachable_from_its_landing(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    make_student: Callable[..., Student],
    locations: dict[str, Location],
    role: Role,
    device: str,
) -> None:
    make_student("ZS")
    sign_in(client, make_user(role, ("ZS",)))
    with client.session_transaction() as session:
        session["desk_screened_at"] = "crawl"
    reached, errors = crawl(app, client, PHONE_AGENT if device == "telefoon" else LAPTOP_AGENT)
    assert not errors
    missing = sorted(required_pages(app, role) - reached)
    assert not missing, f"{role.value} ({device}) cannot reach by links: {missing}"


@pytest.mark.parametrize(
    ("user_agent", "hint", "landing"),
    [
        (PHONE_AGENT, None, "/vloer/"),
        (LAPTOP_AGENT, None, "/bureau/start"),
        (LAPTOP_AGENT, "?1", "/vloer/"),  # the client hint wins over the user agent
        (PHONE_AGENT, "?0", "/bureau/start"),
    ],
)
def test_floor_staff_land_on_the_floor_on_a_phone_and_at_the_desk_on_a_laptop(
    client: FlaskClient,
    make_user: Callable[..., User],
    locations: dict[str, Location],
    user_agent: str,
    hint: str | None,
    landing: str,
) -> None:
    sign_in(client, make_user(Role.MEDEWERKER, ("ZS",)))
    headers = {"User-Agent": user_agent, **({"Sec-CH-UA-Mobile": hint} if hint else {})}
    assert client.get("/", headers=headers).headers["Location"] == landing


def test_switching_between_floor_and_desk_is_remembered_on_the_device(
    client: FlaskClient, make_user: Callable[..., User], locations: dict[str, Location]
) -> None:
    sign_in(client, make_user(Role.MEDEWERKER, ("ZS",)))
    phone = {"User-Agent": PHONE_AGENT}
    floor = client.get("/vloer/", headers=phone).get_data(as_text=True)
    assert 'href="/werkplek/bureau"' in floor  # the floor menu leads to the desk
    response = client.get("/werkplek/bureau", headers=phone)
    assert response.headers["Location"] == "/bureau/start"
    assert client.get("/", headers=phone).headers["Location"] == "/bureau/start"
    with client.session_transaction() as session:
        session["desk_screened_at"] = "test"
    desk = client.get("/bureau/", headers=phone).get_data(as_text=True)
    assert 'href="/werkplek/vloer"' in desk  # and the desk back to the floor
    client.get("/werkplek/vloer", headers=phone)
    assert client.get("/", headers={"User-Agent": LAPTOP_AGENT}).headers["Location"] == "/vloer/"


def test_other_roles_start_on_the_start_page(
    client: FlaskClient, make_user: Callable[..., User], locations: dict[str, Location]
) -> None:
    sign_in(client, make_user(Role.TEAMLEIDER, ("ZS",)))
    assert client.get("/", headers={"User-Agent": PHONE_AGENT}).status_code == 200
