"""Signing in with the test client: the test users' password, the CSRF token a page hands out,
and the login form."""

from __future__ import annotations

import re

from flask.testing import FlaskClient

PASSWORD = "correct-horse-battery"


def csrf_token_from(client: FlaskClient, path: str = "/login") -> str:
    """The CSRF token a page hands out (read from its hidden input)."""
    html = client.get(path).get_data(as_text=True)
    match = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', html) or re.search(
        r'name="csrf_token" value="([^"]+)"', html
    )
    assert match, f"no CSRF token on {path}"
    return match.group(1)


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
