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
