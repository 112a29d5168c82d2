"""Signing in with the test client: the test users' password, the CSRF token a page hands out,
and the login form."""

from __future__ import annotations

import hashlib
import os
import re

from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

PASSWORD = "correct-horse-battery"


def csrf_token_from(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token a page hands out (read from its hidden input)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


def signed_csrf_token(client: FlaskClient) -> str:
    """A CSRF token of the client's session, made as Flask-WTF makes the one a page hands out
    (the session's raw token, put there first if it has none, signed with the secret key), but
    without rendering a page: for tests that sign in many times and test no page by it."""
    app = client.application
    field = app.config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    with client.session_transaction() as session:
        if field not in session:
            session[field] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - as Flask-WTF
        raw = session[field]
    secret = app.config.get("WTF_CSRF_SECRET_KEY") or app.secret_key
    return URLSafeTimedSerializer(secret, salt="wtf-csrf-token").dumps(raw)


def login(client: FlaskClient, email: str, password: str = PASSWORD) -> object:
    token = csrf_token_from(client, "/login")
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def logout(client: FlaskClient) -> object:
    token = csrf_token_from(client, "/account/")
    return client.post("/logout", data={"csrf_token": token})


def session_cookie(client: FlaskClient) -> str:
    """The value of the client's session cookie (to copy it, as a thief would)."""
    cookie = client.get_cookie("session")
    assert cookie is not None, "no session cookie"
    return cookie.value


def replay(client: FlaskClient, cookie: str) -> FlaskClient:
    """``client`` carrying a copied session cookie (and nothing else of its own)."""
    client.delete_cookie("session")
    client.set_cookie("session", cookie)
    return client


def from_address(client: FlaskClient, address: str) -> FlaskClient:
    """Every request of ``client`` comes from ``address`` from now on."""
    client.environ_base["REMOTE_ADDR"] = address
    return client


def hidden_fields(html: str, action: str) -> dict[str, str]:
    """The hidden inputs (CSRF token, one-time token) of the form posting to ``action``."""
    start = html.index(f'action="{action}"')
    form = html[start : html.index("</form>", start)]
    fields = {}
    for tag in re.findall(r"<input[^>]*>", form):
        if 'type="hidden"' not in tag:
            continue
        name = re.search(r'name="([^"]+)"', tag)
        value = re.search(r'value="([^"]*)"', tag)
        if name:
            fields[name.group(1)] = value.group(1) if value else ""
    return fields
