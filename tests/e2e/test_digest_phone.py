"""The digest as the team leader reads it at 14:00: on a phone of 412×915 and on paper.

On the phone the first screen answers "what must I do today" (each student once, their reasons
merged), everything else is collapsed, the page never scrolls sideways and the hotspot grid fits
in its own box with its zone names whole. Printed (Chromium's page.pdf, A4) the collapsed
sections are open, the first page is full and the whole digest takes at most three pages."""

from __future__ import annotations

import subprocess
from pathlib import Path

from playwright.sync_api import Page, expect

from app.extensions import db
from tests.digest_helpers import DAY, Scenario, at, log
from tests.e2e.browser_helpers import LiveServer, sign_in

PAGE = f"/digest/ZS/{DAY.isoformat()}"
PHONE_412 = {"width": 412, "height": 915}
SECTIONS = ("cijfers", "inzet", "lijsten", "klimaat", "hotspots")


def open_digest(page: Page, live_server: LiveServer, scenario: Scenario, path: str = PAGE) -> None:
    """Signed in as the team leader (the menu shows it) on a 412×915 phone, on the digest."""
    page.set_viewport_size(PHONE_412)
    sign_in(page, live_server.url, scenario.teamleider.email)
    expect(page.get_by_role("link", name="Dagoverzicht").first).to_be_visible()
    page.goto(f"{live_server.url}{path}")
    expect(page.get_by_role("heading", level=1)).to_contain_text("Dagoverzicht ZS")


def no_sideways_scroll(page: Page) -> None:
    width, inner = page.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert width <= inner, (width, inner)


def test_the_first_screen_on_a_phone_is_what_to_do_today(
    page: Page, live_server: LiveServer, scenario: Scenario, console_errors: list[str]
) -> None:
    open_digest(page, live_server, scenario)

    # "Voor jou" starts on the first screen, and its first task is the most urgent one.
    actions = page.locator("#actie")
    box = actions.bounding_box()
    assert box is not None and box["y"] < 915 / 2, box
    tasks = actions.locator(".task")
    expect(tasks.first).to_contain_text("Doorverwezen naar jou")
    expect(tasks.first).to_contain_text("A.V. · 2B")

    # Each student once: D.S. has a DUO deadline, a new signal and a handover, in one task.
    labels = actions.locator(".task-who .student-ref").all_inner_texts()
    assert len(labels) == len(set(labels)), labels
    daan = tasks.filter(has_text="D.S. · 4D")
    expect(daan).to_have_count(1)
    reasons = daan.locator(".reason")
    expect(reasons).to_have_count(3)
    expect(reasons.nth(0)).to_contain_text("Melden bij DUO")
    expect(reasons.nth(1)).to_contain_text("Nieuw verzuimsignaal")
    expect(reasons.nth(1)).not_to_contain_text("16 uur")  # the DUO reason says it already
    expect(reasons.nth(2)).to_contain_text("Overdracht naar COPA")
    # Every student links to their student page; one with an open case to the case as well.
    link = daan.get_by_role("link", name="D.S. · 4D", exact=True)
    expect(link).to_have_attribute("href", f"/leerlingen/{scenario.students['D1'].leerlingnummer}")
    expect(daan.get_by_role("link", name="casus D.S. · 4D")).to_have_count(1)
    # A student without a case is no longer initials only: the student page opens.
    fleur = tasks.filter(has_text="F.B. · 3C")
    expect(fleur.get_by_role("link", name="F.B. · 3C")).to_have_attribute(
        "href", f"/leerlingen/{scenario.students['D3'].leerlingnummer}"
    )
    expect(fleur.locator(".case-link")).to_have_count(0)

    # Everything else is collapsed, and opens with a tap (no JavaScript needed for that).
    for section in SECTIONS:
        expect(page.locator(f"details#{section}")).not_to_have_attribute("open", "")
    expect(page.locator("table.hotspot-grid")).to_be_hidden()
    no_sideways_scroll(page)

    # The hotspot grid fits: it scrolls inside its own box, never the page, and the zone names
    # stay whole (one line each, on their side).
    page.locator("#hotspots > summary").click()
    grid = page.locator("table.hotspot-grid")
    expect(grid).to_be_visible()
    wrap = page.locator(".hotspot-wrap").bounding_box()
    assert wrap is not None and wrap["x"] >= 0 and wrap["x"] + wrap["width"] <= 412, wrap
    no_sideways_scroll(page)
    lines = page.eval_on_selector_all(
        ".zone-head",
        """heads => heads.map(h => {
            const range = document.createRange();
            range.selectNodeContents(h);
            const columns = new Set([...range.getClientRects()].map(r => Math.round(r.left)));
            return [h.textContent, columns.size];
        })""",
    )
    assert lines and all(count == 1 for _, count in lines), lines
    assert "kantine" in {name for name, _ in lines}

    page.locator("#lijsten > summary").click()
    expect(page.locator("#casussen")).to_be_visible()
    no_sideways_scroll(page)
    assert console_errors == []


def test_a_grid_of_every_zone_scrolls_in_its_own_box(
    page: Page, live_server: LiveServer, scenario: Scenario
) -> None:
    """Tension in every zone of the location (long names among them): more columns than fit
    412 px. The grid scrolls sideways in its box, the page does not, and no name breaks."""
    for zone in scenario.location.zones:
        log(
            scenario.staff,
            scenario.location,
            "spanning",
            at(DAY, 11, 5),
            zone=zone.name,
            severity="laag",
        )
    db.session.commit()
    open_digest(page, live_server, scenario)
    page.locator("#hotspots > summary").click()
    heads = page.locator(".hotspot-grid .zone-head")
    expect(heads).to_have_count(len(scenario.location.zones))
    no_sideways_scroll(page)
    box = page.eval_on_selector(
        ".hotspot-wrap", "w => [w.getBoundingClientRect().right, w.scrollWidth, w.clientWidth]"
    )
    right, scroll_width, client_width = box
    assert right <= 412 and scroll_width > client_width, box
    # Scrolled to the far right, the times stay in view (a sticky first column).
    page.eval_on_selector(".hotspot-wrap", "w => { w.scrollLeft = w.scrollWidth; }")
    time_cell = page.locator(".hotspot-grid tbody th").first.bounding_box()
    wrap = page.locator(".hotspot-wrap").bounding_box()
    assert time_cell is not None and wrap is not None
    assert time_cell["x"] >= wrap["x"] - 1, (time_cell, wrap)
    whole = page.eval_on_selector_all(
        ".zone-head",
        """heads => heads.map(h => {
            const range = document.createRange();
            range.selectNodeContents(h);
            return new Set([...range.getClientRects()].map(r => Math.round(r.left))).size;
        })""",
    )
    assert set(whole) == {1}, whole
    no_sideways_scroll(page)


def test_a_saturday_says_there_was_no_school(
    page: Page, live_server: LiveServer, scenario: Scenario
) -> None:
    open_digest(page, live_server, scenario, "/digest/ZS/2026-11-14")
    expect(page.locator(".digest-notice")).to_contain_text("Geen schooldag: weekend.")
    expect(page.locator(".digest-notice")).to_contain_text("niets geregistreerd")
    # No grid of zeros, and no lists of an empty day.
    page.locator("#cijfers > summary").click()
    values = page.locator("#cijfers .figure-value").all_inner_texts()
    assert "0" not in values, values
    expect(page.locator("#lijsten")).to_have_count(0)
    no_sideways_scroll(page)


def test_printed_it_fills_the_first_page_and_takes_at_most_three(
    page: Page, live_server: LiveServer, scenario: Scenario, tmp_path: Path
) -> None:
    open_digest(page, live_server, scenario)
    page.emulate_media(media="print")
    # The collapsed sections print open (no beforeprint event needed: page.pdf fires none).
    expect(page.locator("table.hotspot-grid")).to_be_visible()
    expect(page.locator("#casussen")).to_be_visible()
    expect(page.locator(".digest-jump")).to_be_hidden()

    pdf = tmp_path / "dagoverzicht.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    info = subprocess.run(
        ["pdfinfo", str(pdf)], capture_output=True, text=True, timeout=60, check=True
    ).stdout
    pages = int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])
    assert pages <= 3, pages

    def text(number: int) -> str:
        return subprocess.run(
            ["pdftotext", "-f", str(number), "-l", str(number), "-layout", str(pdf), "-"],
            capture_output=True,
            text=True,
            timeout=60,
            check=True,
        ).stdout

    first = text(1)
    filled = [line for line in first.splitlines() if line.strip()]
    # Not a near-empty first page: the actions and more on it, well filled.
    assert "Voor jou" in first and "Doorverwezen naar jou" in first
    assert len(filled) >= 35, len(filled)
    everything = "".join(text(n) for n in range(1, pages + 1))
    for heading in ("In cijfers", "Waar staan we morgen?", "Casussen", "Klimaat per zone"):
        assert heading in everything, heading
    assert "Andere dag of locatie" not in everything
