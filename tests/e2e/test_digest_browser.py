"""The digest page in a real Chromium at a phone viewport (390×844): readable without sideways
scrolling of the page, action items first, navigation between school days, the case link for a
team leader, print layout (the 412×915 phone and the printed pages in more detail:
test_digest_phone.py), and no console errors or CSP violations."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.digest_helpers import DAY, Scenario
from tests.e2e.browser_helpers import LiveServer, sign_in

PAGE = f"/digest/ZS/{DAY.isoformat()}"


def test_team_leader_reads_the_digest_on_a_phone(
    page: Page, live_server: LiveServer, scenario: Scenario, console_errors: list[str]
) -> None:
    sign_in(page, live_server.url, scenario.teamleider.email)
    page.get_by_role("link", name="Dagoverzicht").first.click()
    expect(page).to_have_url(re.compile(r"/digest/ZS/\d{4}-\d{2}-\d{2}$"))
    page.goto(f"{live_server.url}{PAGE}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dagoverzicht ZS")
    expect(page.get_by_role("heading", level=1)).to_contain_text("dinsdag 10 november 2026")

    # What needs action comes first: the first section after the header is "Voor jou".
    actions = page.locator("#actie")
    # Seven action items of five students: each student once (tests/e2e/test_digest_phone.py).
    expect(actions.get_by_role("heading", name="Voor jou 5")).to_be_visible()
    box = actions.bounding_box()
    assert box is not None and box["y"] < 900  # within the first screen and a bit
    expect(actions.locator(".task").first).to_contain_text("Doorverwezen naar jou")
    expect(actions.locator(".task").first).to_contain_text("A.V. · 2B")

    # The page itself never scrolls sideways; the wide tables scroll inside their box.
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    # The rest is collapsed: one tap opens a section.
    page.locator("#hotspots > summary").click()
    grid = page.locator("table.hotspot-grid")
    expect(grid).to_be_visible()
    expect(grid.locator("caption")).to_contain_text("per zone en kwartier")
    cell = page.locator(".hotspot-grid tbody tr").nth(16).locator("td.today")
    expect(cell).to_contain_text("kantine 12:00–12:15 (grote pauze): 4 spanningen, 0 de-escalaties")

    # A team leader may open the case of a student with an open case, and the student page.
    page.locator("#lijsten > summary").click()
    case_link = page.locator("#casussen").get_by_role("link", name="casus C.B. · 1A")
    expect(case_link).to_have_attribute("href", f"/bureau/casussen/{scenario.case_new.id}")
    student_link = page.locator("#casussen").get_by_role("link", name="C.B. · 1A", exact=True)
    expect(student_link).to_have_attribute(
        "href", f"/leerlingen/{scenario.students['C'].leerlingnummer}"
    )

    # Previous school day, and back.
    page.get_by_role("link", name="vorige schooldag").click()
    expect(page).to_have_url(f"{live_server.url}/digest/ZS/2026-11-09")
    page.get_by_role("link", name="volgende schooldag").click()
    expect(page).to_have_url(f"{live_server.url}{PAGE}")

    # Another day through the date field (behind "Andere dag of locatie").
    page.get_by_text("Andere dag of locatie").click()
    page.get_by_label("Datum").fill("2026-10-21")
    page.get_by_role("button", name="Toon").click()
    expect(page).to_have_url(f"{live_server.url}/digest/ZS/2026-10-21")
    expect(page.get_by_text("Geen schooldag: Herfstvakantie.")).to_be_visible()

    # Printing leaves out the navigation and the form, and prints the sections open.
    page.goto(f"{live_server.url}{PAGE}")
    page.emulate_media(media="print")
    expect(page.locator(".digest-jump")).to_be_hidden()
    expect(page.locator(".topbar")).to_be_hidden()
    expect(page.locator("#actie")).to_be_visible()
    expect(page.locator("table.hotspot-grid")).to_be_visible()
    page.emulate_media(media="screen")

    assert console_errors == []
