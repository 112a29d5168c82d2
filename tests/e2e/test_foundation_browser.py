from collections.abc import Callable

from playwright.sync_api import Page, expect

from app.core.vocabulary import Role
from app.models import User
from tests.e2e.browser_helpers import LiveServer, sign_in


def test_login_page_on_a_phone(
    page: Page, live_server: LiveServer, console_errors: list[str]
) -> None:
    page.goto(f"{live_server.url}/login")
    expect(page.get_by_role("heading", name="Inloggen bij SchoolFit")).to_be_visible()
    button = page.get_by_role("button", name="Inloggen")
    box = button.bounding_box()
    assert box is not None and box["height"] >= 48  # tap target
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # no sideways scrolling
    assert console_errors == []  # no CSP violations either


def test_wrong_password_then_sign_in(
    page: Page, live_server: LiveServer, make_user: Callable[..., User], console_errors: list[str]
) -> None:
    user = make_user(Role.TEAMLEIDER, name="Peter Teamleider")
    sign_in(page, live_server.url, user.email, "helemaal-verkeerd-123")
    expect(page.get_by_text("Onbekend e-mailadres of verkeerd wachtwoord.")).to_be_visible()
    sign_in(page, live_server.url, user.email)
    expect(page.get_by_role("heading", name="Goedendag, Peter Teamleider")).to_be_visible()
    page.get_by_role("button", name="Uitloggen").click()
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()
    assert console_errors == []
