"""Single sign-on in a real Chromium at phone size: the login page's "Inloggen met Microsoft"
button, the provider's own sign-in page (npm's oidc-provider, tests/oidcserver.py), back in
SchoolFit signed in; and logging out offers the provider's logout."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from playwright.sync_api import Page, expect
from sqlalchemy import select
from werkzeug.serving import make_server

from app import create_app
from app.core.vocabulary import Role
from app.extensions import db
from app.models import User, UserIdentity
from tests.e2e.browser_helpers import PHONE, LiveServer
from tests.oidcserver import TempOIDCProvider
from tests.pgserver import free_port, serve_in_background
from tests.sso_helpers import sso_settings


@pytest.fixture
def sso_server(app: Flask) -> Iterator[tuple[LiveServer, TempOIDCProvider]]:
    """The app with single sign-on, served on a free loopback port, and its provider."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    provider = TempOIDCProvider(
        redirect_uris=[f"{base}/login/sso/callback"], post_logout_redirect_uris=[f"{base}/login"]
    )
    provider.start()
    served = create_app(
        "testing",
        SQLALCHEMY_DATABASE_URI=app.config["SQLALCHEMY_DATABASE_URI"],
        **{**sso_settings(provider), "APP_BASE_URL": base},
    )
    server = make_server("127.0.0.1", port, served, threaded=True)
    thread = serve_in_background(server)
    try:
        yield LiveServer(url=base, app=served), provider
    finally:
        server.shutdown()
        thread.join(timeout=10)
        provider.stop()
        with served.app_context():
            db.engine.dispose()


def test_signing_in_with_the_provider_on_a_phone(
    page: Page,
    sso_server: tuple[LiveServer, TempOIDCProvider],
    make_user: Callable[..., User],
    console_errors: list[str],
) -> None:
    live, provider = sso_server
    staff = make_user(Role.MEDEWERKER, ("ZS",), email="samira@school.example.nl", name="Samira")
    provider.admin(
        "accounts",
        {"samira": {"sub": "entra-samira", "email": "Samira@School.example.nl", "name": "Samira"}},
    )
    assert page.viewport_size == PHONE

    page.goto(f"{live.url}/account/")  # signed out: the login page, which keeps the page
    button = page.get_by_role("link", name="Inloggen met Microsoft")
    expect(button).to_be_visible()
    box = button.bounding_box()
    assert box is not None and box["height"] >= 44 and box["width"] <= PHONE["width"]
    button.click()

    # the provider's own sign-in page
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.get_by_label("Gebruikersnaam").fill("samira")
    page.get_by_role("button", name="Aanmelden").click()

    page.wait_for_url(f"{live.url}/account/")
    expect(page.get_by_role("link", name="Mijn account")).to_be_visible()
    identity = db.session.scalars(select(UserIdentity)).one()
    assert identity.user_id == staff.id and identity.subject == "entra-samira"

    page.get_by_role("button", name="Uitloggen").first.click()
    page.wait_for_url(f"{live.url}/login**")
    expect(page.get_by_role("link", name="Ook uitloggen bij Microsoft")).to_be_visible()
    assert not console_errors, console_errors


def test_an_unknown_person_sees_why_on_a_phone(
    page: Page,
    sso_server: tuple[LiveServer, TempOIDCProvider],
    console_errors: list[str],
) -> None:
    live, provider = sso_server
    provider.admin("accounts", {"piet": {"sub": "sub-piet", "email": "piet@school.example.nl"}})
    page.goto(f"{live.url}/login")
    page.get_by_role("link", name="Inloggen met Microsoft").click()
    page.wait_for_url(f"{provider.issuer}/interaction/**")
    page.get_by_label("Gebruikersnaam").fill("piet")
    page.get_by_role("button", name="Aanmelden").click()
    page.wait_for_url(f"{live.url}/login/sso/callback**")
    expect(page.get_by_role("alert")).to_contain_text(
        "Je hebt nog geen account in SchoolFit; vraag het functioneel beheer"
    )
    assert not console_errors, console_errors
