"""Accessibility (issue 21, docs/accessibility.md): every page type, at a phone's size (390×844)
and a laptop's (1366×768), in the light and the dark theme, as a role that may see it, with the
demo's data.

- axe-core (npm, tests/axe/) finds no serious or critical violation of WCAG 2.2 A/AA and its
  best practices; in the dark theme (at the phone's size) its colour contrast rules run again;
- on a phone every visible control is at least 44×44 CSS px (but for the exceptions of WCAG
  2.5.8, tests/e2e/axe_helpers.py);
- tabbing shows where the focus is on every page (at the laptop's size);
- the main actions work with the keyboard only: a contact on the floor, an inbox item at the
  desk, opening a case, another location on the floor, logging out.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import pytest
from flask import Flask
from playwright.sync_api import Browser, BrowserContext, Page, expect

from app.core.vocabulary import Role
from app.demo.organisation import DEMO_ACCOUNTS
from app.extensions import db
from app.models import Location, User
from tests.e2e.axe_helpers import (
    LAPTOP_SIZE,
    PHONE_SIZE,
    Walk,
    axe_violations,
    describe_violations,
    focus_problems,
    small_targets,
    tab_to,
)
from tests.e2e.browser_helpers import LAPTOP_AGENT, PHONE_AGENT, LiveServer
from tests.e2e.floor_browser_helpers import expect_sent
from tests.pulse_helpers import add_answers, make_peiling

# The roles in the order they walk their pages: a page type a role has checked already is not
# checked again by the next (medewerker first: the floor and most of the desk).
ROLES = [
    Role.MEDEWERKER,
    Role.TEAMLEIDER,
    Role.COPA,
    Role.AANDACHTSFUNCTIONARIS,
    Role.LOCATIELEIDER,
    Role.BEHEER,
]
# Pages with data no link leads to, per role.
UNLINKED = {Role.BEHEER: ["/privacy/leerling/100201", "/herbevestigen"]}
# The dark theme changes colours only: axe's colour rules run again there.
DARK_RULES = ["color-contrast", "link-in-text-block"]


@dataclass(frozen=True)
class Size:
    name: str
    viewport: dict[str, int]
    agent: str
    phone: bool


SIZES = [
    Size("phone", PHONE_SIZE, PHONE_AGENT, True),
    Size("laptop", LAPTOP_SIZE, LAPTOP_AGENT, False),
]


@pytest.fixture
def demo(app: Flask) -> dict[Role, tuple[str, str]]:
    """The demo school group (`flask seed-demo`: built through the app's services) and an open
    leerlingpeiling with answers; the e-mail address and password of each role's demo account."""
    from app.demo.seed import seed_demo

    seed_demo()
    db.session.commit()
    teamleider = db.session.query(User).filter_by(email="teamleider@demo.schoolfit.nl").one()
    peiling = make_peiling(app, teamleider, db.session.query(Location).filter_by(code="ZS").one())
    add_answers(app, peiling, 12)
    return {account.role: (account.email, account.password) for account in DEMO_ACCOUNTS}


def new_context(browser: Browser, args: dict[str, Any], size: Size) -> BrowserContext:
    return browser.new_context(
        **{
            **args,
            "viewport": size.viewport,
            "user_agent": size.agent,
            "is_mobile": size.phone,
            "has_touch": size.phone,
            "device_scale_factor": 2 if size.phone else 1,
        }
    )


class Checker:
    """Everything found on the pages of one size, per kind of problem.

    At both sizes axe checks the page in the light theme. On a phone also the tap targets and
    axe's colour rules in the dark theme (the colours are the same on a laptop: they come from
    the theme, not from the width); on a laptop, where the keyboard is, the focus indicator."""

    def __init__(self, size: Size) -> None:
        self.size = size
        self.axe: list[str] = []
        self.targets: list[str] = []
        self.focus: list[str] = []
        self.pages: list[str] = []

    def check(self, page: Page, where: str, *, focus: bool = True, top: bool = False) -> None:
        """``top``: tab from the top of the page (its menu) rather than from its main content
        (the menu is the same on every page of a role)."""
        where = f"{where} ({self.size.name})"
        self.pages.append(where)
        self.axe += describe_violations(where, axe_violations(page))
        if self.size.phone:
            self.targets += [f"{where}: {target}" for target in small_targets(page)]
            page.emulate_media(color_scheme="dark")
            self.axe += describe_violations(f"{where} dark", axe_violations(page, DARK_RULES))
            page.emulate_media(color_scheme="light")
        elif focus:
            self.focus += focus_problems(page, where, from_top=top)

    def failures(self) -> str:
        parts = []
        for title, found in (
            ("axe: serious or critical violations", self.axe),
            ("tap targets under 44×44 CSS px", self.targets),
            ("focus not visible", self.focus),
        ):
            if found:
                parts.append(f"{title}:\n  " + "\n  ".join(sorted(set(found))))
        return "\n".join(parts)


def sign_in(page: Page, base_url: str, email: str, password: str) -> None:
    page.goto(f"{base_url}/login")
    # The service worker's first fetches (it caches the floor's shell) end first: one answered
    # after the login would set the session cookie of before it again.
    page.wait_for_load_state("networkidle")
    page.get_by_label("E-mailadres").fill(email)
    page.get_by_label("Wachtwoord").fill(password)
    page.get_by_role("button", name="Inloggen").click()
    page.wait_for_url(lambda url: "/login" not in url)


def confirm_screened_place(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/bureau/afgeschermd")
    page.get_by_label("Ik zit op een afgeschermde plek").check()
    page.get_by_role("button", name="Verder naar het bureau").click()
    page.wait_for_url(lambda url: "/afgeschermd" not in url)


def check_the_floor(page: Page, checker: Checker) -> None:
    """The floor's states beyond its first screen: a sheet, and the undo toast after a tap."""
    expect(page.locator("#zones button").first).to_be_visible()
    page.locator("#zones button").first.click()
    page.locator('.action[data-kind="gesprek"]').click()
    expect(page.locator("#entry-sheet")).to_be_visible()
    checker.check(page, "floor.index: the Gesprek sheet", focus=False)
    page.keyboard.press("Escape")
    page.locator('.action[data-kind="contact"]').click()
    expect(page.locator("#toast")).to_be_visible()
    checker.check(page, "floor.index: the undo toast", focus=False)
    # In the dark theme the toast is a dark box too, not a light one lighting up the corridor.
    page.emulate_media(color_scheme="dark")
    toast = page.evaluate(TOAST_BACKGROUND)
    page.emulate_media(color_scheme="light")
    assert toast < 0.2, f"the undo toast's background in the dark theme is light ({toast:.2f})"
    page.locator("#undo-button").click()


# The relative luminance (0 black … 1 white) of the floor toast's background.
TOAST_BACKGROUND = """() => {
  const [r, g, b] = getComputedStyle(document.getElementById('toast')).backgroundColor
    .match(/[\\d.]+/g).slice(0, 3).map(Number)
    .map(c => c / 255).map(c => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
}"""


@pytest.mark.page_walk
@pytest.mark.parametrize("live_server_settings", [{"FLOOR_UNDO_MS": 20_000}])
@pytest.mark.parametrize("size", SIZES, ids=[size.name for size in SIZES])
def test_every_page_type_passes_axe_tap_target_and_focus_checks(
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: LiveServer,
    demo: dict[Role, tuple[str, str]],
    size: Size,
) -> None:
    base = live_server.url
    checker = Checker(size)

    # Signed out: the login page (also with an error), the offline page, an error page and a
    # student's leerlingpeiling.
    context = new_context(browser, browser_context_args, size)
    page = context.new_page()
    page.goto(f"{base}/login")
    checker.check(page, "auth.login", top=True)
    page.get_by_label("E-mailadres").fill("niemand@school.example.nl")
    page.get_by_label("Wachtwoord").fill("verkeerd-wachtwoord")
    page.get_by_role("button", name="Inloggen").click()
    checker.check(page, "auth.login with an error")
    page.goto(f"{base}/offline")
    checker.check(page, "main.offline")
    page.goto(f"{base}/bestaat-niet")
    checker.check(page, "error 404")
    with live_server.app.app_context():
        from app.models import Peiling

        code = db.session.query(Peiling).one().code
    page.goto(f"{base}/p/{code}")
    checker.check(page, "pulse.answer")
    page.goto(f"{base}/p/{code}/bedankt")
    checker.check(page, "pulse.thanks")
    context.close()

    walk = Walk(live_server.app, base)
    for role in ROLES:
        context = new_context(browser, browser_context_args, size)
        page = context.new_page()
        sign_in(page, base, *demo[role])
        if "desk.screened" not in walk.checked:
            page.goto(f"{base}/bureau/afgeschermd")
            checker.check(page, "desk.screened")
            walk.checked.add("desk.screened")
        confirm_screened_place(page, base)
        for number, endpoint in enumerate(walk.pages(page, "/")):
            checker.check(page, f"{endpoint} as {role.value}", top=number == 0)
            if endpoint == "floor.index":
                check_the_floor(page, checker)
        # Pages no link leads to: the data subject's page (beheer opens it by number) and the
        # confirmation asked before an export.
        for path in UNLINKED.get(role, []):
            endpoint = walk.endpoint(f"{base}{path}")
            if endpoint and endpoint not in walk.checked:
                walk.checked.add(endpoint)
                page.goto(f"{base}{path}")
                checker.check(page, f"{endpoint} as {role.value}")
        if role == Role.MEDEWERKER:
            page.goto(f"{base}/beheer/")  # not theirs: the 403 page
            checker.check(page, "error 403")
        context.close()

    print(f"{len(checker.pages)} pages checked at {size.name} size:", *checker.pages, sep="\n  ")
    assert not checker.failures(), checker.failures()


def test_the_main_actions_work_with_the_keyboard_only(
    browser: Browser,
    browser_context_args: dict[str, Any],
    live_server: LiveServer,
    demo: dict[Role, tuple[str, str]],
) -> None:
    """Signing in, another location and a contact on the floor, closing an inbox item and
    opening a case at the desk, logging out: Tab, Enter, Space and typed text only."""
    from app.core.vocabulary import EntryKind, TriageOutcome
    from app.models import EntryTriage, FloorEntry

    base = live_server.url
    email, password = demo[Role.MEDEWERKER]
    context = new_context(browser, browser_context_args, SIZES[1])
    page = context.new_page()
    page.goto(f"{base}/login")
    page.wait_for_load_state("networkidle")  # as in sign_in
    tab_to(page, "#email")
    page.keyboard.type(email)
    tab_to(page, "#password")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/login" not in url)
    staff = db.session.query(User).filter_by(email=email).one()

    # The floor: switch to the other location, then log a contact there.
    page.goto(f"{base}/vloer/")
    location_button = page.locator("#location-button")
    expect(location_button).to_be_visible()
    before = location_button.inner_text()
    tab_to(page, "#location-button")
    page.keyboard.press("Enter")
    expect(page.locator("#location-sheet")).to_be_visible()
    tab_to(page, "#location-options button")
    other = page.evaluate("() => document.activeElement.textContent")
    if other.startswith(before):  # the current location's own option: on to the next one
        tab_to(page, "#location-options button")
        other = page.evaluate("() => document.activeElement.textContent")
    page.keyboard.press("Enter")
    expect(page.locator("#location-sheet")).to_be_hidden()
    expect(location_button).to_have_text(other.split(" ")[0])
    contacts = (
        db.session.query(FloorEntry).filter_by(staff_id=staff.id, kind=EntryKind.CONTACT).count()
    )
    sent = page.locator('#today-list li[data-state="sent"]')
    sent_before = sent.count()
    tab_to(page, ".action-contact")
    page.keyboard.press("Enter")
    expect(page.locator("#toast")).to_contain_text("vastgelegd")
    # Sent once the undo window has passed: "idle" alone may be seen before the send starts.
    expect_sent(page, sent_before + 1)
    db.session.expire_all()
    assert (
        db.session.query(FloorEntry).filter_by(staff_id=staff.id, kind=EntryKind.CONTACT).count()
        == contacts + 1
    )

    # The desk: confirm the screened place, close this morning's first entry with a reason.
    page.goto(f"{base}/bureau/afgeschermd")
    tab_to(page, "input[type=checkbox]")
    page.keyboard.press("Space")
    tab_to(page, "button[type=submit].primary")
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: "/afgeschermd" not in url)
    page.goto(f"{base}/bureau/")
    page.wait_for_selector("body[data-desk-ready=true]")
    page.keyboard.press("j")  # the inbox's own keys: the first entry, then "a" for its reason
    page.keyboard.press("a")
    page.keyboard.type("Met toetsenbord afgehandeld")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Afgesloten.")).to_be_visible()
    db.session.expire_all()
    closed = db.session.query(EntryTriage).filter_by(close_reason="Met toetsenbord afgehandeld")
    assert closed.one().outcome == TriageOutcome.AFGESLOTEN

    # Open a case from the list.
    page.goto(f"{base}/bureau/casussen")
    tab_to(page, "main a[href*='/bureau/casussen/']")
    page.keyboard.press("Enter")
    page.wait_for_url("**/bureau/casussen/*")
    expect(page.get_by_role("heading", level=1)).to_be_visible()

    # Log out.
    tab_to(page, "form[data-logout] button")
    page.keyboard.press("Enter")
    expect(page.get_by_text("Je bent uitgelogd.")).to_be_visible()
    context.close()
