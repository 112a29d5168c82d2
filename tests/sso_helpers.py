"""Single sign-on in tests: a real OpenID provider (tests/oidcserver.py), the app's settings for
it, and a browser-less sign-in at the provider with ``requests``, driven with the Flask test
client on the app's side."""

from __future__ import annotations

import base64
import hashlib
import secrets
from collections.abc import Iterator
from urllib.parse import parse_qs, urlencode, urljoin, urlsplit

import pytest
import requests
from flask.testing import FlaskClient

from tests.oidcserver import (
    CLIENT_ID,
    CLIENT_SECRET,
    OTHER_CLIENT_ID,
    OTHER_CLIENT_SECRET,
    TempOIDCProvider,
)

APP_BASE_URL = "http://127.0.0.1:5000"


@pytest.fixture(scope="session", name="oidc_server")
def oidc_server_fixture() -> Iterator[TempOIDCProvider]:
    """One provider for the run, its redirect URI the test client's app."""
    server = TempOIDCProvider(
        redirect_uris=[f"{APP_BASE_URL}/login/sso/callback"],
        post_logout_redirect_uris=[f"{APP_BASE_URL}/login"],
    )
    server.start()
    try:
        yield server
    finally:
        server.stop()


@pytest.fixture(name="oidc")
def oidc_fixture(oidc_server: TempOIDCProvider) -> Iterator[TempOIDCProvider]:
    """The provider, with no accounts and its own keys published, for each test."""
    oidc_server.reset()
    yield oidc_server
    oidc_server.reset()


def sso_settings(provider: TempOIDCProvider, **more: object) -> dict[str, object]:
    return {
        "OIDC_ISSUER": provider.issuer,
        "OIDC_CLIENT_ID": CLIENT_ID,
        "OIDC_CLIENT_SECRET": CLIENT_SECRET,
        "OIDC_LABEL": "Microsoft",
        "APP_BASE_URL": APP_BASE_URL,
        **more,
    }


def app_path(url: str) -> str:
    """The path and query of an app URL, for the test client."""
    parts = urlsplit(url)
    return parts.path + (f"?{parts.query}" if parts.query else "")


def at_provider(provider: TempOIDCProvider, browser: requests.Session, url: str, login: str) -> str:
    """Follow the provider's pages from ``url`` (signing in as ``login`` when it asks) until it
    sends the browser back to the app; answers that URL."""
    for _ in range(12):
        if url.startswith(APP_BASE_URL):
            return url
        answer = browser.get(url, allow_redirects=False, timeout=10)
        if answer.status_code in (302, 303):
            url = urljoin(url, answer.headers["Location"])
            continue
        assert answer.status_code == 200, answer.text[:500]
        assert 'name="login"' in answer.text, answer.text[:500]
        uid = urlsplit(url).path.rsplit("/", 1)[-1]
        posted = browser.post(
            f"{provider.issuer}/interaction/{uid}/login",
            data={"login": login},
            allow_redirects=False,
            timeout=10,
        )
        assert posted.status_code in (302, 303), posted.text[:500]
        url = urljoin(url, posted.headers["Location"])
    raise AssertionError("the provider did not send the browser back")


def start(client: FlaskClient, path: str = "/login/sso") -> str:
    """Start the flow at the app; answers the provider's authorization URL."""
    answer = client.get(path)
    assert answer.status_code == 302, answer.get_data(as_text=True)[:500]
    return str(answer.headers["Location"])


def callback_url(
    client: FlaskClient,
    provider: TempOIDCProvider,
    login: str,
    *,
    browser: requests.Session | None = None,
    path: str = "/login/sso",
) -> str:
    """The app's callback URL with the provider's code, after signing in as ``login``."""
    return at_provider(provider, browser or requests.Session(), start(client, path), login)


def sso_login(
    client: FlaskClient,
    provider: TempOIDCProvider,
    login: str,
    *,
    browser: requests.Session | None = None,
) -> object:
    """The whole flow; answers the app's response to the callback."""
    return client.get(app_path(callback_url(client, provider, login, browser=browser)))


def id_token_for_other_client(
    provider: TempOIDCProvider, browser: requests.Session, login: str, nonce: str
) -> str:
    """A genuine ID token of the provider, issued to another client (its audience)."""
    verifier = secrets.token_urlsafe(48)
    challenge = (
        base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest()).rstrip(b"=").decode()
    )
    redirect_uri = "http://127.0.0.1:9/callback"
    query = urlencode(
        {
            "client_id": OTHER_CLIENT_ID,
            "response_type": "code",
            "scope": "openid email profile",
            "redirect_uri": redirect_uri,
            "state": "x" * 16,
            "nonce": nonce,
            "code_challenge": challenge,
            "code_challenge_method": "S256",
        }
    )
    url = f"{provider.issuer}/auth?{query}"
    for _ in range(12):
        if url.startswith(redirect_uri):
            break
        answer = browser.get(url, allow_redirects=False, timeout=10)
        if answer.status_code in (302, 303):
            url = urljoin(url, answer.headers["Location"])
            continue
        uid = urlsplit(url).path.rsplit("/", 1)[-1]
        posted = browser.post(
            f"{provider.issuer}/interaction/{uid}/login",
            data={"login": login},
            allow_redirects=False,
            timeout=10,
        )
        url = urljoin(url, posted.headers["Location"])
    code = parse_qs(urlsplit(url).query)["code"][0]
    tokens = requests.post(
        f"{provider.issuer}/token",
        data={
            "grant_type": "authorization_code",
            "code": code,
            "redirect_uri": redirect_uri,
            "code_verifier": verifier,
        },
        auth=(OTHER_CLIENT_ID, OTHER_CLIENT_SECRET),
        timeout=10,
    )
    tokens.raise_for_status()
    return str(tokens.json()["id_token"])
