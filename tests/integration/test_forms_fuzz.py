"""Property-based tests over the app's forms: whatever is typed (or sent by hand) into any field
of a form page — empty, very long, HTML and script, control characters, NUL — the answer is a
page or a redirect with a clear message, never a server error; and text sent back on the page
is escaped.

The forms are read off the real pages (every ``<form method="post">`` with its field names), so
a new field is fuzzed without changing this file. The same holds for query strings: every page
without path parameters in the URL map is opened by each role, and its query parameters — the
fields of its ``<form method="get">``, the parameters of its own links, and ``page`` — are
fuzzed (huge and negative numbers, dates that do not exist, text, NUL …): a page or a 4xx with
a message, never a 500."""

from __future__ import annotations

import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from html.parser import HTMLParser
from urllib.parse import parse_qs, urlsplit

import pytest
from flask import Flask
from flask.testing import FlaskClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from werkzeug.test import TestResponse

from app.core.vocabulary import CaseStatus, Role
from app.desk.cases.services import open_case
from app.extensions import db
from app.models import Student, User
from tests.client_helpers import login
from tests.desk_helpers import confirm_screened

SCRIPT = "<script>alert(1)</script>"
values = (
    st.text(max_size=80)
    | st.sampled_from(["", " ", SCRIPT, "x" * 5000, "\x00", "2026-02-30", "-1", "99999999999"])
    | st.dates().map(lambda d: d.isoformat())
    | st.integers().map(str)
)
SETTINGS = settings(
    max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@dataclass
class Form:
    action: str
    fields: dict[str, str]  # name -> value the page filled in (hidden ones keep theirs)
    hidden: set[str]


class _FormParser(HTMLParser):
    """The POST forms of a page with their fields; the GET forms' fields and the query
    parameters of the page's links, by path (what a query string of that page may carry)."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[Form] = []
        self.query: dict[str, set[str]] = {}  # path ("" for the page itself) -> parameter names
        self._current: Form | None = None
        self._get_form: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "form" and a.get("method", "").lower() == "post":
            self._current = Form(action=a.get("action", ""), fields={}, hidden=set())
            self.forms.append(self._current)
        elif tag == "form":
            self._get_form = urlsplit(a.get("action", "")).path
        elif self._current is not None and tag in ("input", "select", "textarea") and a.get("name"):
            self._current.fields.setdefault(a["name"], a.get("value", ""))
            if a.get("type") == "hidden":
                self._current.hidden.add(a["name"])
        elif self._get_form is not None and tag in ("input", "select") and a.get("name"):
            self.query.setdefault(self._get_form, set()).add(a["name"])
        elif tag == "a" and "?" in a.get("href", ""):
            link = urlsplit(a["href"])
            self.query.setdefault(link.path, set()).update(parse_qs(link.query, True))

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._current = None
            self._get_form = None


def forms_on(client: FlaskClient, path: str) -> list[Form]:
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    parser = _FormParser()
    parser.feed(response.get_data(as_text=True))
    # Not the footer's logout and language buttons: they are no input forms.
    forms = [f for f in parser.forms if not re.match(r"/(logout|taal/)", f.action)]
    for form in forms:
        form.action = form.action or path
    return forms


# (role, page) pairs; "{nr}" is a student with an open case "{case}", "{nr2}" one without.
PAGES: list[tuple[Role, str]] = [
    (Role.MEDEWERKER, "/bureau/leerling/{nr2}/casus/nieuw"),
    (Role.MEDEWERKER, "/bureau/leerling/{nr}/verslag/nieuw"),
    (Role.MEDEWERKER, "/bureau/leerling/{nr}/oudercontact/nieuw"),
    (Role.MEDEWERKER, "/bureau/leerling/{nr}/huisbezoek/nieuw"),
    (Role.MEDEWERKER, "/bureau/nablijfklas/nieuw"),
    (Role.MEDEWERKER, "/bureau/casussen/{case}"),
    (Role.MEDEWERKER, "/bureau/casussen/{case}/overdracht"),
    (Role.TEAMLEIDER, "/bureau/overdrachtsmomenten"),
    (Role.TEAMLEIDER, "/peiling/nieuw"),
    (Role.TEAMLEIDER, "/rapportage/bekijk?locatie=ZS&van=2026-09-01&tot=2026-11-30"),
    (Role.BEHEER, "/beheer/gebruikers/nieuw"),
    (Role.BEHEER, "/verzuim/kalender"),
    (Role.BEHEER, "/verzuim/codes"),
    (Role.BEHEER, "/beheer/locaties"),
]


@pytest.fixture
def world(
    client: FlaskClient, make_user: Callable[..., User], make_student: Callable[..., Student]
) -> dict[str, object]:
    student = make_student("ZS", first_name="Lotte", last_name="Verhoeven")
    other = make_student("ZS", first_name="Amir", last_name="Haddou")
    staff = make_user(Role.MEDEWERKER, ("ZS",))
    case = open_case(
        staff, student, reason="zorgen", status=CaseStatus.PREVENTIEF, owner=staff, teamleider=None
    )
    db.session.commit()
    return {
        "nr": student.leerlingnummer,
        "nr2": other.leerlingnummer,
        "case": case.id,
        "users": {Role.MEDEWERKER: staff},
    }


def _sign_in(client: FlaskClient, world: dict, role: Role, make_user: Callable[..., User]) -> None:
    users = world["users"]
    if role not in users:  # type: ignore[operator]
        users[role] = make_user(role, ("ZS",))  # type: ignore[index]
    with client.session_transaction() as session:
        session.clear()
    assert login(client, users[role].email).status_code == 302  # type: ignore[index]
    with client.session_transaction() as session:
        session["reauth_at"] = int(time.time()) + 3600
    if role in (Role.MEDEWERKER, Role.TEAMLEIDER, Role.COPA):
        confirm_screened(client)


@pytest.mark.parametrize(("role", "page"), PAGES, ids=[p for _, p in PAGES])
def test_every_form_answers_any_input_clearly(
    client: FlaskClient,
    make_user: Callable[..., User],
    world: dict,
    role: Role,
    page: str,
) -> None:
    _sign_in(client, world, role, make_user)
    path = page.format(nr=world["nr"], nr2=world["nr2"], case=world["case"])
    forms = forms_on(client, path)
    assert forms, f"no form on {path}"
    seen: list[int] = []

    @SETTINGS
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        form = data.draw(st.sampled_from(forms))
        posted = dict(form.fields)
        for name in form.fields:
            if name in form.hidden:
                continue  # the CSRF token and the form's own hidden keys stay as the page made them
            posted[name] = data.draw(values, label=name)
        response = client.post(form.action, data=posted)
        seen.append(response.status_code)
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (form.action, posted, body[:300])
        assert response.status_code in (200, 302, 303, 400, 404, 409, 413, 422), (
            form.action,
            response.status_code,
        )
        assert SCRIPT not in body  # typed text is shown escaped, never as markup
        db.session.rollback()

    fuzz()
    assert seen  # the forms were really sent


def test_the_fuzzed_pages_have_fields() -> None:
    """The parser itself: it finds the fields of a simple form (so the test above fuzzes)."""
    parser = _FormParser()
    parser.feed(
        '<form method="post" action="/x"><input type="hidden" name="csrf_token" value="t">'
        '<input name="a"><textarea name="b"></textarea><select name="c"></select></form>'
        '<form method="get"><input name="q"></form>'
    )
    (form,) = parser.forms
    assert form.action == "/x" and set(form.fields) == {"csrf_token", "a", "b", "c"}
    assert form.hidden == {"csrf_token"} and re.fullmatch("t", form.fields["csrf_token"])


# What a query parameter may hold: numbers a database cannot, dates that do not exist, ids of
# nothing, text, NUL, and very long values.
query_values = (
    values
    | st.sampled_from(
        [
            str(10**20),
            "9" * 400,
            "-1",
            "0",
            "1e3",
            "١٢",
            "2026-13-45",
            "0001-01-01",
            "9999-12-31",
            "%00",
            "[]",
            "x" * 3000,
        ]
    )
    | st.integers(min_value=-(2**70), max_value=2**70).map(str)
)
# Not pages: the worker, the manifest, health checks and the PDF (WeasyPrint, seconds a run).
NOT_PAGES = {"/sw.js", "/manifest.webmanifest", "/healthz", "/readyz", "/rapportage/pdf"}


def get_pages(app: Flask) -> list[str]:
    """Every GET path without path parameters, read off the URL map."""
    return sorted(
        rule.rule
        for rule in app.url_map.iter_rules()
        if "GET" in (rule.methods or set())
        and not rule.arguments
        and rule.endpoint != "static"
        and rule.rule not in NOT_PAGES
    )


def query_parameters(client: FlaskClient, path: str) -> set[str] | None:
    """The query parameters ``path`` takes (see _FormParser), or None if the role may not open
    it. Always ``page``: every list page reads it."""
    response = client.get(path)
    if response.status_code != 200:
        return None
    names = {"page"}
    if response.mimetype == "text/html":
        parser = _FormParser()
        parser.feed(response.get_data(as_text=True))
        for target, found in parser.query.items():
            if target in ("", path):
                names |= found
    return names - {"csrf_token"}


@pytest.mark.parametrize("role", list(Role), ids=[r.value for r in Role])
def test_every_page_answers_any_query_string_clearly(
    app: Flask,
    client: FlaskClient,
    make_user: Callable[..., User],
    world: dict,
    role: Role,
) -> None:
    _sign_in(client, world, role, make_user)
    pages = {path: query_parameters(client, path) for path in get_pages(app)}
    opened = {path: names for path, names in pages.items() if names is not None}
    assert opened, f"{role.value} opens no page at all"
    seen: list[int] = []

    @settings(max_examples=80, deadline=None, suppress_health_check=list(HealthCheck))
    @given(data=st.data())
    def fuzz(data: st.DataObject) -> None:
        path = data.draw(st.sampled_from(sorted(opened)), label="page")
        names = sorted(opened[path])
        chosen = data.draw(st.lists(st.sampled_from(names), min_size=1, unique=True), label="names")
        query = {name: data.draw(query_values, label=name) for name in chosen}
        response = client.get(path, query_string=query)
        seen.append(response.status_code)
        body = response.get_data(as_text=True)
        assert response.status_code < 500, (path, query, body[:300])
        assert response.status_code in (200, 302, 303, 400, 403, 404), (path, query)
        if response.status_code == 400:  # refused with a message saying what is wrong
            assert message_of(response), (path, query, body[:300])
        assert SCRIPT not in body
        db.session.rollback()

    fuzz()
    assert seen


def message_of(response: TestResponse) -> str:
    """The message of an error answer: JSON's ``message``, or the error page's heading."""
    if response.is_json:
        return str(response.get_json().get("message", ""))
    match = re.search(r"<h1>([^<]+)</h1>", response.get_data(as_text=True))
    return match.group(1).strip() if match else ""


def test_the_query_parameters_of_a_page_are_found() -> None:
    """The parser finds a GET form's fields and a link's parameters (so the test above fuzzes)."""
    parser = _FormParser()
    parser.feed(
        '<form method="get"><input name="q"><select name="status"></select></form>'
        '<a href="/x?page=2&amp;mijn=1">volgende</a><a href="?sort=oud">oud</a>'
    )
    assert parser.query == {"": {"q", "status", "sort"}, "/x": {"page", "mijn"}}
