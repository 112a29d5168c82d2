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


def test_the_menu_on_a_phone_is_one_row_of_whole_names_that_scrolls(
    page: Page, live_server: LiveServer, make_user: Callable[..., User]
) -> None:
    """Beheer has the longest menu: on a phone it is one row under the brand that scrolls
    sideways inside itself; every link shows its whole name and none overlaps the next."""
    user = make_user(Role.BEHEER, ("ZS", "HK"))
    sign_in(page, live_server.url, user.email)
    page.goto(f"{live_server.url}/account/")
    boxes = page.evaluate(
        """() => [...document.querySelectorAll('.topnav a')].map((a) => {
             const box = a.getBoundingClientRect();
             return {left: box.left, right: box.right, top: box.top,
                     clipped: a.scrollWidth > a.clientWidth + 1};
           })"""
    )
    assert len(boxes) >= 5
    assert not [box for box in boxes if box["clipped"]], "a menu name does not fit its link"
    for before, after in zip(boxes, boxes[1:], strict=False):
        assert after["left"] >= before["right"] - 0.5, "menu links overlap"
    assert len({round(box["top"]) for box in boxes}) == 1  # one row
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # the page itself: no
